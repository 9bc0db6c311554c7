import { sql } from 'kysely';
import type { Db, Tx } from '../../db/connection.ts';

type Conn = Db | Tx;

export async function insertAgreement(tx: Conn, values: {
  partnership_id: number; title: string; purpose: string; legal_basis: string; datasets: string[]; fields_shared: string;
  retention_months: number; record_level_export: boolean; start_date: string; review_date: string; end_date: string | null; created_by: number | null;
}, partyAgencyIds: number[]) {
  const agreement = await tx.insertInto('agreements').values(values).returningAll().executeTakeFirstOrThrow();
  await tx.insertInto('agreement_parties')
    .values(partyAgencyIds.map((agency_id) => ({ partnership_id: values.partnership_id, agreement_id: agreement.id, agency_id })))
    .execute();
  return agreement;
}

export async function listAgreementsWithParties(db: Conn, partnershipId: number) {
  return db.selectFrom('agreements')
    .select((eb) => [
      'agreements.id', 'agreements.title', 'agreements.purpose', 'agreements.legal_basis', 'agreements.datasets', 'agreements.fields_shared',
      'agreements.retention_months', 'agreements.record_level_export', 'agreements.start_date', 'agreements.review_date', 'agreements.end_date', 'agreements.created_at',
      eb.selectFrom('agreement_parties').innerJoin('agencies', 'agencies.id', 'agreement_parties.agency_id')
        .whereRef('agreement_parties.agreement_id', '=', 'agreements.id')
        .select(sql<string[]>`coalesce(array_agg(agencies.name ORDER BY agencies.name), '{}')`.as('names')).as('party_names'),
    ])
    .where('agreements.partnership_id', '=', partnershipId)
    .orderBy('agreements.start_date', 'desc').execute();
}

export async function findAgreement(db: Conn, partnershipId: number, agreementId: number) {
  return db.selectFrom('agreements').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', agreementId).executeTakeFirst();
}

/** Agreements that name this agency as a party and this dataset, whatever their dates. */
export async function findAgreementsCovering(db: Conn, partnershipId: number, agencyId: number, dataset: string) {
  return db.selectFrom('agreements')
    .innerJoin('agreement_parties', 'agreement_parties.agreement_id', 'agreements.id')
    .selectAll('agreements')
    .where('agreements.partnership_id', '=', partnershipId)
    .where('agreement_parties.agency_id', '=', agencyId)
    .where(sql<boolean>`${dataset} = ANY(agreements.datasets)`)
    .orderBy('agreements.start_date', 'desc').execute();
}

export async function listAgreementRetention(db: Conn) {
  return db.selectFrom('agreements').select(['id', 'partnership_id', 'title', 'retention_months']).execute();
}

/** The agencies named by agreements in force today for a dataset, for operators who upload without naming one. */
export async function findPartiesOfActiveAgreements(db: Conn, partnershipId: number, dataset: string, today: string) {
  return db.selectFrom('agreements')
    .innerJoin('agreement_parties', 'agreement_parties.agreement_id', 'agreements.id')
    .innerJoin('agencies', 'agencies.id', 'agreement_parties.agency_id')
    .select(['agencies.id', 'agencies.name', 'agreements.id as agreement_id'])
    .where('agreements.partnership_id', '=', partnershipId)
    .where(sql<boolean>`${dataset} = ANY(agreements.datasets)`)
    .where('agreements.start_date', '<=', today)
    .where((eb) => eb.or([eb('agreements.end_date', 'is', null), eb('agreements.end_date', '>=', today)]))
    .orderBy('agreements.id').orderBy('agencies.id').execute();
}

export async function listAgreementsOfAgency(db: Conn, partnershipId: number, agencyId: number) {
  return db.selectFrom('agreements')
    .innerJoin('agreement_parties', 'agreement_parties.agreement_id', 'agreements.id')
    .select(['agreements.id', 'agreements.title', 'agreements.datasets', 'agreements.start_date', 'agreements.end_date'])
    .where('agreements.partnership_id', '=', partnershipId)
    .where('agreement_parties.agency_id', '=', agencyId)
    .orderBy('agreements.title').execute();
}

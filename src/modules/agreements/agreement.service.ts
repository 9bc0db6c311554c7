import type { Db } from '../../db/connection.ts';
import type { Agreement } from '../../db/schema.ts';
import { requireAccess, type Actor } from '../../shared/authorization.ts';
import { LanternError, notFoundOrNoAccess } from '../../shared/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { listAgencies } from '../partnerships/partnership.repository.ts';
import * as repo from './agreement.repository.ts';
import { ZAgreementSchema, type TAgreement } from './agreement.schema.ts';

export type AgreementStatus = 'active' | 'not-started' | 'expired';

export function todayIso(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export function agreementStatus(agreement: Pick<Agreement, 'start_date' | 'end_date'>, today = todayIso()): AgreementStatus {
  if (agreement.start_date > today) return 'not-started';
  if (agreement.end_date && agreement.end_date < today) return 'expired';
  return 'active';
}

export async function recordAgreement(db: Db, actor: Actor, input: TAgreement) {
  const partnershipId = requireAccess(actor, 'agreements:manage', actor.partnershipId);
  const values = ZAgreementSchema.parse(input);
  const agencies = new Set((await listAgencies(db, partnershipId)).map((a) => a.id));
  if (!values.partyAgencyIds.every((id) => agencies.has(id))) throw notFoundOrNoAccess();
  return db.transaction().execute(async (tx) => {
    const agreement = await repo.insertAgreement(tx, {
      partnership_id: partnershipId, title: values.title, purpose: values.purpose, legal_basis: values.legalBasis,
      datasets: [...new Set(values.datasets)], fields_shared: values.fieldsShared, retention_months: values.retentionMonths,
      record_level_export: values.recordLevelExport, start_date: values.startDate, review_date: values.reviewDate,
      end_date: values.endDate ?? null, created_by: actor.userId,
    }, [...new Set(values.partyAgencyIds)]);
    await recordAudit(tx, actor, { action: 'agreement.create', recordType: 'agreement', recordId: agreement.id, detail: { title: values.title, datasets: values.datasets, parties: values.partyAgencyIds, retentionMonths: values.retentionMonths } });
    return agreement;
  });
}

export async function listAgreements(db: Db, actor: Actor) {
  const partnershipId = requireAccess(actor, 'agreements:read', actor.partnershipId);
  const today = todayIso();
  return (await repo.listAgreementsWithParties(db, partnershipId)).map((a) => ({
    ...a, status: agreementStatus(a, today), reviewOverdue: a.review_date < today,
  }));
}

/**
 * The agreement an upload is made under: one that names the uploading agency and the
 * dataset, and is in force today. Without one, nothing is uploaded.
 */
export async function requireActiveAgreement(db: Db, partnershipId: number, agencyId: number | null, dataset: string): Promise<Agreement> {
  if (agencyId == null) {
    throw new LanternError('no-active-agreement', `Uploads must be made by an agency. Choose the agency that is sharing "${dataset}".`);
  }
  const candidates = await repo.findAgreementsCovering(db, partnershipId, agencyId, dataset);
  const today = todayIso();
  const active = candidates.find((a) => agreementStatus(a, today) === 'active');
  if (active) return active;
  const expired = candidates.find((a) => agreementStatus(a, today) === 'expired');
  if (expired) {
    throw new LanternError('no-active-agreement', `The data-sharing agreement "${expired.title}" ended on ${expired.end_date}, so no new "${dataset}" data can be uploaded under it. Record a new or renewed agreement first.`);
  }
  const future = candidates.find((a) => agreementStatus(a, today) === 'not-started');
  if (future) {
    throw new LanternError('no-active-agreement', `The data-sharing agreement "${future.title}" starts on ${future.start_date}; "${dataset}" data can be uploaded from then.`);
  }
  throw new LanternError('no-active-agreement', `There is no data-sharing agreement that covers "${dataset}" for your agency. Record an agreement naming your agency and this dataset before uploading.`);
}

/**
 * The agency an operator's upload is made for: the one named, or else the only agency
 * an agreement in force shares this dataset under. Several candidates must be chosen from.
 */
export async function resolveUploadingAgency(db: Db, partnershipId: number, dataset: string, agencyName?: string): Promise<number> {
  const parties = await repo.findPartiesOfActiveAgreements(db, partnershipId, dataset, todayIso());
  if (agencyName) {
    const named = parties.find((p) => p.name.toLowerCase() === agencyName.toLowerCase());
    if (!named) throw new LanternError('no-active-agreement', `No agreement in force lets "${agencyName}" share "${dataset}".`);
    return named.id;
  }
  const distinct = [...new Map(parties.map((p) => [p.id, p])).values()];
  if (distinct.length === 1) return distinct[0]!.id;
  if (distinct.length === 0) {
    throw new LanternError('no-active-agreement', `There is no data-sharing agreement in force for "${dataset}". Record one before uploading.`);
  }
  throw new LanternError('invalid-input', `Several agencies share "${dataset}" (${distinct.map((p) => p.name).join(', ')}): name one with --agency.`);
}

/** What the actor's agency may upload today, and under which agreement: shown on the upload page. */
export async function listDatasetsOpenToAgency(db: Db, actor: Actor): Promise<Array<{ dataset: string; agreement: string; endDate: string | null }>> {
  const partnershipId = requireAccess(actor, 'data:upload', actor.partnershipId);
  if (actor.agencyId == null) return [];
  const today = todayIso();
  const agreements = await repo.listAgreementsOfAgency(db, partnershipId, actor.agencyId);
  return agreements
    .filter((a) => agreementStatus(a, today) === 'active')
    .flatMap((a) => a.datasets.map((dataset) => ({ dataset, agreement: a.title, endDate: a.end_date })))
    .sort((a, b) => a.dataset.localeCompare(b.dataset));
}

/** The partnership every benchmark imports into: a police agency and an agreement for police.uk. */
import type { Db } from '../src/db/connection.ts';
import { recordAgreement } from '../src/modules/agreements/agreement.service.ts';
import { addAgency, createPartnership } from '../src/modules/partnerships/partnership.service.ts';
import { systemActor } from '../src/shared/authorization.ts';

export async function createBenchPartnership(db: Db, purpose: string) {
  const slug = `bench-${Date.now()}`;
  const partnership = await createPartnership(db, { slug, name: 'Benchmark (synthetic)', synthetic: true });
  const admin = systemActor(partnership.id, 'bench');
  const police = await addAgency(db, admin, { name: 'Kingsbridge Police (synthetic)', type: 'police' });
  await recordAgreement(db, admin, {
    title: 'Bench', purpose, legalBasis: 'Crime and Disorder Act 1998 s.115', partyAgencyIds: [police.id], datasets: ['police-uk'],
    fieldsShared: 'police.uk', retentionMonths: 600, recordLevelExport: false, startDate: '2000-01-01', reviewDate: '2099-01-01',
  });
  return { slug, partnership, admin, police };
}

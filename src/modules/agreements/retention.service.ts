import type { Db } from '../../db/connection.ts';
import { systemActor } from '../../shared/authorization.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { deleteExpiredIncidents, deleteExpiredQuarantine } from '../ingestion/ingestion.repository.ts';
import { listPartnerships } from '../partnerships/partnership.repository.ts';
import { listAgreementRetention } from './agreement.repository.ts';
import { todayIso } from './agreement.service.ts';

export type RetentionResult = { partnership: string; agreement: string; retentionMonths: number; deleted: number };

/**
 * Deletes every incident whose month ended longer ago than the retention period of the
 * agreement it was shared under, each agreement in its own transaction with its audit event.
 */
export async function runRetentionJob(db: Db, today = todayIso()): Promise<RetentionResult[]> {
  const partnerships = new Map((await listPartnerships(db)).map((p) => [p.id, p.slug]));
  const results: RetentionResult[] = [];
  for (const agreement of await listAgreementRetention(db)) {
    const deleted = await db.transaction().execute(async (tx) => {
      const rows = await deleteExpiredIncidents(tx, agreement.partnership_id, agreement.id, agreement.retention_months, today);
      const quarantined = await deleteExpiredQuarantine(tx, agreement.partnership_id, agreement.id, agreement.retention_months, today);
      const total = rows.reduce((sum, r) => sum + r.deleted, 0);
      if (total > 0 || quarantined > 0) {
        await recordAudit(tx, systemActor(agreement.partnership_id, 'retention job'), {
          action: 'retention.delete', recordType: 'agreement', recordId: agreement.id,
          detail: { retentionMonths: agreement.retention_months, deleted: total, quarantinedDeleted: quarantined, bySource: rows, asOf: today },
        });
      }
      return total;
    });
    if (deleted > 0) results.push({ partnership: partnerships.get(agreement.partnership_id) ?? String(agreement.partnership_id), agreement: agreement.title, retentionMonths: agreement.retention_months, deleted });
  }
  return results;
}

import type { Db } from '../../db/connection.ts';
import { can, requireAccess, type Actor } from '../../shared/authorization.ts';
import { suppressGroup } from '../../shared/suppression.ts';
import { findPartnershipById } from '../partnerships/partnership.repository.ts';
import { LanternError, notFoundOrNoAccess } from '../../shared/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import * as repo from './ingestion.repository.ts';

/** What has been shared, per source: the `lantern stats` figures and the Data page. */
export async function getSourceStatistics(db: Db, actor: Actor) {
  const partnershipId = requireAccess(actor, 'data:read', actor.partnershipId);
  return repo.sourceStatistics(db, partnershipId);
}

export async function getSourceDetail(db: Db, actor: Actor, slug: string) {
  const partnershipId = requireAccess(actor, 'data:read', actor.partnershipId);
  const source = await repo.findSource(db, partnershipId, slug);
  if (!source) throw notFoundOrNoAccess();
  const [months, categories, uploads, stats] = await Promise.all([
    repo.monthlyCounts(db, partnershipId, source.id),
    repo.categoryCounts(db, partnershipId, source.id),
    repo.listUploads(db, partnershipId, { sourceId: source.id, limit: 100 }),
    repo.sourceStatistics(db, partnershipId, source.id),
  ]);
  const mapping = source.kind === 'incidents' ? await repo.findMapping(db, partnershipId, source.id) : null;
  const totals = stats[0]!;
  if (can(actor, 'incidents:read-records')) {
    return { source, months: withGaps(months).map(unsuppressed), categories: categories.map(unsuppressed), uploads, totals, mapping, suppressionThreshold: null };
  }
  // Outside the analyst role, small counts are hidden, with secondary suppression against the published totals.
  const threshold = (await findPartnershipById(db, partnershipId))!.suppression_threshold;
  return {
    source, uploads, totals, mapping, suppressionThreshold: threshold,
    months: suppressColumns(withGaps(months), ['rows', 'without_location', 'outside_area'], threshold),
    categories: suppressColumns(categories, ['rows'], threshold),
  };
}

type Shown = { value: number | null; suppressed: boolean };

function unsuppressed<T extends Record<string, unknown>>(row: T): T & { shown: Record<string, Shown> } {
  const shown: Record<string, Shown> = {};
  for (const [key, value] of Object.entries(row)) if (typeof value === 'number') shown[key] = { value, suppressed: false };
  return { ...row, shown };
}

/** Each column is a group whose total is published elsewhere on the page. */
function suppressColumns<T extends Record<string, unknown>>(rows: T[], columns: string[], threshold: number): Array<T & { shown: Record<string, Shown> }> {
  const out = rows.map(unsuppressed);
  for (const column of columns) {
    const cells = suppressGroup(rows.map((r) => Number(r[column] ?? 0)), threshold);
    cells.forEach((cell, i) => { out[i]!.shown[column] = { value: cell.value, suppressed: cell.suppressed }; });
  }
  return out;
}

export async function listRecentUploads(db: Db, actor: Actor, limit = 50) {
  const partnershipId = requireAccess(actor, 'data:read', actor.partnershipId);
  return repo.listUploads(db, partnershipId, { limit });
}

export async function getUploadReport(db: Db, actor: Actor, uploadId: number) {
  const partnershipId = requireAccess(actor, 'data:read', actor.partnershipId);
  const upload = await repo.findUpload(db, partnershipId, uploadId);
  if (!upload) throw notFoundOrNoAccess();
  const [findings, quarantined] = await Promise.all([
    repo.listFindings(db, partnershipId, uploadId),
    repo.listQuarantinedRows(db, partnershipId, uploadId, 500),
  ]);
  return { upload, findings, quarantined };
}

export async function listSources(db: Db, actor: Actor) {
  const partnershipId = requireAccess(actor, 'data:read', actor.partnershipId);
  return repo.listSources(db, partnershipId);
}

/** Months from first to last, with the ones that have no data marked missing, so gaps show. */
function withGaps(months: Array<{ month: string; rows: number; without_location: number; outside_area: number }>) {
  if (months.length === 0) return [];
  const byMonth = new Map(months.map((m) => [m.month, m]));
  const out = [];
  const [firstYear, firstMonth] = months[0]!.month.split('-').map(Number) as [number, number];
  const last = months[months.length - 1]!.month;
  for (let y = firstYear, m = firstMonth; ; m++) {
    if (m > 12) { m = 1; y++; }
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push(byMonth.get(key) ?? { month: key, rows: 0, without_location: 0, outside_area: 0, missing: true });
    if (key >= last) break;
  }
  return out;
}

/**
 * Withdraws an upload sent by mistake: its rows still held are deleted and it stays in the
 * history as withdrawn. Only its own agency (or a partnership admin) may withdraw it.
 */
export async function withdrawUpload(db: Db, actor: Actor, uploadId: number): Promise<{ deleted: number }> {
  const partnershipId = requireAccess(actor, 'data:upload', actor.partnershipId);
  return db.transaction().execute(async (tx) => {
    const upload = await repo.findUploadForUpdate(tx, partnershipId, uploadId);
    if (!upload || (upload.agency_id !== actor.agencyId && actor.role !== 'partnership-admin')) throw notFoundOrNoAccess();
    if (upload.status !== 'imported') throw new LanternError('conflict', `This upload is ${upload.status}: there is nothing to withdraw.`);
    const deleted = await repo.withdrawUpload(tx, partnershipId, uploadId, actor.userId);
    await recordAudit(tx, actor, { action: 'upload.withdraw', recordType: 'upload', recordId: uploadId, detail: { file: upload.file_name, deleted } });
    return { deleted };
  });
}

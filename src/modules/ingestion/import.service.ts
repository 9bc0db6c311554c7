import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Transform, type Readable } from 'node:stream';
import type { DatabaseHandle } from '../../db/connection.ts';
import { kyselyOnClient } from '../../db/connection.ts';
import type { SourceKind } from '../../db/schema.ts';
import { requireAccess, type Actor } from '../../shared/authorization.ts';
import { LanternError } from '../../shared/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { requireActiveAgreement } from '../agreements/agreement.service.ts';
import { listCategoryMap } from '../partnerships/partnership.repository.ts';
import { loadAreaAssigner, type AreaAssigner } from './area-assigner.ts';
import { geographyFingerprint } from '../geography/geography.repository.ts';
import { BinaryCopyWriter } from './copy-binary.ts';
import { IncidentRows, categoryMapper } from './incident-rows.ts';
import * as repo from './ingestion.repository.ts';
import type { RowProblem } from './incident.types.ts';
import { FindingsCollector, type Finding } from './findings.ts';
import { UploadCounts } from './upload-counts.ts';
import { findSavedMapping, saveColumnMapping } from './mapping.service.ts';
import { openFeedParser, type FeedOptions } from './feed-parser.ts';
import { FileRefusedError } from './parsers/file-errors.ts';

export type ImportMode = 'all-or-nothing' | 'quarantine';
export type Channel = 'web' | 'cli' | 'api' | 'demo';

export type ImportRequest = {
  actor: Actor;
  partnershipId: number;
  kind: SourceKind;
  /** The dataset's slug, named in agreements. Defaults: `police-uk`, `istv`. Required for generic incident lists. */
  sourceSlug?: string;
  sourceName?: string;
  fileName: string;
  input: Readable;
  mode?: ImportMode;
  channel: Channel;
  feed?: FeedOptions;
  /** Called with the bytes read so far, for progress bars. */
  onProgress?: (bytesRead: number) => void;
};

export type ImportResult = {
  uploadId: number;
  status: 'imported' | 'refused';
  fileName: string;
  source: string;
  encoding: string | null;
  rows: number;
  imported: number;
  replaced: number;
  rejected: number;
  quarantined: number;
  withoutLocation: number;
  outsideArea: number;
  months: string[];
  /** The first problems found (at most MAX_LISTED_PROBLEMS); `problemCount` counts them all. */
  problems: RowProblem[];
  problemCount: number;
  findings: Finding[];
  message: string;
};

const MAX_LISTED_PROBLEMS = 1000;
const COPY_BLOCK_BYTES = 256 * 1024;
const COPY_QUEUE_BYTES = 16 * COPY_BLOCK_BYTES;
const DEFAULT_SLUGS: Partial<Record<SourceKind, { slug: string; name: string }>> = {
  'police-uk': { slug: 'police-uk', name: 'Police recorded crime and ASB (police.uk)' },
  istv: { slug: 'istv', name: 'A&E assault attendances (ISTV)' },
};

// The geography index is built once per partnership and reused until its areas change,
// in this process or any other (the CLI may load boundaries while the server runs).
const assignerCache = new Map<number, { fingerprint: string; assigner: Promise<AreaAssigner> }>();

async function areaAssignerFor(handle: DatabaseHandle, partnershipId: number): Promise<AreaAssigner> {
  const fingerprint = await geographyFingerprint(handle.db, partnershipId);
  const cached = assignerCache.get(partnershipId);
  if (cached && cached.fingerprint === fingerprint) return cached.assigner;
  const assigner = loadAreaAssigner(handle.db, partnershipId);
  assigner.catch(() => assignerCache.delete(partnershipId));
  assignerCache.set(partnershipId, { fingerprint, assigner });
  return assigner;
}

/**
 * Imports one file of a depersonalised feed under an active agreement, atomically: the
 * whole file is validated row by row inside one transaction, and either everything valid
 * is stored (replacing the batches it re-sends) or nothing is. A refused file is still
 * recorded as an upload with its report, so the sender can see why.
 */
export async function importFile(handle: DatabaseHandle, request: ImportRequest): Promise<ImportResult> {
  const { actor, partnershipId } = request;
  requireAccess(actor, 'data:upload', partnershipId);
  const mode = request.mode ?? 'all-or-nothing';
  const defaults = DEFAULT_SLUGS[request.kind];
  const sourceSlug = request.sourceSlug ?? defaults?.slug;
  if (!sourceSlug) throw new LanternError('invalid-input', 'Name the source of this incident list (for example council-asb).');
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(sourceSlug)) throw new LanternError('invalid-input', `"${sourceSlug}" is not a valid source name: use lower-case letters, digits and hyphens.`);

  const agreement = await requireActiveAgreement(handle.db, partnershipId, actor.agencyId, sourceSlug);
  const existing = await repo.findSource(handle.db, partnershipId, sourceSlug);
  if (existing && existing.kind !== request.kind) {
    throw new LanternError('invalid-input', `The source "${sourceSlug}" holds ${existing.kind} data; it cannot take a ${request.kind} file.`);
  }
  const source = existing ?? await repo.insertSource(handle.db, {
    partnership_id: partnershipId, slug: sourceSlug, kind: request.kind, name: request.sourceName ?? defaults?.name ?? sourceSlug,
  });

  const feed = await resolveFeedOptions(handle, request, source.id);
  const assigner = await areaAssignerFor(handle, partnershipId);
  const categoryKind = request.kind === 'incidents' ? `incidents:${source.slug}` : request.kind;
  const categoryMap = await listCategoryMap(handle.db, partnershipId, categoryKind);
  const mapCategory = categoryMapper(request.kind, categoryMap, feed.mapping?.taxonomy);

  const startedAt = new Date();
  const hash = createHash('sha256');
  let bytesRead = 0;
  const counted = request.input.pipe(new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytesRead += chunk.length;
      request.onProgress?.(bytesRead);
      callback(null, chunk);
    },
  }));
  // pipe() does not pass errors on: an aborted upload must end the parse (and roll back).
  request.input.once('error', (error) => counted.destroy(error));

  const client = await handle.pool.connect();
  const tx = kyselyOnClient(client);
  const problems: RowProblem[] = [];
  let problemCount = 0;
  let refusedMessage: string | null = null;
  let encoding: string | null = null;
  const stats = { rows: 0, imported: 0, rejected: 0, quarantined: 0, withoutLocation: 0, outsideArea: 0 };
  const quarantine: Array<{ line: number; problems: RowProblem[]; raw: Record<string, string> }> = [];
  const counts = new UploadCounts();
  const findings = new FindingsCollector(request.kind);
  if (!assigner.hasGeography) findings.noGeography();
  let uploadId = 0;
  let released = false;

  const addProblems = (list: RowProblem[]) => {
    problemCount += list.length;
    for (const p of list) if (problems.length < MAX_LISTED_PROBLEMS) problems.push(p);
  };

  try {
    await client.query('BEGIN');
    // A sender that stalls mid-file must not hold the transaction (and its locks) for ever.
    await client.query(`SET LOCAL idle_in_transaction_session_timeout = '15min'`);
    uploadId = await repo.nextUploadId(tx);
    await repo.insertUpload(tx, {
      id: uploadId, partnership_id: partnershipId, source_id: source.id, agency_id: agencyOf(actor), agreement_id: agreement.id,
      user_id: actor.userId, token_id: actor.tokenId, channel: request.channel, file_name: request.fileName, sha256: '', mode,
      status: 'imported', rows_total: 0, rows_imported: 0, rows_replaced: 0, rows_rejected: 0, rows_quarantined: 0,
      rows_without_location: 0, rows_outside_area: 0, encoding: null, report: {}, started_at: startedAt,
    });

    const copy = repo.openIncidentCopy(client);
    const copyDone = once(copy, 'finish');
    // If the COPY is abandoned the wait rejects; the transaction's rollback reports instead.
    copyDone.catch(() => undefined);
    let copyFailed: Error | null = null;
    copy.on('error', (error) => { copyFailed = error; });
    const ids = { partnershipId, sourceId: source.id, uploadId };
    const out = new BinaryCopyWriter(COPY_BLOCK_BYTES);
    const incidents = new IncidentRows({ kind: request.kind, ids, assigner, mapCategory, counts, findings });
    // Once a row is refused in all-or-nothing mode nothing will be kept, so stop writing
    // but keep reading to report every problem in the file.
    let writing = true;

    try {
      const parsed = openFeedParser(request.kind, counted, feed);
      for await (const rows of parsed.rows) {
        for (const row of rows) {
          stats.rows++;
          if (row.kind === 'invalid') {
            addProblems(row.problems);
            if (mode === 'quarantine') {
              stats.quarantined++;
              quarantine.push({ line: row.line, problems: row.problems, raw: row.raw });
            } else {
              stats.rejected++;
              writing = false;
            }
            continue;
          }
          stats.imported++;
          incidents.add(row.incident, writing ? out : null);
        }
        // Rows go to PostgreSQL in blocks: one socket write per row would cost more than the COPY.
        if (writing && out.length >= COPY_BLOCK_BYTES) {
          copy.write(out.take());
          // Let a few blocks queue so that parsing the next ones overlaps with PostgreSQL
          // storing these; wait only when the queue grows, to keep memory bounded.
          if (copy.writableLength > COPY_QUEUE_BYTES) await once(copy, 'drain');
          if (copyFailed) throw copyFailed;
        }
      }
      encoding = parsed.encoding();
      // Ended properly even when nothing will be kept: the transaction is rolled back then.
      out.end();
      copy.end(out.take());
      await copyDone;
    } catch (error) {
      copy.destroy();
      throw error;
    }

    stats.withoutLocation = incidents.withoutLocation;
    stats.outsideArea = incidents.outsideArea;
    const { batches, months } = incidents;
    if (stats.rows === 0) {
      throw new FileRefusedError('empty-file', 'The file has a header but no data rows.', [{ line: 2, field: '(file)', reason: 'no data rows' }]);
    }

    if (stats.rejected > 0) {
      refusedMessage = `${stats.rejected} row${stats.rejected === 1 ? '' : 's'} failed validation, so nothing was imported. Correct the rows listed, or import the valid rows and quarantine the rest.`;
      await client.query('ROLLBACK');
    } else {
      const replaced = await repo.replaceBatches(tx, partnershipId, source.id, batches, uploadId);
      await repo.copyUploadCounts(client, ids, counts);
      await repo.insertQuarantinedRows(tx, partnershipId, uploadId, quarantine);
      const allFindings = findings.finish(stats);
      await repo.insertFindings(tx, partnershipId, uploadId, allFindings);
      const report = { problems, problemCount, months: [...months.keys()].sort(), batches: [...batches.keys()].sort() };
      await repo.updateUpload(tx, uploadId, {
        sha256: hash.digest('hex'), rows_total: stats.rows, rows_imported: stats.imported, rows_replaced: replaced, rows_rejected: 0,
        rows_quarantined: stats.quarantined, rows_without_location: stats.withoutLocation, rows_outside_area: stats.outsideArea,
        encoding, report,
      });
      await recordAudit(tx, actor, {
        action: replaced > 0 ? 'upload.import-replace' : 'upload.import', recordType: 'upload', recordId: uploadId,
        detail: { source: source.slug, file: request.fileName, agreementId: agreement.id, imported: stats.imported, replaced, quarantined: stats.quarantined, batches: report.batches },
      });
      await client.query('COMMIT');
      const result: ImportResult = {
        uploadId, status: 'imported', fileName: request.fileName, source: source.slug, encoding, rows: stats.rows, imported: stats.imported,
        replaced, rejected: 0, quarantined: stats.quarantined, withoutLocation: stats.withoutLocation, outsideArea: stats.outsideArea,
        months: report.months, problems, problemCount, findings: allFindings,
        message: `Imported ${stats.imported} row${stats.imported === 1 ? '' : 's'}${replaced ? `, replacing ${replaced} sent before` : ''}${stats.quarantined ? `; ${stats.quarantined} quarantined` : ''}.`,
      };
      return result;
    }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (error instanceof FileRefusedError) {
      addProblems(error.problems);
      refusedMessage = error.message;
    } else if (error instanceof LanternError) {
      throw error;
    } else {
      // A failure of ours (or of the database) mid-import: the transaction is rolled back,
      // so the store is exactly as it was; report it without recording a refusal.
      client.release(true);
      released = true;
      throw error;
    }
  } finally {
    if (!released) client.release();
  }

  // Refused: nothing was stored. Record the attempt and its report on its own.
  counted.resume();
  const refusedId = await recordRefusedUpload(handle, request, {
    sourceId: source.id, agreementId: agreement.id, mode, startedAt, encoding, rows: stats.rows, rejected: stats.rejected || 0,
    problems, problemCount, message: refusedMessage ?? 'The file was refused.', sha256: hash.digest('hex'),
  });
  return {
    uploadId: refusedId, status: 'refused', fileName: request.fileName, source: source.slug, encoding, rows: stats.rows, imported: 0, replaced: 0,
    rejected: stats.rejected, quarantined: 0, withoutLocation: 0, outsideArea: 0, months: [], problems, problemCount, findings: [],
    message: refusedMessage ?? 'The file was refused.',
  };
}

async function recordRefusedUpload(handle: DatabaseHandle, request: ImportRequest, values: {
  sourceId: number; agreementId: number; mode: ImportMode; startedAt: Date; encoding: string | null; rows: number; rejected: number;
  problems: RowProblem[]; problemCount: number; message: string; sha256: string;
}): Promise<number> {
  return handle.db.transaction().execute(async (tx) => {
    const id = await repo.nextUploadId(tx);
    await repo.insertUpload(tx, {
      id, partnership_id: request.partnershipId, source_id: values.sourceId, agency_id: agencyOf(request.actor), agreement_id: values.agreementId,
      user_id: request.actor.userId, token_id: request.actor.tokenId, channel: request.channel, file_name: request.fileName, sha256: values.sha256,
      mode: values.mode, status: 'refused', rows_total: values.rows, rows_imported: 0, rows_replaced: 0, rows_rejected: values.rejected,
      rows_quarantined: 0, rows_without_location: 0, rows_outside_area: 0, encoding: values.encoding,
      report: { message: values.message, problems: values.problems, problemCount: values.problemCount }, started_at: values.startedAt,
    });
    await recordAudit(tx, request.actor, {
      action: 'upload.refuse', recordType: 'upload', recordId: id,
      detail: { file: request.fileName, problemCount: values.problemCount, message: values.message },
    });
    return id;
  });
}

function agencyOf(actor: Actor): number {
  if (actor.agencyId == null) throw new LanternError('invalid-input', 'Uploads must be made on behalf of an agency.');
  return actor.agencyId;
}

/** Generic lists need a column mapping: the one sent with the file (then saved), or the one saved before. */
async function resolveFeedOptions(handle: DatabaseHandle, request: ImportRequest, sourceId: number): Promise<FeedOptions> {
  const feed: FeedOptions = { ...request.feed, fileName: request.fileName };
  if (request.kind !== 'incidents') return feed;
  if (feed.mapping) {
    await saveColumnMapping(handle.db, request.actor, { sourceSlug: request.sourceSlug!, mapping: feed.mapping });
    return feed;
  }
  const saved = await findSavedMapping(handle.db, request.partnershipId, sourceId);
  if (!saved) throw new LanternError('invalid-input', 'This source has no saved column mapping yet: send one with the file.');
  return { ...feed, mapping: saved };
}

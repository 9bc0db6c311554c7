import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import type { DatabaseHandle } from '../db/connection.ts';
import type { SourceKind } from '../db/schema.ts';
import { resolveUploadingAgency } from '../modules/agreements/agreement.service.ts';
import { importFile, type ImportMode, type ImportResult } from '../modules/ingestion/import.service.ts';
import { saveColumnMapping } from '../modules/ingestion/mapping.service.ts';
import type { FeedOptions } from '../modules/ingestion/feed-parser.ts';
import { requirePartnershipBySlug } from '../modules/partnerships/partnership.service.ts';
import { systemActor } from '../shared/authorization.ts';

export type ImportCommandOptions = {
  partnership: string;
  kind: SourceKind;
  files: string[];
  source?: string;
  agency?: string;
  mode: ImportMode;
  mappingFile?: string;
  istv?: { periodStart: string; periodEnd: string; siteCode: string };
  quiet?: boolean;
};

/**
 * `lantern import ...`: each file is imported on its own (atomically), with a progress
 * bar on stderr, a line per file and a closing summary line on stdout. Returns the exit
 * code: 0 when every file was imported, 1 when any was refused.
 */
export async function runImport(handle: DatabaseHandle, options: ImportCommandOptions): Promise<number> {
  const partnership = await requirePartnershipBySlug(handle.db, options.partnership);
  const dataset = options.source ?? (options.kind === 'istv' ? 'istv' : 'police-uk');
  const agencyId = await resolveUploadingAgency(handle.db, partnership.id, dataset, options.agency);
  const actor = systemActor(partnership.id, `cli:${process.env.USER ?? 'operator'}`, agencyId);
  if (options.mappingFile) {
    const mapping = JSON.parse(await readFile(options.mappingFile, 'utf8')) as unknown;
    await saveColumnMapping(handle.db, actor, { sourceSlug: dataset, mapping });
  }
  const totals = { imported: 0, replaced: 0, rejected: 0, quarantined: 0, refusedFiles: 0 };
  const showBar = !options.quiet && process.stderr.isTTY;
  for (const file of options.files) {
    const size = (await stat(file)).size;
    const bar = showBar ? new cliProgress.SingleBar({ format: `${basename(file)} [{bar}] {percentage}% | {value}/{total} bytes`, stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
    bar?.start(size, 0);
    let lastReport = 0;
    const feed: FeedOptions = { format: /\.xlsx$/i.test(file) ? 'xlsx' : 'csv', ...(options.istv ? { istv: options.istv } : {}) };
    const result = await importFile(handle, {
      actor, partnershipId: partnership.id, kind: options.kind, sourceSlug: dataset, fileName: basename(file), input: createReadStream(file),
      mode: options.mode, channel: 'cli', feed,
      onProgress: (bytes) => {
        if (bar && bytes - lastReport > 256 * 1024) { bar.update(bytes); lastReport = bytes; }
      },
    });
    bar?.update(size);
    bar?.stop();
    report(file, result);
    totals.imported += result.imported;
    totals.replaced += result.replaced;
    totals.rejected += result.rejected;
    totals.quarantined += result.quarantined;
    if (result.status === 'refused') totals.refusedFiles++;
  }
  console.log(`imported ${totals.imported}, replaced ${totals.replaced}, rejected ${totals.rejected}, quarantined ${totals.quarantined}`);
  return totals.refusedFiles > 0 ? 1 : 0;
}

function report(file: string, result: ImportResult): void {
  if (result.status === 'imported') {
    console.log(`${basename(file)}: ${result.message} (${result.withoutLocation} without location, ${result.outsideArea} outside the area; upload ${result.uploadId})`);
    for (const finding of result.findings) console.log(`  - ${finding.summary}`);
    if (result.quarantined) printProblems(result);
    return;
  }
  console.error(`${basename(file)}: REFUSED. ${result.message}`);
  printProblems(result);
}

function printProblems(result: ImportResult): void {
  for (const p of result.problems.slice(0, 200)) console.error(`  line ${p.line}, ${p.field}: ${p.reason}`);
  if (result.problemCount > 200) console.error(`  … and ${result.problemCount - 200} more problems (see upload ${result.uploadId})`);
}

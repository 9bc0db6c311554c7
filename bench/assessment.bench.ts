/**
 * A strategic assessment of the demo partnership, from the shared data to the published
 * HTML and PDF, timed end to end for each template (gathering the figures, rendering, the
 * PDF in Chromium, storing the frozen version). Goal: under 30 s. Prints a table;
 * BENCHMARKS.md keeps the latest figures.
 *
 *   node bin/run-ts.js bench/assessment.bench.ts [runs=3]
 */
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ensureDatabase, openDatabase } from '../src/db/connection.ts';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { generateAssessment, publishAssessment } from '../src/modules/assessments/assessment.service.ts';
import { dataMonths } from '../src/modules/analysis/analysis.repository.ts';
import { addMonths } from '../src/modules/analysis/filters.ts';
import { DEMO_SLUG, loadDemoPartnership } from '../src/modules/demo/demo.service.ts';
import { requirePartnershipBySlug } from '../src/modules/partnerships/partnership.service.ts';
import { systemActor } from '../src/shared/authorization.ts';
import type { AssessmentTemplate } from '../src/db/schema.ts';

const work = resolve('.tmp/bench/assessment');
const PG_PORT = 54994;
const GOAL_MS = 30_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 3);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  let databaseUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!databaseUrl) {
    const embedded = await startEmbeddedPostgres(work, PG_PORT);
    stopEmbedded = embedded.stop;
    databaseUrl = await ensureDatabase(embedded.adminUrl, 'lantern_bench_assessment');
  }
  const handle = await openDatabase({ databaseUrl });
  try {
    let t = performance.now();
    await loadDemoPartnership(handle, { dir: join(work, 'demo-files') });
    console.log(`demo partnership loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const partnership = await requirePartnershipBySlug(handle.db, DEMO_SLUG);
    const actor = { ...systemActor(partnership.id, 'bench'), role: 'analyst' as const };
    const latest = (await dataMonths(handle.db, partnership.id, null)).latest!;
    const period = { from: addMonths(latest, -11), to: latest };

    const rows: string[] = [];
    for (const template of ['strategic-assessment', 'violence-problem-profile'] as AssessmentTemplate[]) {
      const gather: number[] = [];
      const publish: number[] = [];
      let pdfBytes = 0;
      let htmlBytes = 0;
      for (let run = 0; run < runs; run++) {
        t = performance.now();
        const { assessment, version } = await generateAssessment(handle.db, actor, { template, ...period });
        gather.push(performance.now() - t);
        t = performance.now();
        const published = await publishAssessment(handle.db, actor, assessment.id, { version: version.version });
        publish.push(performance.now() - t);
        pdfBytes = published.pdf.length;
        htmlBytes = Buffer.byteLength(published.html);
      }
      const total = gather.map((g, i) => g + publish[i]!);
      rows.push(`| ${template} | ${period.from} to ${period.to} | ${runs} | ${median(gather).toFixed(0)} | ${median(publish).toFixed(0)} | ${median(total).toFixed(0)} | ${Math.max(...total).toFixed(0)} | ${(htmlBytes / 1024).toFixed(0)} KB / ${(pdfBytes / 1024).toFixed(0)} KB | ${Math.max(...total) < GOAL_MS ? 'met' : 'NOT met'} |`);
    }
    console.log('| template | period | runs | gather figures ms (median) | render HTML + PDF and store ms (median) | total ms (median) | total ms (slowest) | HTML / PDF size | goal (< 30,000 ms) |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const row of rows) console.log(row);
  } finally {
    await handle.close();
    await stopEmbedded?.();
  }
}

await main();

/**
 * Import throughput: Lantern's validated, area-assigned import of a generated police.uk
 * file against a raw COPY of the same file into an unindexed table, on the same
 * PostgreSQL, in the same run. Prints a table; BENCHMARKS.md keeps the latest figures.
 *
 *   node bin/run-ts.js bench/import.bench.ts [rows=1000000] [runs=3]
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { createWriteStream } from 'node:fs';
import { createBenchPartnership } from './bench-partnership.ts';
import { ensureDatabase, openDatabase } from '../src/db/connection.ts';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { writeDemoFiles } from '../src/modules/demo/demo-files.generator.ts';
import { writeLargePoliceFile } from '../src/modules/demo/large-police.generator.ts';
import { readBoundaries } from '../src/modules/geography/geojson.loader.ts';
import { loadBoundaries } from '../src/modules/geography/geography.service.ts';
import { importFile } from '../src/modules/ingestion/import.service.ts';
import { INCIDENT_COPY_COLUMNS } from '../src/modules/ingestion/ingestion.repository.ts';
import { systemActor } from '../src/shared/authorization.ts';

const rows = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 3);
const work = resolve('.tmp/bench');
const seed = 20261122;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function peakRssMb(): Promise<number> {
  const status = await readFile('/proc/self/status', 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : process.memoryUsage().rss / 1024 / 1024;
}

await mkdir(work, { recursive: true });
const file = join(work, `police-${rows}.csv`);
const generated = await writeLargePoliceFile(file, { rows, seed });
const bytes = (await stat(file)).size;
console.log(`generated ${rows.toLocaleString('en-GB')} rows (${(bytes / 1e6).toFixed(0)} MB) in ${(generated.elapsedMs / 1000).toFixed(1)} s`);

let databaseUrl = process.env.DATABASE_URL;
let stopEmbedded: (() => Promise<void>) | undefined;
if (!databaseUrl) {
  await rm(join(work, 'pg'), { recursive: true, force: true });
  const embedded = await startEmbeddedPostgres(work, 54990);
  stopEmbedded = embedded.stop;
  databaseUrl = await ensureDatabase(embedded.adminUrl, 'lantern_bench');
}
const handle = await openDatabase({ databaseUrl });
const { partnership, admin, police } = await createBenchPartnership(handle.db, 'Benchmarking the importer.');
const demoDir = join(work, 'demo');
await writeDemoFiles(demoDir, { seed, months: 1 });
for (const type of ['lsoa11', 'lsoa21'] as const) {
  await loadBoundaries(handle.db, admin, await readBoundaries(join(demoDir, `boundaries/${type}.geojson`), { type }), type);
}

const raw = new pg.Client({ connectionString: databaseUrl });
await raw.connect();
const copyTimes: number[] = [];
const importTimes: number[] = [];
const importCpu: number[] = [];
const importFor = () => importFile(handle, { actor: systemActor(partnership.id, 'bench', police.id), partnershipId: partnership.id, kind: 'police-uk', fileName: 'bench.csv', input: createReadStream(file), channel: 'cli' });
for (let run = 0; run < runs; run++) {
  // Each run imports into an empty store, as the first import of a partnership's files
  // would; re-sending (which also deletes the rows it replaces) is measured once, below.
  await raw.query('TRUNCATE incidents, incident_counts, incident_cell_counts, batches');
  await raw.query('DROP TABLE IF EXISTS raw_police; CREATE TABLE raw_police ("Crime ID" text, "Month" text, "Reported by" text, "Falls within" text, "Longitude" text, "Latitude" text, "Location" text, "LSOA code" text, "LSOA name" text, "Crime type" text, "Last outcome category" text, "Context" text)');
  await raw.query('CHECKPOINT');
  let t = performance.now();
  await pipeline(createReadStream(file), raw.query(copyFrom('COPY raw_police FROM STDIN WITH (FORMAT csv, HEADER true)')));
  copyTimes.push(performance.now() - t);
  await raw.query('CHECKPOINT');

  t = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await importFor();
  importTimes.push(performance.now() - t);
  const cpu = process.cpuUsage(cpuBefore);
  importCpu.push((cpu.user + cpu.system) / 1000);
  if (result.status !== 'imported' || result.imported !== rows) {
    throw new Error(`import did not take every row: ${result.status} ${result.imported} ${result.message} ${JSON.stringify(result.problems.slice(0, 3))}`);
  }
  console.log(`run ${run + 1}: raw COPY ${(copyTimes[run]! / 1000).toFixed(2)} s, Lantern import ${(importTimes[run]! / 1000).toFixed(2)} s`);
}
await raw.query('CHECKPOINT');
let t = performance.now();
const resent = await importFor();
const resendMs = performance.now() - t;
console.log(`re-send of the same file: ${(resendMs / 1000).toFixed(2)} s (${resent.replaced.toLocaleString('en-GB')} rows replaced)`);

// Where the time goes: PostgreSQL alone storing Lantern's rows (already parsed, validated
// and placed) into a table with the same indexes, from the binary COPY the import sends.
const columns = INCIDENT_COPY_COLUMNS.join(', ');
const rowsFile = join(work, 'incident-rows.copy');
await pipeline(raw.query(copyTo(`COPY (SELECT ${columns} FROM incidents WHERE partnership_id = ${partnership.id}) TO STDOUT (FORMAT binary)`)), createWriteStream(rowsFile));
const storeTimes: number[] = [];
for (let run = 0; run < runs; run++) {
  await raw.query('DROP TABLE IF EXISTS incidents_probe; CREATE TABLE incidents_probe (LIKE incidents INCLUDING ALL); CHECKPOINT');
  t = performance.now();
  await pipeline(createReadStream(rowsFile), raw.query(copyFrom(`COPY incidents_probe (${columns}) FROM STDIN (FORMAT binary)`)));
  storeTimes.push(performance.now() - t);
}
await raw.query('DROP TABLE IF EXISTS raw_police; DROP TABLE IF EXISTS incidents_probe');
await raw.end();
const storeMs = median(storeTimes);

const copyMs = median(copyTimes);
const importMs = median(importTimes);
const peak = await peakRssMb();
console.log('');
console.log(`| measure (median of ${runs}) | raw COPY, unindexed table | Lantern import (validated, areas assigned, indexed) |`);
console.log('|---|---|---|');
console.log(`| rows | ${rows.toLocaleString('en-GB')} | ${rows.toLocaleString('en-GB')} |`);
console.log(`| seconds | ${(copyMs / 1000).toFixed(2)} | ${(importMs / 1000).toFixed(2)} |`);
console.log(`| rows per second | ${Math.round(rows / (copyMs / 1000)).toLocaleString('en-GB')} | ${Math.round(rows / (importMs / 1000)).toLocaleString('en-GB')} |`);
console.log(`| throughput ratio (Lantern ÷ raw COPY) | 1 | ${(copyMs / importMs).toFixed(2)} |`);
console.log(`| the ratio in each run (COPY and import back to back) | | ${copyTimes.map((c, i) => (c / importTimes[i]!).toFixed(2)).join(', ')} |`);
console.log(`| peak memory of this process (VmHWM) | | ${peak.toFixed(0)} MB |`);
console.log(`| CPU seconds in Lantern's process (parse, validate, place, encode) | | ${(median(importCpu) / 1000).toFixed(2)} |`);
console.log('');
console.log(`PostgreSQL alone storing the same rows in Lantern's indexed table (no parsing): ${(storeMs / 1000).toFixed(2)} s (ratio to raw COPY ${(copyMs / storeMs).toFixed(2)}).`);

await handle.close();
await stopEmbedded?.();

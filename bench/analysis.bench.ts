/**
 * Analysis under load: a partnership holding N police.uk incidents (24 months, full demo
 * geography), every analysis JSON endpoint driven by autocannon with 8 concurrent clients,
 * and Gi* on the partnership's 250 m grid over the whole dataset timed against R's
 * spdep::localG on the same grid and neighbour list, in the same run. Prints tables;
 * BENCHMARKS.md keeps the latest figures.
 *
 *   node bin/run-ts.js bench/analysis.bench.ts [rows=1000000] [seconds=10]
 *
 * BENCH_ONLY=emerging (a part of an endpoint's name or path) loads only the matching endpoints.
 *
 * The API server runs in a child process (this file again, with --serve), as it would in
 * production, so that the load generator does not share the server's event loop. The
 * machine's cores are still shared by PostgreSQL, the server and autocannon.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { createBenchPartnership } from './bench-partnership.ts';
import { ensureDatabase, openDatabase, type DatabaseHandle } from '../src/db/connection.ts';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import * as analysisRepo from '../src/modules/analysis/analysis.repository.ts';
import { addMonths, parseFilters } from '../src/modules/analysis/filters.ts';
import { gridCounts, partnershipGrid } from '../src/modules/analysis/hotspots.service.ts';
import { giStar } from '../src/modules/analysis/hotspots/gi-star.ts';
import { gridNeighbours, type Grid, type GridShape } from '../src/modules/analysis/hotspots/grid.ts';
import { openWorkspace } from '../src/modules/analysis/workspace.ts';
import { writeDemoFiles } from '../src/modules/demo/demo-files.generator.ts';
import { writeLargePoliceFile } from '../src/modules/demo/large-police.generator.ts';
import { loadDemoFamily } from '../src/modules/family/demo-family.loader.ts';
import { readImd, readPopulation, readWardLookup } from '../src/modules/geography/area-csv.loader.ts';
import { readBoundaries } from '../src/modules/geography/geojson.loader.ts';
import { loadBoundaries, loadDeprivation, loadPopulation, loadWardLookup } from '../src/modules/geography/geography.service.ts';
import { importFile } from '../src/modules/ingestion/import.service.ts';
import { createApiToken } from '../src/modules/partnerships/partnership.service.ts';
import { systemActor } from '../src/shared/authorization.ts';

const work = resolve('.tmp/bench/analysis');
const seed = 20261122;
const PG_PORT = 54993;
const CONNECTIONS = 8;
const GOAL_P50_MS = 300;
const GOAL_P95_MS = 1000;
const GOAL_GI_MS = 1000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Nearest-rank percentile of raw samples: the smallest value with at least q% of samples at or below it. */
function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((q / 100) * sorted.length) - 1))]!;
}

async function procStatus(pid: number | 'self', field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU milliseconds (user + system) a process has used. */
async function processCpuMs(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(') ') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/**
 * CPU milliseconds of the embedded PostgreSQL: the postmaster, its live backends and
 * workers, and the children it has already reaped (cutime, cstime).
 */
async function postgresCpuMs(postmaster: number | null): Promise<number> {
  if (postmaster === null) return NaN;
  const ticks = (fields: string[], from: number, to: number) => fields.slice(from, to + 1).reduce((s, x) => s + Number(x), 0);
  let total = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const text = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (!text) continue;
    const fields = text.slice(text.lastIndexOf(') ') + 2).split(' ');
    if (Number(entry) === postmaster) total += ticks(fields, 11, 14);
    else if (Number(fields[1]) === postmaster) total += ticks(fields, 11, 12);
  }
  return (total * 1000) / CLOCK_TICKS;
}

/** Busy and total jiffies of the whole machine, for its CPU use over a run. */
async function machineCpu(): Promise<{ busy: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((s, x) => s + x, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
}

// ---------------------------------------------------------------------------------------
// The server process.

async function serve(): Promise<void> {
  const { buildApp } = await import('../src/server/app.ts');
  const handle = await openDatabase({ databaseUrl: process.env.BENCH_DATABASE_URL! });
  const app = await buildApp({ handle, rateLimitPerMinute: 100_000_000 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  process.send!({ port: typeof address === 'object' && address ? address.port : 0 });
  process.on('message', (message) => {
    if (message === 'stop') void app.close().then(() => handle.close()).then(() => process.exit(0));
  });
}

// ---------------------------------------------------------------------------------------
// autocannon, typed for what is used here (the package ships no types).

type CannonResult = {
  requests: { total: number }; latency: { p50: number; p90: number; p97_5: number; p99: number; max: number };
  errors: number; timeouts: number; non2xx: number; duration: number;
};
type CannonInstance = { on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void };
type Cannon = (options: Record<string, unknown>, done: (error: Error | null, result: CannonResult) => void) => CannonInstance;
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

type LoadResult = {
  name: string; path: string; bytes: number; firstMs: number; requests: number; rps: number;
  p50: number; p95: number; max: number; cannonP50: number; cannonP97_5: number;
  errors: number; non2xx: number; serverCpuPerRequest: number; postgresCpuPerRequest: number; clientCpuPerRequest: number; machineBusy: number; load: number;
};

async function load(baseUrl: string, token: string, server: ChildProcess, postmaster: number | null, name: string, path: string, seconds: number): Promise<LoadResult> {
  const headers = { authorization: `Bearer ${token}` };
  // Warm-up: the first request builds and caches the grid; then a few more sequentially.
  let bytes = 0;
  let firstMs = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const response = await fetch(baseUrl + path, { headers });
    const body = await response.text();
    if (i === 0) firstMs = performance.now() - t;
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${body.slice(0, 300)}`);
    bytes = Buffer.byteLength(body);
  }
  const samples: number[] = [];
  const cpuBefore = await processCpuMs(server.pid!);
  const pgBefore = await postgresCpuMs(postmaster);
  const clientBefore = process.cpuUsage();
  const machineBefore = await machineCpu();
  const result = await new Promise<CannonResult>((done, fail) => {
    const instance = autocannon({ url: baseUrl + path, connections: CONNECTIONS, duration: seconds, headers }, (error, r) => (error ? fail(error) : done(r)));
    instance.on('response', (_client, _status, _bytes, ms) => samples.push(ms));
  });
  const serverCpu = (await processCpuMs(server.pid!)) - cpuBefore;
  const pgCpu = (await postgresCpuMs(postmaster)) - pgBefore;
  const clientCpu = process.cpuUsage(clientBefore);
  const load1 = Number((await readFile('/proc/loadavg', 'utf8')).split(' ')[0]);
  const machineAfter = await machineCpu();
  const sorted = Float64Array.from(samples).sort();
  return {
    name, path, bytes, firstMs, requests: result.requests.total, rps: result.requests.total / result.duration,
    p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] ?? NaN,
    cannonP50: result.latency.p50, cannonP97_5: result.latency.p97_5,
    errors: result.errors + result.timeouts, non2xx: result.non2xx,
    serverCpuPerRequest: serverCpu / Math.max(1, samples.length),
    postgresCpuPerRequest: pgCpu / Math.max(1, samples.length),
    clientCpuPerRequest: (clientCpu.user + clientCpu.system) / 1000 / Math.max(1, samples.length),
    load: load1,
    machineBusy: (machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total),
  };
}

// ---------------------------------------------------------------------------------------
// Gi* against spdep::localG on the same grid and neighbour list.

const R_SCRIPT = `
t_start <- proc.time()[["elapsed"]]
suppressPackageStartupMessages(library(spdep))
t_lib <- proc.time()[["elapsed"]]
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
pairs <- read.csv(args[2])
runs <- as.integer(args[4])
n <- nrow(d)
# Our neighbour list (1-based, self left out) as an spdep nb object; include.self makes it Gi*.
nb <- split(as.integer(pairs$to), factor(pairs$from, levels = seq_len(n)))
nb <- lapply(unname(nb), function(v) if (length(v) == 0) 0L else sort(v))
class(nb) <- "nb"
attr(nb, "region.id") <- as.character(seq_len(n))
t_read <- proc.time()[["elapsed"]]
w <- system.time(lw <- nb2listw(include.self(nb), style = "B"))[["elapsed"]]
z <- NULL
elapsed <- numeric(runs)
for (r in seq_len(runs)) elapsed[r] <- system.time(z <- localG(d$x, lw))[["elapsed"]]
batch <- system.time(for (r in seq_len(runs)) localG(d$x, lw))[["elapsed"]] / runs
z <- as.numeric(z)
writeLines(formatC(z, digits = 17, format = "g"), args[3])
cat(sprintf("TIMING start=%.3f lib=%.3f read=%.3f listw=%.4f median=%.4f batchmean=%.5f min=%.4f\\n",
            t_start, t_lib - t_start, t_read - t_lib, w, median(elapsed), batch, min(elapsed)))
`;

type GiTiming = {
  shape: GridShape; cells: number; incidents: number; outside: number;
  gridBuildMs: number; countsMs: number; giMs: number; giMinMs: number;
  r: { wallMs: number; libMs: number; readMs: number; listwMs: number; localGMedianMs: number; localGBatchMeanMs: number; maxDiff: number } | null;
};

async function timeGiStar(handle: DatabaseHandle, partnershipId: number, shape: GridShape, runs: number): Promise<GiTiming> {
  const db = handle.db;
  const months = await analysisRepo.dataMonths(db, partnershipId, null);
  const ws = await openWorkspace(db, systemActor(partnershipId, 'bench'), parseFilters({ from: months.first, to: months.latest }));
  let t = performance.now();
  const grid = await partnershipGrid(db, partnershipId, 250, shape);
  const gridBuildMs = performance.now() - t;
  const countTimes: number[] = [];
  let counted = await gridCounts(db, ws.scope, grid);
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    counted = await gridCounts(db, ws.scope, grid);
    countTimes.push(performance.now() - t);
  }
  const { counts, outside } = counted;
  const incidents = counts.reduce((s, x) => s + x, 0);
  for (let i = 0; i < 3; i++) giStar(grid, counts);
  const giTimes: number[] = [];
  let ours = giStar(grid, counts);
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    ours = giStar(grid, counts);
    giTimes.push(performance.now() - t);
  }
  return {
    shape, cells: grid.cells.length, incidents, outside, gridBuildMs, countsMs: median(countTimes), giMs: median(giTimes), giMinMs: Math.min(...giTimes),
    r: await spdepTiming(grid, counts, ours.map((c) => c.z), runs, shape),
  };
}

async function spdepTiming(grid: Grid, values: Float64Array, ours: number[], runs: number, name: string): Promise<GiTiming['r']> {
  if (spawnSync('Rscript', ['-e', 'quit(status = if (requireNamespace("spdep", quietly = TRUE)) 0 else 1)'], { stdio: 'ignore' }).status !== 0) return null;
  const dir = join(work, 'r');
  await mkdir(dir, { recursive: true });
  const script = join(dir, 'localG.R');
  const input = join(dir, `${name}.in.csv`);
  const nbFile = join(dir, `${name}.nb.csv`);
  const output = join(dir, `${name}.z.txt`);
  await writeFile(script, R_SCRIPT);
  const lines = ['easting,northing,x'];
  grid.cells.forEach((c, i) => lines.push(`${c.easting},${c.northing},${values[i]}`));
  await writeFile(input, lines.join('\n') + '\n');
  const { offsets, indices } = gridNeighbours(grid);
  const pairs = ['from,to'];
  for (let i = 0; i < grid.cells.length; i++) {
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) if (indices[k] !== i) pairs.push(`${i + 1},${indices[k]! + 1}`);
  }
  await writeFile(nbFile, pairs.join('\n') + '\n');
  const t = performance.now();
  const run = spawnSync('Rscript', [script, input, nbFile, output, String(runs)], { encoding: 'utf8' });
  const wallMs = performance.now() - t;
  if (run.status !== 0) throw new Error(`Rscript failed: ${run.stderr}`);
  const m = /TIMING start=([\d.]+) lib=([\d.]+) read=([\d.]+) listw=([\d.]+) median=([\d.]+) batchmean=([\d.]+)/.exec(run.stdout);
  if (!m) throw new Error(`Rscript printed no timing: ${run.stdout} ${run.stderr}`);
  const theirs = (await readFile(output, 'utf8')).trim().split('\n').map(Number);
  if (theirs.length !== ours.length) throw new Error(`spdep returned ${theirs.length} z-scores for ${ours.length} cells`);
  let maxDiff = 0;
  theirs.forEach((z, i) => { maxDiff = Math.max(maxDiff, Math.abs(z - ours[i]!)); });
  return {
    wallMs, libMs: Number(m[2]) * 1000, readMs: Number(m[3]) * 1000, listwMs: Number(m[4]) * 1000,
    localGMedianMs: Number(m[5]) * 1000, localGBatchMeanMs: Number(m[6]) * 1000, maxDiff,
  };
}

// ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const seconds = Number(process.argv[3] ?? 10);
  await mkdir(work, { recursive: true });

  // One file of N rows over the generator's 24 months, so that the default period (the
  // latest 12 months) has a full year before it for the year-on-year comparisons.
  const file = join(work, `police-${rows}.csv`);
  const generated = await writeLargePoliceFile(file, { rows, seed, months: 24 });
  console.log(`generated ${rows.toLocaleString('en-GB')} rows over 24 months (${((await stat(file)).size / 1e6).toFixed(0)} MB) in ${(generated.elapsedMs / 1000).toFixed(1)} s`);

  let databaseUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!databaseUrl) {
    await rm(join(work, 'pg'), { recursive: true, force: true });
    const embedded = await startEmbeddedPostgres(work, PG_PORT);
    stopEmbedded = embedded.stop;
    databaseUrl = await ensureDatabase(embedded.adminUrl, 'lantern_bench_analysis');
  }
  const handle = await openDatabase({ databaseUrl });
  let server: ChildProcess | undefined;
  try {
    const { slug, partnership, admin, police } = await createBenchPartnership(handle.db, 'Benchmarking analysis.');
    // The demo's geography, loaded as loadDemoPartnership does.
    const demoDir = join(work, 'demo');
    await writeDemoFiles(demoDir, { seed, months: 1 });
    for (const type of ['lsoa11', 'lsoa21', 'lad'] as const) {
      await loadBoundaries(handle.db, admin, await readBoundaries(join(demoDir, `boundaries/${type}.geojson`), { type }), `${type}.geojson`);
    }
    await loadWardLookup(handle.db, admin, await readWardLookup(join(demoDir, 'areas/lsoa11-ward-lad-lookup.csv')), 'lsoa11-ward-lad-lookup.csv');
    await loadPopulation(handle.db, admin, await readPopulation(join(demoDir, 'areas/population-lsoa11.csv')), 'population-lsoa11.csv');
    await loadDeprivation(handle.db, admin, await readImd(join(demoDir, 'areas/imd-lsoa11.csv')), 'imd-lsoa11.csv');

    let t = performance.now();
    const imported = await importFile(handle, { actor: systemActor(partnership.id, 'bench', police.id), partnershipId: partnership.id, kind: 'police-uk', fileName: 'bench.csv', input: createReadStream(file), channel: 'cli' });
    const importMs = performance.now() - t;
    if (imported.status !== 'imported' || imported.imported !== rows) {
      throw new Error(`import did not take every row: ${imported.status} ${imported.imported} ${imported.message} ${JSON.stringify(imported.problems.slice(0, 3))}`);
    }
    const importPeak = await procStatus('self', 'VmHWM');
    console.log(`imported ${imported.imported.toLocaleString('en-GB')} rows in ${(importMs / 1000).toFixed(2)} s (counts maintained in the same transaction); peak memory so far ${importPeak.toFixed(0)} MB`);

    // Autovacuum vacuums and analyses freshly loaded tables within a minute or so (insert
    // thresholds); doing it now makes every run start from that steady state.
    t = performance.now();
    await sql`VACUUM (ANALYZE) incidents, incident_counts, incident_cell_counts, areas`.execute(handle.db);
    console.log(`VACUUM (ANALYZE), as autovacuum would after the load: ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const sizes: Array<{ table: string; rows: number; mb: number }> = [];
    for (const table of ['incidents', 'incident_counts', 'incident_cell_counts'] as const) {
      const { rows: [size] } = await sql<{ rows: number; mb: number }>`
        SELECT (SELECT count(*) FROM ${sql.table(table)} WHERE partnership_id = ${partnership.id})::int AS rows,
               pg_total_relation_size(${table}::regclass) / 1048576.0 AS mb`.execute(handle.db);
      sizes.push({ table, rows: size!.rows, mb: Number(size!.mb) });
    }
    console.log('');
    console.log('| table | rows (this partnership) | size with indexes |');
    console.log('|---|---|---|');
    for (const s of sizes) console.log(`| ${s.table} | ${Number(s.rows).toLocaleString('en-GB')} | ${s.mb.toFixed(1)} MB |`);

    // Gi* before the server starts, so nothing else competes for the cores.
    console.log('');
    const gi: GiTiming[] = [];
    for (const shape of ['square', 'hex'] as const) gi.push(await timeGiStar(handle, partnership.id, shape, 21));
    console.log('| Gi* over the whole dataset (all months), 250 m | square | hex |');
    console.log('|---|---|---|');
    const row = (label: string, f: (g: GiTiming) => string) => console.log(`| ${label} | ${gi.map(f).join(' | ')} |`);
    row('cells', (g) => g.cells.toLocaleString('en-GB'));
    row('located incidents in cells (outside the grid)', (g) => `${g.incidents.toLocaleString('en-GB')} (${g.outside.toLocaleString('en-GB')})`);
    row('grid built from the boundary (once per geography, cached)', (g) => `${g.gridBuildMs.toFixed(1)} ms`);
    row('counts per cell from the 50 m counts, SQL + assignment (median of 5)', (g) => `${g.countsMs.toFixed(1)} ms`);
    row('Lantern giStar incl. neighbours, p, BH-FDR, classes (median of 21)', (g) => `${g.giMs.toFixed(2)} ms (min ${g.giMinMs.toFixed(2)})`);
    row('**Lantern total, counts + Gi* (grid cached)**', (g) => `**${(g.countsMs + g.giMs).toFixed(1)} ms**`);
    row('**Lantern total, cold (grid built + counts + Gi*)**', (g) => `**${(g.gridBuildMs + g.countsMs + g.giMs).toFixed(1)} ms**`);
    row('spdep::localG, same values and neighbour list (median of 21, system.time)', (g) => (g.r ? `${g.r.localGMedianMs.toFixed(1)} ms (batch mean ${g.r.localGBatchMeanMs.toFixed(2)} ms)` : 'R/spdep not installed'));
    row('spdep nb2listw(include.self(nb), "B") (once)', (g) => (g.r ? `${g.r.listwMs.toFixed(1)} ms` : ''));
    row('R start-up: library(spdep) / reading CSVs and nb / whole Rscript wall time', (g) => (g.r ? `${g.r.libMs.toFixed(0)} / ${g.r.readMs.toFixed(0)} / ${g.r.wallMs.toFixed(0)} ms` : ''));
    row('max abs(z Lantern - z spdep)', (g) => (g.r ? g.r.maxDiff.toExponential(2) + (g.r.maxDiff < 1e-6 ? ' (agree to 1e-6)' : ' **DISAGREE**') : ''));
    row(`goal: under ${GOAL_GI_MS} ms`, (g) => (g.countsMs + g.giMs + g.gridBuildMs < GOAL_GI_MS ? 'pass' : 'FAIL'));

    // The demo's synthetic family of fifteen comparators, for the family comparison and benchmark.
    const firstMonth = (await analysisRepo.dataMonths(handle.db, partnership.id, null)).first!;
    const benchMonths = Array.from({ length: 24 }, (_, i) => addMonths(firstMonth, i));
    await loadDemoFamily(handle.db, admin, { dir: join(work, 'family'), seed, months: benchMonths });
    const aprils = benchMonths.filter((m) => m.endsWith('-04') && benchMonths.includes(addMonths(m, 11)));
    const financialYear = `${aprils[aprils.length - 1]!}..${addMonths(aprils[aprils.length - 1]!, 11)}`;

    const { token } = await createApiToken(handle.db, admin, { agencyId: police.id, role: 'analyst', name: 'bench' });
    server = fork(resolve('bin/run-ts.js'), [resolve('bench/analysis.bench.ts'), '--serve'], { env: { ...process.env, BENCH_DATABASE_URL: databaseUrl } });
    const [{ port }] = (await Promise.race([once(server, 'message'), once(server, 'exit').then(() => { throw new Error('the server process ended'); })])) as [{ port: number }];
    const baseUrl = `http://127.0.0.1:${port}`;
    const api = `/api/v1/partnerships/${slug}`;
    const postmaster = stopEmbedded ? Number((await readFile(join(work, 'pg/postmaster.pid'), 'utf8')).split('\n')[0]) : null;
    const months = await analysisRepo.dataMonths(handle.db, partnership.id, null);
    const lastSix = { from: addMonths(months.latest!, -5), to: months.latest! };
    const endpoints: Array<[string, string]> = [
      ['overview', '/overview'],
      ['overview, violence', '/overview?category=violence'],
      ['areas (wards)', '/areas'],
      ['areas, LSOA 2011', '/areas?level=lsoa11'],
      ['hotspots Gi*', '/hotspots?method=gi&cell=250'],
      ['hotspots Gi*, hexagons', '/hotspots?method=gi&cell=250&shape=hex'],
      ['hotspots KDE', '/hotspots?method=kde&cell=250'],
      ['hotspots emerging', '/hotspots?method=emerging&cell=250'],
      ['hotspots Gi*, violence, 6 months', `/hotspots?method=gi&cell=250&category=violence&from=${lastSix.from}&to=${lastSix.to}`],
      ['when', '/when'],
      ['hidden violence', '/hidden-violence'],
      ['deprivation', '/deprivation'],
      ['indicators', '/indicators'],
      ['indicators against the family, financial year', `/indicators?period=${financialYear}&benchmark=family`],
      ['indicator B12b by LSOA, with trend', '/indicators/B12b?type=lsoa11'],
      ['family comparison', '/family'],
      ['cost of crime', '/costs'],
      ['costs avoided, violence with injury 10%', '/costs/avoided?category=violence-with-injury&reduction=10'],
    ];
    const results: LoadResult[] = [];
    const only = process.env.BENCH_ONLY;
    console.log('');
    for (const [name, path] of endpoints.filter(([n, p]) => !only || n.includes(only) || p.includes(only))) {
      const r = await load(baseUrl, token, server, postmaster, name, api + path, seconds);
      results.push(r);
      console.log(`${name}: ${r.requests} requests, p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, server CPU ${r.serverCpuPerRequest.toFixed(1)} ms/request, PostgreSQL CPU ${r.postgresCpuPerRequest.toFixed(1)} ms/request, autocannon CPU ${r.clientCpuPerRequest.toFixed(1)} ms/request, machine ${(r.machineBusy * 100).toFixed(0)}% busy, load average ${r.load}`);
    }
    const serverPeak = await procStatus(server.pid!, 'VmHWM');
    console.log('');
    console.log(`${CONNECTIONS} connections, ${seconds} s per endpoint, after 5 sequential warm-up requests. p50 and p95 are nearest-rank percentiles of every response's latency as autocannon`);
    console.log('reports it (its \'response\' event); autocannon\'s own histogram gives p50 and p97.5 (no p95), shown for comparison. Period: the latest 12 months unless stated.');
    console.log('');
    console.log('First request: the cold one, before this filter set\'s result is kept (hotspot results are kept per data version until the next import).');
    console.log('');
    console.log('| endpoint | response | first request ms | requests | req/s | p50 ms | p95 ms | max ms | autocannon p50 / p97.5 ms | errors / non-2xx | CPU ms/req server / PostgreSQL / autocannon | machine busy | goal (p50 < 300, p95 < 1,000) |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of results) {
      const pass = r.p50 < GOAL_P50_MS && r.p95 < GOAL_P95_MS && r.errors === 0 && r.non2xx === 0;
      console.log(`| ${r.name} | ${(r.bytes / 1024).toFixed(0)} KB | ${r.firstMs.toFixed(0)} | ${r.requests.toLocaleString('en-GB')} | ${r.rps.toFixed(1)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(0)} | ${r.cannonP50} / ${r.cannonP97_5} | ${r.errors} / ${r.non2xx} | ${r.serverCpuPerRequest.toFixed(1)} / ${r.postgresCpuPerRequest.toFixed(1)} / ${r.clientCpuPerRequest.toFixed(1)} | ${(r.machineBusy * 100).toFixed(0)}% | ${pass ? 'pass' : '**FAIL**'} |`);
    }
    console.log('');
    console.log(`Peak memory (VmHWM): this process (generate, import, Gi*, autocannon) ${(await procStatus('self', 'VmHWM')).toFixed(0)} MB, of which ${importPeak.toFixed(0)} MB by the end of the import; the API server process ${serverPeak.toFixed(0)} MB.`);
    server.send('stop');
    await once(server, 'exit');
    server = undefined;
  } finally {
    server?.kill();
    await handle.close();
    await stopEmbedded?.();
  }
}

if (process.argv[2] === '--serve') await serve();
else await main();

/**
 * Speed check for the area index, kept out of the test suite because timings depend on the
 * machine. Run: node bin/run-ts.js src/modules/geography/area-index.speed.ts [lookups]
 * Needs ../shared/data/boundaries/london-lsoa21.geojson (the workspace's real data).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { toBng } from '../../shared/bng.ts';
import { buildAreaIndex } from './area-index.ts';
import { readBoundaries } from './geojson.loader.ts';

const file = resolve(import.meta.dirname, '../../../../shared/data/boundaries/london-lsoa21.geojson');
if (!existsSync(file)) {
  console.error(`Skipped: ${file} is not present (only the development workspace has the real data).`);
  process.exit(0);
}
const lookups = Number(process.argv[2] ?? 1_000_000);

let t = performance.now();
const areas = await readBoundaries(file, { type: 'lsoa21' });
console.log(`read ${areas.length} LSOA 2021 boundaries in ${(performance.now() - t).toFixed(0)} ms`);

t = performance.now();
const index = buildAreaIndex(areas);
console.log(`built the index in ${(performance.now() - t).toFixed(0)} ms`);

// A fixed pseudo-random sequence over London's bounding box, so runs are comparable.
let seed = 42;
const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const points = new Float64Array(lookups * 2);
for (let i = 0; i < lookups; i++) {
  points[2 * i] = -0.5103 + random() * (0.334 + 0.5103);
  points[2 * i + 1] = 51.28676 + random() * (51.69187 - 51.28676);
}

t = performance.now();
let found = 0;
for (let i = 0; i < lookups; i++) {
  if (index.locate(points[2 * i] as number, points[2 * i + 1] as number)) found++;
}
const ms = performance.now() - t;
console.log(
  `${lookups.toLocaleString('en-GB')} lookups in ${ms.toFixed(0)} ms (${((ms * 1000) / lookups).toFixed(2)} µs each); ${found.toLocaleString('en-GB')} inside an LSOA`,
);

t = performance.now();
for (let i = 0; i < lookups; i++) toBng(points[2 * i] as number, points[2 * i + 1] as number);
console.log(`${lookups.toLocaleString('en-GB')} WGS84 → BNG conversions in ${(performance.now() - t).toFixed(0)} ms`);

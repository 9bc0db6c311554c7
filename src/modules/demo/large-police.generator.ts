/**
 * One large police.uk street-level CSV for import benchmarks: the same borough and row
 * model as the demo files, N rows spread evenly over consecutive months.
 *
 * Memory stays constant whatever N: rows are built into ~1 MB strings and written through a
 * file stream, waiting for 'drain' whenever the stream's buffer is full. Rows are not
 * sorted by LSOA as police.uk does, since that would need the whole file in memory.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { generateBorough } from './borough.generator.ts';
import { monthRange } from './calendar.ts';
import { DEFAULT_DEMO_END_MONTH } from './demo-files.generator.ts';
import { POLICE_EOL, POLICE_HEADER, PoliceModel, type MonthContext, type PoliceRow } from './police.model.ts';
import { createRandom, type Seed } from './random.ts';

export type LargePoliceOptions = {
  rows: number;
  seed: Seed;
  /** Months the rows are spread over. Default 24. */
  months?: number;
  /** Newest month. Default 2025-05. */
  endMonth?: string;
};

export type LargePoliceResult = { path: string; rows: number; bytes: number; elapsedMs: number; rowsPerSecond: number };

const BATCH_CHARS = 1 << 20;

export async function writeLargePoliceFile(path: string, options: LargePoliceOptions): Promise<LargePoliceResult> {
  const started = performance.now();
  const total = options.rows;
  if (!Number.isInteger(total) || total < 0) throw new Error('rows must be a non-negative integer');
  const months = monthRange(options.endMonth ?? DEFAULT_DEMO_END_MONTH, options.months ?? 24);
  const switchAt = months[Math.floor(months.length / 2)]!;
  const model = new PoliceModel(generateBorough(options.seed));
  const root = createRandom(options.seed);

  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path, { encoding: 'utf8', highWaterMark: BATCH_CHARS });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  let bytes = 0;
  let batch = POLICE_HEADER + POLICE_EOL;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    bytes += Buffer.byteLength(batch);
    const ok = out.write(batch);
    batch = '';
    if (!ok) await Promise.race([once(out, 'drain'), failed]);
  };

  let written = 0;
  let monthQuota = 0;
  const emitRow = (r: PoliceRow): void => {
    // A crime published twice (same Crime ID) whose second row would overrun the month's quota loses that row, so N is exact.
    if (written < monthQuota) {
      batch += r.line + POLICE_EOL;
      written++;
    }
  };
  for (let i = 0; i < months.length; i++) {
    const month = months[i]!;
    monthQuota = Math.round(((i + 1) * total) / months.length);
    const ctx: MonthContext = { month, vintage: month >= switchAt ? '2021' : '2011', monthsAgo: months.length - 1 - i };
    const rng = root.fork(`large/${month}`);
    while (written < monthQuota) {
      model.draw(rng, model.typeTable.pick(rng), ctx, emitRow);
      if (batch.length >= BATCH_CHARS) await flush();
    }
  }
  await flush();
  out.end();
  await Promise.race([once(out, 'finish'), failed]);

  const elapsedMs = performance.now() - started;
  return {
    path,
    rows: written,
    bytes,
    elapsedMs: Math.round(elapsedMs),
    rowsPerSecond: Math.round(written / (elapsedMs / 1000)),
  };
}

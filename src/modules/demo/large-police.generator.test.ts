import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLargePoliceFile } from './large-police.generator.ts';
import { CRIME_TYPES, POLICE_HEADER } from './police.model.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lantern-large-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeLargePoliceFile', () => {
  it('streams exactly N police.uk rows over 24 months', async () => {
    const path = join(dir, 'large.csv');
    const result = await writeLargePoliceFile(path, { rows: 120_000, seed: 5 });
    expect(result.rows).toBe(120_000);

    const types = new Set<string>(CRIME_TYPES);
    const months = new Map<string, number>();
    let rows = 0;
    let header: string[] | null = null;
    const parser = createReadStream(path).pipe(parse({ relax_column_count: true }));
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = record;
        continue;
      }
      rows++;
      if (record.length !== 12 || !types.has(record[9]!)) throw new Error(`bad row ${rows}: ${record.join(',')}`);
      months.set(record[1]!, (months.get(record[1]!) ?? 0) + 1);
    }
    expect(header!.join(',')).toBe(POLICE_HEADER);
    expect(rows).toBe(120_000);
    expect(months.size).toBe(24);
    for (const n of months.values()) expect(n).toBe(5_000);
    const text = await readFile(path, 'utf8');
    expect(Buffer.byteLength(text)).toBe(result.bytes);
    expect(text.endsWith('\r\n')).toBe(true);
  }, 30_000);

  it('is deterministic for a seed', async () => {
    const hash = async (p: string): Promise<string> => createHash('sha256').update(await readFile(p)).digest('hex');
    await writeLargePoliceFile(join(dir, 'a.csv'), { rows: 30_000, seed: 'bench' });
    await writeLargePoliceFile(join(dir, 'b.csv'), { rows: 30_000, seed: 'bench' });
    await writeLargePoliceFile(join(dir, 'c.csv'), { rows: 30_000, seed: 'other' });
    expect(await hash(join(dir, 'a.csv'))).toBe(await hash(join(dir, 'b.csv')));
    expect(await hash(join(dir, 'a.csv'))).not.toBe(await hash(join(dir, 'c.csv')));
  }, 30_000);

  it('writes exactly the number of rows asked for (speed is measured in bench/)', async () => {
    const result = await writeLargePoliceFile(join(dir, 'count.csv'), { rows: 50_000, seed: 1 });
    expect(result.rows).toBe(50_000);
    const lines = (await readFile(join(dir, 'count.csv'), 'utf8')).split('\n').filter(Boolean);
    expect(lines.length).toBe(50_001);
  }, 30_000);
});

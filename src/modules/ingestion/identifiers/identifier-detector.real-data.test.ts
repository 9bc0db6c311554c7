import { describe, it, expect } from 'vitest';
import { parse } from 'csv-parse/sync';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findIdentifiers, headerNamesPerson } from './identifier-detector.ts';

/**
 * False positives on real, already-depersonalised data would refuse lawful uploads, so
 * the detector is run over every cell of the real City of London police.uk files. They
 * live outside the repository; without them this is skipped, and says so.
 */
const CITY_OF_LONDON = fileURLToPath(new URL('../../../../../shared/data/police-uk/city-of-london/', import.meta.url));
const FREE_TEXT = ['Location', 'LSOA name', 'Context', 'Last outcome category', 'Reported by', 'Falls within'];

describe.skipIf(!existsSync(CITY_OF_LONDON))('identifier detector on the real City of London files (needs ../shared/data; skipped when absent)', () => {
  it('finds nothing in any field of any row, and no header names a person', () => {
    const files = readdirSync(CITY_OF_LONDON).filter((f) => f.endsWith('.csv'));
    expect(files.length).toBeGreaterThan(0);
    const found: string[] = [];
    let freeTextCells = 0;
    let rows = 0;
    for (const file of files) {
      const records = parse(readFileSync(join(CITY_OF_LONDON, file)), { bom: true }) as string[][];
      const header = records[0]!;
      for (const h of header) if (headerNamesPerson(h)) found.push(`${file}: header ${h}`);
      for (let r = 1; r < records.length; r++) {
        rows++;
        const cells = records[r]!;
        cells.forEach((value, c) => {
          if (FREE_TEXT.includes(header[c]!) && value !== '') freeTextCells++;
          // Every cell, not only free text: crime ids, coordinates and LSOA codes must not trip it either.
          const kinds = findIdentifiers(value);
          if (kinds.length > 0) found.push(`${file} line ${r + 1} ${header[c]}: ${kinds.map((k) => k.kind).join(', ')}`);
        });
      }
    }
    expect(found).toEqual([]);
    expect(rows).toBe(19_950);
    expect(freeTextCells).toBeGreaterThan(19_950 * 4);
  }, 60_000);
});


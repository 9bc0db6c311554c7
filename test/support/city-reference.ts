import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { toBng } from '../../src/shared/bng.ts';
import { CITY_POLICE_DIR, hasSharedData } from './factories.ts';

/**
 * Reference figures computed straight from the raw City of London police.uk CSV files, written
 * out here independently of Lantern's own code, for the analysis tests to check Lantern against.
 */

/** One raw CSV row as police.uk writes it, keyed by column heading. */
export type RawRow = Record<string, string>;

/** The partnership taxonomy of police.uk crime types, written out by hand as the reference. */
export const CATEGORY_OF: Record<string, string> = {
  'Anti-social behaviour': 'asb', 'Bicycle theft': 'theft', Burglary: 'burglary', 'Criminal damage and arson': 'criminal-damage-arson',
  Drugs: 'drugs', 'Other crime': 'other', 'Other theft': 'theft', 'Possession of weapons': 'weapons', 'Public order': 'public-order',
  Robbery: 'robbery', Shoplifting: 'theft', 'Theft from the person': 'theft', 'Vehicle crime': 'vehicle-crime', 'Violence and sexual offences': 'violence',
};
/** The small-number threshold: counts from 1 to THRESHOLD - 1 are hidden from viewers. */
export const THRESHOLD = 5;
/** The City of London's six LSOA codes (the same in the 2011 and 2021 censuses), listed by hand. */
export const CITY_LSOAS = ['E01000001', 'E01000002', 'E01000003', 'E01000005', 'E01032739', 'E01032740'];

/** The raw police.uk CSV file names, sorted (none without ../shared/data). */
export const files = hasSharedData ? readdirSync(CITY_POLICE_DIR).filter((f) => f.endsWith('.csv')).sort() : [];
/** Each raw file's rows, parsed straight from the CSV. */
export const rawByFile = new Map<string, RawRow[]>(files.map((f) => [f, parse(readFileSync(join(CITY_POLICE_DIR, f)), { columns: true, bom: true }) as RawRow[]]));
/** Every raw row of every file, in file order. */
export const raw: RawRow[] = [...rawByFile.values()].flat();

/** A filter keeping raw rows whose month is from `from` to `to` inclusive. */
export const inPeriod = (from: string, to: string) => (r: RawRow) => r.Month! >= from && r.Month! <= to;
/** Whether a raw row has a point (police.uk leaves the coordinates blank where it has none). */
export const isLocated = (r: RawRow) => r.Longitude !== '' && r.Latitude !== '';
/** Counts of rows by key, as a Map. */
export function tally<T>(rows: T[], key: (r: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) out.set(key(r), (out.get(key(r)) ?? 0) + 1);
  return out;
}
/** The month `delta` months from a YYYY-MM month, by plain calendar arithmetic. */
export function addMonths(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const i = y * 12 + m - 1 + delta;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}
/** Every YYYY-MM month from `from` to `to` inclusive. */
export function months(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}
/** A raw row's point in BNG whole metres, as Lantern stores it (rounded to the metre). */
export function bngOf(r: RawRow): [number, number] {
  return toBng(Number(r.Longitude), Number(r.Latitude)).map(Math.round) as [number, number];
}

/** Two-sided exact binomial p of x in n at p = 1/2 as R's binom.test (sum of outcomes no likelier than x, tolerance 1 + 1e-7; log-factorials, so large n is fine). */
export function binomTestHalf(x: number, n: number): number {
  const logFact = new Float64Array(n + 1);
  for (let k = 1; k <= n; k++) logFact[k] = logFact[k - 1]! + Math.log(k);
  const logD = (i: number) => logFact[n]! - logFact[i]! - logFact[n - i]! - n * Math.LN2;
  const observed = Math.exp(logD(x));
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const d = Math.exp(logD(i));
    if (d <= observed * (1 + 1e-7)) sum += d;
  }
  return Math.min(1, sum);
}

/** From the raw rows, the first LSOA and period (latest first, shortest first) whose categories hold exactly one count from 1 to 4. */
export function findOneSmallCategory(rows: RawRow[], periods: { first: string; last: string }) {
  for (let length = 1; length <= 12; length++) {
    for (const to of months(periods.first, periods.last).reverse()) {
      const from = addMonths(to, -(length - 1));
      if (from < periods.first) continue;
      for (const lsoa of CITY_LSOAS) {
        const counts = tally(rows.filter(inPeriod(from, to)).filter((r) => r['LSOA code'] === lsoa), (r) => CATEGORY_OF[r['Crime type']!]!);
        const small = [...counts].filter(([, n]) => n > 0 && n < THRESHOLD);
        if (small.length === 1 && counts.size >= 3) return { lsoa, from, to, counts, smallKey: small[0]![0] };
      }
    }
  }
  return null;
}

import { createReadStream } from 'node:fs';
import { parseIstv } from '../modules/ingestion/parsers/istv.parser.ts';
import { LanternError } from '../shared/errors.ts';

/**
 * The reporting period of an ISTV file sent without one: the whole calendar months its
 * assault dates cover. A read-only first pass; the import then checks every row against it.
 */
export async function inferIstvPeriod(file: string, siteCode: string): Promise<{ periodStart: string; periodEnd: string }> {
  let first: string | null = null;
  let last: string | null = null;
  const wide = { periodStart: '2010-01-01', periodEnd: new Date().toISOString().slice(0, 10), siteCode: siteCode.toUpperCase() };
  for await (const row of parseIstv(createReadStream(file), wide)) {
    if (row.kind !== 'ok') continue;
    const month = row.incident.month;
    if (first === null || month < first) first = month;
    if (last === null || month > last) last = month;
  }
  if (!first || !last) throw new LanternError('invalid-input', `No valid assault dates in ${file} to take the reporting period from: give it with --period.`);
  const [year, month] = last.split('-').map(Number) as [number, number];
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { periodStart: `${first}-01`, periodEnd: `${last}-${String(lastDay).padStart(2, '0')}` };
}

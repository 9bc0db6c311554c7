/**
 * Readers for the ONS/MHCLG tables that describe LSOAs 2011: the ward and local authority
 * lookup, mid-year population, and the Index of Multiple Deprivation. Each refuses the
 * whole file on the first problem, naming the line and column, because a half-loaded
 * denominator silently skews every rate computed from it.
 */
import { parse } from 'csv-parse';
import { ONS_CODE_PATTERN } from './area.types.ts';
import { GeographyError } from './geography.errors.ts';
import { describeInput, openStream, sentence, type GeographyInput } from './input.ts';

export type WardLookupRow = { lsoa11: string; ward: string; wardName: string; lad: string; ladName: string };

export type PopulationEntry = { total: number; byAge: Record<string, number> };

export type ImdEntry = { rank: number; decile: number };

type CsvRow = { line: number; cells: string[] };

type ColumnRule = { label: string; pattern: RegExp };

// IMD 2019 ranks 32,844 LSOAs 2011 and IMD 2025 about 33,755 LSOAs 2021: any rank beyond
// this is a different index or a corrupted value.
const MAX_IMD_RANK = 40_000;

export async function readWardLookup(input: GeographyInput): Promise<WardLookupRow[]> {
  const source = describeInput(input);
  return withRows(input, source, async (header, rows) => {
    const col = {
      lsoa11: findColumn(header, { label: 'LSOA11CD', pattern: /^LSOA11CD$/i }, source),
      ward: findColumn(header, { label: 'WDyyCD (e.g. WD19CD)', pattern: /^WD\d{2}CD$/i }, source),
      wardName: findColumn(header, { label: 'WDyyNM (e.g. WD19NM)', pattern: /^WD\d{2}NM$/i }, source),
      lad: findColumn(header, { label: 'LADyyCD (e.g. LAD19CD)', pattern: /^LAD\d{2}CD$/i }, source),
      ladName: findColumn(header, { label: 'LADyyNM (e.g. LAD19NM)', pattern: /^LAD\d{2}NM$/i }, source),
    };
    const result: WardLookupRow[] = [];
    const seen = new Map<string, number>();
    for await (const row of rows) {
      const lsoa11 = onsCode(row, header, col.lsoa11, source);
      const earlier = seen.get(lsoa11);
      if (earlier !== undefined) {
        throw valueError(row, header, col.lsoa11, source, `${lsoa11} already appeared on line ${earlier}; an LSOA lies in exactly one ward`);
      }
      seen.set(lsoa11, row.line);
      result.push({
        lsoa11,
        ward: onsCode(row, header, col.ward, source),
        wardName: text(row, header, col.wardName, source),
        lad: onsCode(row, header, col.lad, source),
        ladName: text(row, header, col.ladName, source),
      });
    }
    return result;
  });
}

export async function readPopulation(input: GeographyInput): Promise<Map<string, PopulationEntry>> {
  const source = describeInput(input);
  return withRows(input, source, async (header, rows) => {
    const codeCol = findColumn(header, { label: 'LSOA11CD', pattern: /^(LSOA11CD|LSOA Code)$/i }, source);
    const totalCol = findColumn(header, { label: 'Persons_All-Ages', pattern: /^Persons_All[ -]Ages$/i }, source);
    // Whatever Persons_ bands the file has (the ONS broad bands 0-15 ... 65+, or single years)
    // are kept, and must add up to the total so that a missing band cannot go unnoticed.
    const bandCols: { col: number; band: string }[] = [];
    header.forEach((name, col) => {
      const m = /^Persons_(.+)$/i.exec(name);
      if (m && col !== totalCol) bandCols.push({ col, band: m[1] as string });
    });
    if (bandCols.length === 0) {
      throw new GeographyError(
        'missing_column',
        `${sentence(source)} has no age-band columns (Persons_0-15, Persons_16-29, ...); the header is: ${header.join(', ')}.`,
        { line: 1, column: 'Persons_0-15' },
      );
    }
    const result = new Map<string, PopulationEntry>();
    const lines = new Map<string, number>();
    for await (const row of rows) {
      const code = onsCode(row, header, codeCol, source);
      const earlier = lines.get(code);
      if (earlier !== undefined) throw valueError(row, header, codeCol, source, `${code} already appeared on line ${earlier}`);
      lines.set(code, row.line);
      const total = count(row, header, totalCol, source);
      const byAge: Record<string, number> = {};
      let sum = 0;
      for (const { col, band } of bandCols) {
        const value = count(row, header, col, source);
        byAge[band] = value;
        sum += value;
      }
      if (sum !== total) {
        throw valueError(row, header, totalCol, source, `the age bands add up to ${sum} but the total is ${total}`);
      }
      result.set(code, { total, byAge });
    }
    return result;
  });
}

export async function readImd(input: GeographyInput): Promise<Map<string, ImdEntry>> {
  const source = describeInput(input);
  return withRows(input, source, async (header, rows) => {
    const codeCol = findColumn(header, { label: 'LSOA code (2011)', pattern: /^(LSOA code \((2011|2021)\)|LSOA(11|21)CD)$/i }, source);
    const rankCol = findColumn(header, { label: 'Index of Multiple Deprivation (IMD) Rank', pattern: /^Index of Multiple Deprivation \(IMD\) Rank/i }, source);
    const decileCol = findColumn(
      header,
      { label: 'Index of Multiple Deprivation (IMD) Decile', pattern: /^Index of Multiple Deprivation \(IMD\) Decile/i },
      source,
    );
    const result = new Map<string, ImdEntry>();
    const lines = new Map<string, number>();
    for await (const row of rows) {
      const code = onsCode(row, header, codeCol, source);
      const earlier = lines.get(code);
      if (earlier !== undefined) throw valueError(row, header, codeCol, source, `${code} already appeared on line ${earlier}`);
      lines.set(code, row.line);
      const rank = count(row, header, rankCol, source);
      if (rank < 1 || rank > MAX_IMD_RANK) throw valueError(row, header, rankCol, source, `rank ${rank} is not between 1 and ${MAX_IMD_RANK.toLocaleString('en-GB')}`);
      const decile = count(row, header, decileCol, source);
      if (decile < 1 || decile > 10) throw valueError(row, header, decileCol, source, `decile ${decile} is not between 1 and 10`);
      result.set(code, { rank, decile });
    }
    return result;
  });
}

async function* csvRows(input: GeographyInput, source: string): AsyncGenerator<CsvRow> {
  // bom: ONS lookups start with a UTF-8 byte-order mark that would otherwise glue itself to the first header.
  const parser = parse({ bom: true, info: true, skip_empty_lines: true, relax_column_count: false });
  const stream = openStream(input);
  // pipe() does not forward source errors (a missing file), which would otherwise crash the process.
  stream.on('error', (err) => parser.destroy(err));
  stream.pipe(parser);
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { line: item.info.lines, cells: item.record };
    }
  } catch (err) {
    if (err instanceof GeographyError) throw err;
    const e = err as Error & { lines?: number; syscall?: string };
    if (e.syscall) throw new GeographyError('unreadable_input', `Could not read ${source}: ${e.message}`);
    throw new GeographyError('invalid_csv', `${sentence(source)} is not a readable CSV file${e.lines ? ` (line ${e.lines})` : ''}: ${e.message}`, {
      line: e.lines,
    });
  } finally {
    // Stopping early (a bad value) must not leave a file descriptor open; an upload stream is the caller's to close.
    if (typeof input === 'string') stream.destroy();
  }
}

/** Hands the header and the remaining rows to `read`, and always stops the reader, even when `read` refuses the file early. */
async function withRows<T>(input: GeographyInput, source: string, read: (header: string[], rows: AsyncGenerator<CsvRow>) => Promise<T>): Promise<T> {
  const rows = csvRows(input, source);
  try {
    const first = await rows.next();
    if (first.done) throw new GeographyError('invalid_csv', `${sentence(source)} is empty: it has no header line.`, { line: 1 });
    return await read(
      first.value.cells.map((c) => c.trim()),
      rows,
    );
  } finally {
    await rows.return(undefined);
  }
}

function findColumn(header: string[], rule: ColumnRule, source: string): number {
  const col = header.findIndex((name) => rule.pattern.test(name));
  if (col < 0) {
    throw new GeographyError('missing_column', `${sentence(source)} has no ${rule.label} column; the header is: ${header.join(', ')}.`, {
      line: 1,
      column: rule.label,
    });
  }
  return col;
}

function valueError(row: CsvRow, header: string[], col: number, source: string, reason: string): GeographyError {
  const column = header[col] ?? `column ${col + 1}`;
  return new GeographyError('invalid_value', `${sentence(source)}, line ${row.line}, column ${column}: ${reason}.`, { line: row.line, column });
}

function text(row: CsvRow, header: string[], col: number, source: string): string {
  const value = (row.cells[col] ?? '').trim();
  if (value === '') throw valueError(row, header, col, source, 'the value is empty');
  return value;
}

function onsCode(row: CsvRow, header: string[], col: number, source: string): string {
  const value = text(row, header, col, source);
  if (!ONS_CODE_PATTERN.test(value)) {
    throw valueError(row, header, col, source, `"${value}" is not an ONS code (a letter E, W, S or N followed by 8 digits)`);
  }
  return value;
}

/** A whole, non-negative number, allowing the thousands separators MHCLG puts in ranks ("29,199"). */
function count(row: CsvRow, header: string[], col: number, source: string): number {
  const value = text(row, header, col, source);
  if (!/^(\d+|\d{1,3}(,\d{3})+)$/.test(value)) {
    throw valueError(row, header, col, source, `"${value}" is not a whole number`);
  }
  return Number(value.replaceAll(',', ''));
}

/**
 * Reads the Metropolitan Police recorded crime summary (annual counts per LSOA 2011, one
 * file per crime category, years 2011..2021 as columns) into borough figures, and the
 * boroughs' characteristics from the ONS and MHCLG files beside it.
 *
 * Numerators: each category's LSOA counts summed to the borough named in the row's
 * LAD11CD column, per year (the files' years are calendar years).
 * Denominators: the borough's residents, summed from every one of its LSOAs in the ONS
 * mid-year estimates: mid-2019 for 2011..2019 and mid-2020 for 2020 and 2021. These are the
 * estimates held; the nearest one to each year would be better, and earlier years' rates
 * are slightly understated where a borough grew (London grew about 1% a year in the
 * 2010s), which every page showing these figures says.
 * Characteristics: mid-2020 residents and age bands, IMD 2019 (deprived share and mean
 * rank weighted by mid-2020 residents) and land area from the borough boundaries.
 *
 * Expects a folder laid out like shared/data (recorded-crime-lsoa11-annual/, areas/,
 * boundaries/), or the recorded-crime folder itself with those beside it.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { LanternError } from '../../shared/errors.ts';
import type { RowProblem } from '../ingestion/incident.types.ts';
import { FileRefusedError } from '../ingestion/parsers/file-errors.ts';
import { readImd, readPopulation, readWardLookup, type PopulationEntry } from '../geography/area-csv.loader.ts';
import { readBoundaries } from '../geography/geojson.loader.ts';
import { areaKm2 } from './area-km2.ts';
import { characteristicsFromLsoas } from './characteristics.ts';
import type { CharacteristicsRow, FigureRow } from './family-csv.ts';
import { knownIndicator } from './indicator-codes.ts';
import { month } from './period.ts';

export const MET_FOLDER = 'recorded-crime-lsoa11-annual';

/**
 * Met major categories loaded, by file name, and the indicator each becomes. The Met
 * withholds sexual offences at LSOA level (the file is 0 everywhere), so B12c is skipped
 * with a note while that is so; it loads as soon as a file with counts is given.
 */
export const MET_CATEGORIES: ReadonlyArray<{ file: string; indicator: string }> = [
  { file: 'major-violence', indicator: 'B12b' },
  { file: 'major-sexual', indicator: 'B12c' },
  { file: 'major-robbery', indicator: 'ROBBERY' },
  { file: 'major-burglary', indicator: 'BURGLARY' },
  { file: 'major-weapons', indicator: 'WEAPONS' },
  { file: 'major-drugs', indicator: 'DRUGS' },
  { file: 'major-public-order', indicator: 'PUBLIC-ORDER' },
  { file: 'major-arson', indicator: 'ARSON-DAMAGE' },
  { file: 'major-theft-all', indicator: 'THEFT' },
  { file: 'major-vehicle-offences', indicator: 'VEHICLE' },
];

export const MET_SUPPORTING_FILES = {
  population2019: 'areas/population-lsoa11-mid2019-london.csv',
  population2020: 'areas/population-lsoa11-mid2020-london.csv',
  imd: 'areas/imd2019-lsoa11-london.csv',
  lookup: 'areas/lsoa11-ward2019-lad2019-lookup-london.csv',
  boroughs: 'boundaries/london-boroughs.geojson',
} as const;

/** The rule, as every page and the CLI state it. */
export const MET_DENOMINATOR_RULE = 'Rates per 1,000 residents use the ONS mid-2019 population for 2011 to 2019 and mid-2020 for 2020 and 2021 (the estimates held), so rates for earlier years are slightly understated where a borough grew.';

export const MET_SOURCE = 'Metropolitan Police recorded crime by LSOA (annual, calendar years), ONS mid-year population estimates 2019 and 2020, English Indices of Deprivation 2019, ONS borough boundaries';

/** Which population estimate is the denominator for a year. */
export function denominatorYear(year: number): 2019 | 2020 {
  return year <= 2019 ? 2019 : 2020;
}

export type MetFamily = {
  figures: Array<Omit<FigureRow, 'line'>>;
  characteristics: Array<Omit<CharacteristicsRow, 'line'>>;
  files: string[];
  years: number[];
  indicators: string[];
  /** Things done that the person loading should know about. */
  notes: string[];
};

type Progress = (message: string) => void;

export function resolveMetFolders(dir: string): { root: string; crimeDir: string } {
  if (existsSync(join(dir, MET_FOLDER))) return { root: dir, crimeDir: join(dir, MET_FOLDER) };
  return { root: dirname(dir), crimeDir: dir };
}

export async function readMetFamily(dir: string, onProgress: Progress = () => undefined): Promise<MetFamily> {
  const { root, crimeDir } = resolveMetFolders(dir);
  if (!existsSync(crimeDir)) throw new LanternError('invalid-input', `${dir} does not exist.`);
  const names = (await readdir(crimeDir)).filter((f) => f.endsWith('.csv'));
  const chosen = MET_CATEGORIES.map((c) => ({ ...c, name: names.find((n) => n.endsWith(`-${c.file}.csv`)) })).filter((c) => c.name !== undefined);
  if (chosen.length === 0) {
    throw new LanternError('invalid-input', `${crimeDir} holds none of the Met recorded-crime files (…-${MET_CATEGORIES[0]!.file}.csv, …-${MET_CATEGORIES[1]!.file}.csv, …). Give the folder laid out like shared/data, or its ${MET_FOLDER}/ folder.`);
  }
  const missing = Object.values(MET_SUPPORTING_FILES).filter((p) => !existsSync(join(root, p)));
  if (missing.length) throw new LanternError('invalid-input', `The Met files need these beside them, under ${root}: ${missing.join(', ')}.`);

  onProgress('reading population (mid-2019, mid-2020), IMD 2019, LSOA lookup and borough boundaries');
  const [pop2019, pop2020, imd, lookup, boroughs] = await Promise.all([
    readPopulation(join(root, MET_SUPPORTING_FILES.population2019)),
    readPopulation(join(root, MET_SUPPORTING_FILES.population2020)),
    readImd(join(root, MET_SUPPORTING_FILES.imd)),
    readWardLookup(join(root, MET_SUPPORTING_FILES.lookup)),
    readBoundaries(join(root, MET_SUPPORTING_FILES.boroughs), { type: 'lad' }),
  ]);
  const ladOf = new Map(lookup.map((r) => [r.lsoa11, r.lad]));
  const lsoasOf = new Map<string, string[]>();
  for (const r of lookup) lsoasOf.set(r.lad, [...(lsoasOf.get(r.lad) ?? []), r.lsoa11]);
  const residents = (lad: string, estimates: Map<string, PopulationEntry>) => {
    let total = 0;
    for (const lsoa of lsoasOf.get(lad) ?? []) {
      const entry = estimates.get(lsoa);
      if (!entry) throw new LanternError('invalid-input', `The population estimates have no row for ${lsoa} (in ${lad}), so the borough's residents cannot be counted.`);
      total += entry.total;
    }
    return total;
  };

  const notes: string[] = [];
  const boroughNames = new Map<string, string>();
  const counts = new Map<string, Map<number, number>>(); // indicator|lad → year → count
  const years = new Set<number>();
  const outsideLookup = new Set<string>();
  const loaded: typeof chosen = [];
  for (const category of chosen) {
    const file = join(crimeDir, category.name!);
    const table = readCrimeFile(await readFile(file, 'utf8'), category.name!);
    // A year with no crime anywhere in London is withheld, not safe: the Met publishes
    // sexual offences as 0 in every LSOA, and a family average of 0 would be false.
    const withheld = table.years.filter((_, i) => table.rows.every((r) => r.counts[i] === 0));
    if (withheld.length === table.years.length) {
      notes.push(`${category.indicator} was not loaded: every count in ${category.name} is 0 for every LSOA and year, which means the figures are withheld (the Met does not publish sexual offences by LSOA), not that there were none.`);
      onProgress(`${category.name}: every count is 0, so ${category.indicator} is not loaded`);
      continue;
    }
    if (withheld.length) notes.push(`${category.indicator}: ${withheld.join(', ')} not loaded, because every count in ${category.name} is 0 for ${withheld.length === 1 ? 'that year' : 'those years'}.`);
    loaded.push(category);
    for (const row of table.rows) {
      if (ladOf.get(row.lsoa) === undefined) outsideLookup.add(row.lsoa);
      boroughNames.set(row.lad, row.ladName);
      const key = `${category.indicator}|${row.lad}`;
      const byYear = counts.get(key) ?? new Map<number, number>();
      row.counts.forEach((n, i) => { if (!withheld.includes(table.years[i]!)) byYear.set(table.years[i]!, (byYear.get(table.years[i]!) ?? 0) + n); });
      counts.set(key, byYear);
    }
    table.years.filter((y) => !withheld.includes(y)).forEach((y) => years.add(y));
    onProgress(`${category.name}: ${table.rows.length.toLocaleString('en-GB')} LSOAs → ${category.indicator}`);
  }
  if (outsideLookup.size) notes.push(`${outsideLookup.size} LSOAs in the crime files are not in the LSOA lookup; their crimes still count for the borough the files name.`);
  const lads = [...boroughNames.keys()].sort();
  const missingPopulation = lads.filter((lad) => !lsoasOf.has(lad));
  if (missingPopulation.length) throw new LanternError('invalid-input', `No LSOAs of ${missingPopulation.join(', ')} are in the LSOA lookup, so their residents cannot be counted.`);

  const denominators = new Map<string, { 2019: number; 2020: number }>();
  for (const lad of lads) denominators.set(lad, { 2019: residents(lad, pop2019), 2020: residents(lad, pop2020) });
  const figures: MetFamily['figures'] = [];
  for (const category of loaded) {
    const multiplier = knownIndicator(category.indicator)!.multiplier;
    for (const lad of lads) {
      const byYear = counts.get(`${category.indicator}|${lad}`);
      if (!byYear) continue;
      for (const [year, numerator] of [...byYear].sort((a, b) => a[0] - b[0])) {
        figures.push({
          areaCode: lad, areaName: boroughNames.get(lad)!, indicator: category.indicator, period: { from: month(year, 1), to: month(year, 12) },
          ageBand: '', numerator, denominator: denominators.get(lad)![denominatorYear(year)], multiplier,
        });
      }
    }
  }

  const boundaryOf = new Map(boroughs.map((b) => [b.code, b]));
  const characteristics: MetFamily['characteristics'] = lads.map((lad) => {
    const boundary = boundaryOf.get(lad);
    const facts = (lsoasOf.get(lad) ?? []).map((code) => {
      const p = pop2020.get(code);
      const d = imd.get(code);
      return { population: p?.total ?? null, byAge: p?.byAge ?? null, imdRank: d?.rank ?? null, imdDecile: d?.decile ?? null };
    });
    const c = characteristicsFromLsoas(facts, boundary?.geometry ? areaKm2(boundary.geometry) : null);
    return {
      areaCode: lad, areaName: boroughNames.get(lad)!, population: c.population, areaKm2: c.areaKm2, deprivedShare: c.deprivedShare,
      imdMeanRank: c.imdMeanRank, aged0to15: c.aged0to15, aged16to29: c.aged16to29, aged65plus: c.aged65plus,
    };
  });
  const noBoundary = characteristics.filter((c) => c.areaKm2 === null).map((c) => c.areaCode);
  if (noBoundary.length) notes.push(`No boundary for ${noBoundary.join(', ')}: no area or density for ${noBoundary.length === 1 ? 'it' : 'them'}.`);
  return {
    figures, characteristics, files: loaded.map((c) => c.name!), years: [...years].sort((a, b) => a - b),
    indicators: loaded.map((c) => c.indicator), notes,
  };
}

type CrimeRow = { lsoa: string; lad: string; ladName: string; counts: number[] };

/**
 * One category file: LSOA11CD, ..., LAD11CD, LAD11NM, then a column per year. Counts are
 * written as decimals ("4.0") but must be whole; anything else refuses the file with its
 * line and column, because a silently skipped value would understate a borough.
 */
export function readCrimeFile(text: string, fileName: string): { years: number[]; rows: CrimeRow[] } {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false }) as string[][];
  } catch (error) {
    throw new FileRefusedError('unreadable', `${fileName} is not a readable CSV file: ${(error as Error).message}`, [{ line: 0, field: '(file)', reason: 'not readable as CSV' }]);
  }
  const header = (records[0] ?? []).map((h) => h.trim());
  const col = (name: string) => header.findIndex((h) => h.toUpperCase() === name);
  const at = { lsoa: col('LSOA11CD'), lad: col('LAD11CD'), ladName: col('LAD11NM') };
  const yearCols = header.map((h, i) => ({ h, i })).filter(({ h }) => /^\d{4}$/.test(h));
  const missing = Object.entries({ LSOA11CD: at.lsoa, LAD11CD: at.lad, LAD11NM: at.ladName }).filter(([, i]) => i < 0).map(([name]) => name);
  if (missing.length || yearCols.length === 0) {
    const fields = [...missing, ...(yearCols.length === 0 ? ['year columns (2011, 2012, ...)'] : [])];
    throw new FileRefusedError('missing-columns', `${basename(fileName)} has no ${fields.join(', ')} column${fields.length === 1 ? '' : 's'}; its header is: ${header.join(', ')}.`,
      fields.map((field) => ({ line: 1, field, reason: 'column missing' })));
  }
  const problems: RowProblem[] = [];
  const rows: CrimeRow[] = [];
  const seen = new Map<string, number>();
  records.slice(1).forEach((cells, index) => {
    const line = index + 2;
    const lsoa = (cells[at.lsoa] ?? '').trim();
    const lad = (cells[at.lad] ?? '').trim();
    const ladName = (cells[at.ladName] ?? '').trim();
    if (!/^E01\d{6}$/.test(lsoa)) problems.push({ line, field: 'LSOA11CD', reason: 'not an LSOA 2011 code' });
    else if (seen.has(lsoa)) problems.push({ line, field: 'LSOA11CD', reason: `${lsoa} already appeared on line ${seen.get(lsoa)}` });
    else seen.set(lsoa, line);
    if (!/^E0[6-9]\d{6}$/.test(lad)) problems.push({ line, field: 'LAD11CD', reason: 'not a local authority code' });
    if (ladName === '') problems.push({ line, field: 'LAD11NM', reason: 'must not be empty' });
    const counts = yearCols.map(({ h, i }) => {
      const text = (cells[i] ?? '').trim();
      const value = /^\d+(\.0+)?$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isFinite(value)) problems.push({ line, field: h, reason: text === '' ? 'must not be empty' : 'not a whole number of crimes' });
      return value;
    });
    rows.push({ lsoa, lad, ladName, counts });
  });
  if (problems.length) {
    throw new FileRefusedError('unreadable', `${basename(fileName)} has ${problems.length} problem${problems.length === 1 ? '' : 's'}, listed by line and column; nothing was loaded.`, problems);
  }
  return { years: yearCols.map(({ h }) => Number(h)), rows };
}

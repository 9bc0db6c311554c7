/**
 * Most similar partnerships ("family"): loading comparators' figures and characteristics,
 * choosing the family, and comparing the partnership with it.
 */
import { createHash, type Hash } from 'node:crypto';
import type { Db, Tx } from '../../db/connection.ts';
import { can, requireAccess, type Actor } from '../../shared/authorization.ts';
import { LanternError, notFoundOrNoAccess } from '../../shared/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { RowProblem } from '../ingestion/incident.types.ts';
import type { ByteSource } from '../ingestion/parsers/decode.ts';
import { FileRefusedError } from '../ingestion/parsers/file-errors.ts';
import { findPartnershipById } from '../partnerships/partnership.repository.ts';
import { areaKm2 } from './area-km2.ts';
import { characteristicsFromLsoas } from './characteristics.ts';
import { compareIndicator, familyAverageOf, rateOf, type FamilyFigure, type IndicatorComparison, type Suppression } from './comparison.ts';
import { parseFamilyFile, type CharacteristicsRow, type FigureRow } from './family-csv.ts';
import * as repo from './family.repository.ts';
import { canonicalIndicatorCode, compareIndicatorCodes, DEFAULT_MULTIPLIER, indicatorLabel, indicatorPolarity, knownIndicator } from './indicator-codes.ts';
import { MET_DENOMINATOR_RULE, MET_SOURCE, readMetFamily } from './met.loader.ts';
import { indicatorsOwnValue, resolveOwnFigures, type OwnValueSource } from './own-value.ts';
import { periodKey, periodLabel, toMonth, type FamilyPeriod } from './period.ts';
import {
  CHARACTERISTIC_KEYS, DEFAULT_CHARACTERISTICS, DEFAULT_K, NO_CHARACTERISTICS, rankBySimilarity, withDensity,
  type CharacteristicKey, type Characteristics, type SimilarityResult,
} from './similarity.ts';

// ---------------------------------------------------------------------------------------
// Loading

export type FamilyLoadResult = {
  loadId: number;
  kind: 'figures' | 'characteristics' | 'met';
  fileName: string;
  /** Rows stored (figures, or areas described). */
  rows: number;
  /** Of those, how many replaced a row already held (re-sending a file replaces, never duplicates). */
  replaced: number;
  areas: number;
  indicators: string[];
  periods: { first: string; last: string } | null;
  ignoredColumns: string[];
  notes: string[];
};

/** A refused file: every problem by line and column, nothing written. */
export class FamilyFileRefused extends LanternError {
  constructor(message: string, readonly problems: RowProblem[]) {
    super('file-refused', message, { details: problems });
  }
}

function hashing(input: ByteSource, hash: Hash): ByteSource {
  return (async function* () {
    for await (const chunk of input) {
      hash.update(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
      yield chunk;
    }
  })();
}

/**
 * Loads a comparator figures or characteristics file (told apart by its header): all rows
 * or none. Re-sending a file replaces the rows it held before (same area, indicator,
 * period and age band; or the same area's characteristics), so loading twice is the same
 * as loading once.
 */
export async function loadFamilyFile(db: Db, actor: Actor, input: { fileName: string; input: ByteSource }): Promise<FamilyLoadResult> {
  const partnershipId = requireAccess(actor, 'indicators:manage', actor.partnershipId);
  const hash = createHash('sha256');
  let parsed: Awaited<ReturnType<typeof parseFamilyFile>>;
  try {
    parsed = await parseFamilyFile(hashing(input.input, hash));
  } catch (error) {
    if (error instanceof FileRefusedError) {
      await recordRefusal(db, actor, input.fileName, error.problems.length);
      throw new FamilyFileRefused(`${input.fileName} was not loaded: ${error.message} Nothing was changed.`, error.problems);
    }
    throw error;
  }
  const sha256 = hash.digest('hex');
  let problems = parsed.problems;
  if (problems.length === 0 && parsed.kind === 'figures') problems = await multiplierConflicts(db, partnershipId, parsed.rows);
  if (problems.length > 0) {
    await recordRefusal(db, actor, input.fileName, problems.length);
    const rows = new Set(problems.map((p) => p.line)).size;
    throw new FamilyFileRefused(
      `${input.fileName} was not loaded: ${rows === 1 ? '1 row has' : `${rows} rows have`} problems, listed below by line and column. Nothing was changed. Correct the file and load it again.`,
      problems);
  }
  const notes = parsed.ignoredColumns.length ? [`Columns not read: ${parsed.ignoredColumns.join(', ')}.`] : [];
  return db.transaction().execute(async (tx) => parsed.kind === 'figures'
    ? storeFigures(tx, actor, partnershipId, { kind: 'figures', fileName: input.fileName, sha256, rows: parsed.rows, ignoredColumns: parsed.ignoredColumns, notes })
    : storeCharacteristics(tx, actor, partnershipId, { kind: 'characteristics', fileName: input.fileName, sha256, rows: parsed.rows, source: input.fileName, ignoredColumns: parsed.ignoredColumns, notes }));
}

/**
 * Loads the Met recorded-crime files of a folder laid out like shared/data as figures
 * (B12b, B12c and the other major categories, per borough and calendar year), with the
 * boroughs' characteristics, in one transaction.
 */
export async function loadMetFamily(db: Db, actor: Actor, dir: string, options: { onProgress?: (message: string) => void } = {}): Promise<FamilyLoadResult> {
  const partnershipId = requireAccess(actor, 'indicators:manage', actor.partnershipId);
  let met: Awaited<ReturnType<typeof readMetFamily>>;
  try {
    met = await readMetFamily(dir, options.onProgress);
  } catch (error) {
    if (error instanceof FileRefusedError) {
      await recordRefusal(db, actor, dir, error.problems.length);
      throw new FamilyFileRefused(`The Met files were not loaded: ${error.message}`, error.problems);
    }
    throw error;
  }
  return db.transaction().execute(async (tx) => {
    const characteristics = await storeCharacteristics(tx, actor, partnershipId, {
      kind: 'characteristics', fileName: 'ONS population, IMD 2019 and borough boundaries', sha256: null, rows: met.characteristics.map((c) => ({ ...c, line: 0 })),
      source: 'met', ignoredColumns: [], notes: [], audit: false,
    });
    const figures = await storeFigures(tx, actor, partnershipId, {
      kind: 'met', fileName: `Met recorded crime: ${met.files.join(', ')}`, sha256: null, rows: met.figures.map((f) => ({ ...f, line: 0 })), ignoredColumns: [],
      notes: [...met.notes, MET_DENOMINATOR_RULE], extraAudit: { years: met.years, characteristics: characteristics.rows },
    });
    return { ...figures, notes: [...figures.notes, `Characteristics of ${characteristics.rows} boroughs (${characteristics.replaced} replaced).`] };
  });
}

async function multiplierConflicts(db: Db, partnershipId: number, rows: FigureRow[]): Promise<RowProblem[]> {
  const held = await repo.heldMultipliers(db, partnershipId, [...new Set(rows.map((r) => r.indicator))]);
  const reported = new Set<string>();
  const problems: RowProblem[] = [];
  for (const row of rows) {
    const was = held.get(row.indicator);
    if (was === undefined || was === row.multiplier || reported.has(row.indicator)) continue;
    reported.add(row.indicator);
    problems.push({ line: row.line, field: 'multiplier', reason: `${row.indicator} is already held per ${was.toLocaleString('en-GB')}, not per ${row.multiplier.toLocaleString('en-GB')}; one indicator has one multiplier` });
  }
  return problems;
}

async function storeFigures(tx: Tx, actor: Actor, partnershipId: number, input: {
  kind: 'figures' | 'met'; fileName: string; sha256: string | null; rows: FigureRow[]; ignoredColumns: string[]; notes: string[]; extraAudit?: Record<string, unknown>;
}): Promise<FamilyLoadResult> {
  const areas = [...new Map(input.rows.map((r) => [r.areaCode, { code: r.areaCode, name: r.areaName }])).values()];
  const indicators = [...new Set(input.rows.map((r) => r.indicator))].sort(compareIndicatorCodes);
  const loadId = await repo.insertLoad(tx, partnershipId, { kind: input.kind, fileName: input.fileName, sha256: input.sha256, rows: input.rows.length, replaced: 0, areas: areas.length, indicators, loadedBy: actor.label });
  await repo.upsertAreaNames(tx, partnershipId, areas);
  const replaced = await repo.upsertFigures(tx, partnershipId, loadId, input.rows.map((r) => ({
    indicator: r.indicator, area_code: r.areaCode, period: r.period, age_band: r.ageBand, numerator: r.numerator, denominator: r.denominator, multiplier: r.multiplier,
  })));
  await repo.updateLoadCounts(tx, partnershipId, loadId, replaced);
  const first = input.rows.reduce<string | null>((m, r) => (m === null || r.period.from < m ? r.period.from : m), null);
  const last = input.rows.reduce<string | null>((m, r) => (m === null || r.period.to > m ? r.period.to : m), null);
  await recordAudit(tx, actor, {
    action: input.kind === 'met' ? 'family.load-met' : 'family.load-figures', recordType: 'family-figures', recordId: loadId,
    detail: { file: input.fileName, sha256: input.sha256, rows: input.rows.length, replaced, areas: areas.length, indicators, first, last, ...input.extraAudit },
  });
  return {
    loadId, kind: input.kind, fileName: input.fileName, rows: input.rows.length, replaced, areas: areas.length, indicators,
    periods: first && last ? { first, last } : null, ignoredColumns: input.ignoredColumns, notes: input.notes,
  };
}

async function storeCharacteristics(tx: Tx, actor: Actor, partnershipId: number, input: {
  kind: 'characteristics'; fileName: string; sha256: string | null; rows: CharacteristicsRow[]; source: string; ignoredColumns: string[]; notes: string[]; audit?: boolean;
}): Promise<FamilyLoadResult> {
  const loadId = await repo.insertLoad(tx, partnershipId, { kind: 'characteristics', fileName: input.fileName, sha256: input.sha256, rows: input.rows.length, replaced: 0, areas: input.rows.length, indicators: [], loadedBy: actor.label });
  const replaced = await repo.upsertAreaCharacteristics(tx, partnershipId, input.rows.map((r) => ({
    code: r.areaCode, name: r.areaName, population: r.population, area_km2: r.areaKm2, deprived_share: r.deprivedShare, imd_mean_rank: r.imdMeanRank,
    aged_0_15: r.aged0to15, aged_16_29: r.aged16to29, aged_65_plus: r.aged65plus, characteristics_source: input.source,
  })));
  await repo.updateLoadCounts(tx, partnershipId, loadId, replaced);
  if (input.audit !== false) {
    await recordAudit(tx, actor, {
      action: 'family.load-characteristics', recordType: 'family-figures', recordId: loadId,
      detail: { file: input.fileName, sha256: input.sha256, areas: input.rows.length, replaced },
    });
  }
  return { loadId, kind: 'characteristics', fileName: input.fileName, rows: input.rows.length, replaced, areas: input.rows.length, indicators: [], periods: null, ignoredColumns: input.ignoredColumns, notes: input.notes };
}

async function recordRefusal(db: Db, actor: Actor, fileName: string, problems: number): Promise<void> {
  await db.transaction().execute((tx) => recordAudit(tx, actor, { action: 'family.load-refused', recordType: 'family-figures', detail: { file: fileName, problems } }));
}

// ---------------------------------------------------------------------------------------
// The family

export type FamilyDefinition = {
  method: 'nearest' | 'chosen';
  k: number;
  characteristics: CharacteristicKey[];
  /** The chosen members (method 'chosen'). */
  chosen: string[];
  /** False while the partnership has not saved one: the default is in use. */
  saved: boolean;
  updatedBy: string | null;
  updatedAt: Date | null;
};

export type FamilyMember = {
  code: string;
  name: string;
  /** Euclidean distance on the standardised characteristics; null when the member cannot be placed. */
  distance: number | null;
  characteristics: Characteristics;
  source: string | null;
};

export type ResolvedFamily = {
  definition: FamilyDefinition;
  /** The partnership as placed among its comparators. */
  own: { name: string; codes: string[]; characteristics: Characteristics; missing: CharacteristicKey[] };
  members: FamilyMember[];
  /** Every comparator held, nearest first where they can be placed (for choosing by hand). */
  candidates: FamilyMember[];
  similarity: SimilarityResult | null;
  /** How the family was chosen, in words. */
  howChosen: string;
  notes: string[];
};

const characteristicsOf = (a: repo.StoredFamilyArea): Characteristics => withDensity({
  population: a.population, areaKm2: a.area_km2, deprivedShare: a.deprived_share, imdMeanRank: a.imd_mean_rank,
  aged0to15: a.aged_0_15, aged16to29: a.aged_16_29, aged65plus: a.aged_65_plus,
});

/** The partnership's own characteristics from its geography: LSOA population and IMD, and its boundary's area. */
export async function ownCharacteristics(db: Db, partnershipId: number): Promise<{ codes: string[]; names: string[]; characteristics: Characteristics }> {
  const [lsoas, authorities] = await Promise.all([repo.listOwnLsoas(db, partnershipId), repo.listOwnAuthorities(db, partnershipId)]);
  let area: number | null = null;
  const bounded = authorities.filter((a) => a.geometry);
  if (authorities.length > 0 && bounded.length === authorities.length) area = bounded.reduce((s, a) => s + areaKm2(a.geometry!), 0);
  else {
    // No authority boundary: the LSOAs tile the partnership, so their areas add up to it.
    const pieces = await repo.listOwnLsoaGeometries(db, partnershipId);
    if (pieces.length > 0 && pieces.length === lsoas.length) area = pieces.reduce((s, g) => s + areaKm2(g), 0);
  }
  const characteristics = lsoas.length === 0 ? { ...NO_CHARACTERISTICS, areaKm2: area } : characteristicsFromLsoas(
    lsoas.map((l) => ({ population: l.population, byAge: l.population_by_age, imdRank: l.imd_rank, imdDecile: l.imd_decile })), area);
  return { codes: authorities.map((a) => a.code), names: authorities.map((a) => a.name), characteristics };
}

/** Resolves the family without an access check: callers have made theirs. */
async function resolveFamily(db: Db, partnershipId: number, partnershipName: string): Promise<ResolvedFamily> {
  const [stored, areas, own] = await Promise.all([repo.findDefinition(db, partnershipId), repo.listFamilyAreas(db, partnershipId), ownCharacteristics(db, partnershipId)]);
  const definition: FamilyDefinition = stored
    ? {
      method: stored.method, k: stored.k, chosen: stored.members, saved: true, updatedBy: stored.updated_by, updatedAt: stored.updated_at,
      characteristics: stored.characteristics.filter((c): c is CharacteristicKey => (CHARACTERISTIC_KEYS as readonly string[]).includes(c)),
    }
    : { method: 'nearest', k: DEFAULT_K, characteristics: [...DEFAULT_CHARACTERISTICS], chosen: [], saved: false, updatedBy: null, updatedAt: null };
  if (definition.characteristics.length === 0) definition.characteristics = [...DEFAULT_CHARACTERISTICS];
  const ownCodes = new Set(own.codes);
  const pool = areas.filter((a) => !ownCodes.has(a.code));
  const missing = definition.characteristics.filter((k) => own.characteristics[k] === null);
  const notes: string[] = [];
  let similarity: SimilarityResult | null = null;
  if (missing.length === 0 && pool.length > 0) {
    similarity = rankBySimilarity(own.characteristics, pool.map((a) => ({ code: a.code, values: characteristicsOf(a) })), definition.characteristics);
  }
  const distanceOf = new Map(similarity?.ranked.map((r) => [r.code, r.distance]) ?? []);
  const toMember = (a: repo.StoredFamilyArea): FamilyMember => ({ code: a.code, name: a.name, distance: distanceOf.get(a.code) ?? null, characteristics: characteristicsOf(a), source: a.characteristics_source });
  const byCode = new Map(pool.map((a) => [a.code, a]));
  const candidates = pool.map(toMember).sort((a, b) => (a.distance ?? Infinity) - (b.distance ?? Infinity) || a.name.localeCompare(b.name));
  let members: FamilyMember[];
  const labels = definition.characteristics.map(characteristicPhrase);
  const ownName = own.names.length === 1 ? own.names[0]! : partnershipName;
  let howChosen: string;
  if (definition.method === 'chosen') {
    const gone = definition.chosen.filter((c) => !byCode.has(c));
    if (gone.length) notes.push(`${gone.length} chosen member${gone.length === 1 ? ' is' : 's are'} no longer among the comparators held (${gone.join(', ')}) and left out.`);
    members = definition.chosen.filter((c) => byCode.has(c)).map((c) => toMember(byCode.get(c)!));
    members.sort((a, b) => (a.distance ?? Infinity) - (b.distance ?? Infinity) || a.name.localeCompare(b.name));
    howChosen = `Chosen by hand: ${members.length} member${members.length === 1 ? '' : 's'}. Distances are shown on ${labels.join(', ')} for reference.`;
  } else {
    members = similarity ? similarity.ranked.slice(0, definition.k).map((r) => toMember(byCode.get(r.code)!)) : [];
    howChosen = `The ${definition.k} comparators nearest to ${ownName} on ${labels.join(', ')}: each characteristic is standardised (z-score over all ${similarity?.ranked.length ?? pool.length} comparators placed and the partnership), and distance is Euclidean, every characteristic weighing the same.`;
    if (missing.length) notes.push(`The partnership's own ${missing.map(characteristicPhrase).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not known, so the nearest comparators cannot be found. Load population and deprivation for its LSOAs and its boundary (Admin, Geography), or choose the family by hand.`);
    else if (similarity && similarity.ranked.length < definition.k) notes.push(`Only ${similarity.ranked.length} comparators can be placed, fewer than the ${definition.k} asked for.`);
    if (similarity?.missing.length) notes.push(`${similarity.missing.length} comparator${similarity.missing.length === 1 ? ' lacks' : 's lack'} a chosen characteristic and cannot be placed: ${similarity.missing.slice(0, 10).join(', ')}${similarity.missing.length > 10 ? ', …' : ''}.`);
  }
  if (pool.length === 0) notes.push('No comparators are loaded yet: load comparator figures and characteristics first.');
  return {
    definition, own: { name: ownName, codes: own.codes, characteristics: own.characteristics, missing },
    members, candidates, similarity, howChosen, notes,
  };
}

/** The characteristic inside a sentence ("nearest on population density, mean IMD rank, ..."). */
export function characteristicPhrase(key: CharacteristicKey): string {
  return key === 'imdMeanRank' ? 'mean IMD rank' : characteristicLabel(key).toLowerCase();
}

export function characteristicLabel(key: CharacteristicKey): string {
  switch (key) {
    case 'density': return 'Population density';
    case 'deprivedShare': return 'Share in the most deprived fifth';
    case 'imdMeanRank': return 'Mean IMD rank';
    case 'aged0to15': return 'Share aged 0 to 15';
    case 'aged16to29': return 'Share aged 16 to 29';
    case 'aged65plus': return 'Share aged 65 and over';
    case 'population': return 'Residents';
  }
}

async function requirePartnership(db: Db, partnershipId: number) {
  const partnership = await findPartnershipById(db, partnershipId);
  if (!partnership) throw notFoundOrNoAccess();
  return partnership;
}

/** The family as the partnership has defined it, with each member's characteristics and distance. */
export async function describeFamily(db: Db, actor: Actor): Promise<ResolvedFamily> {
  const partnershipId = requireAccess(actor, 'overview:read', actor.partnershipId);
  const partnership = await requirePartnership(db, partnershipId);
  return resolveFamily(db, partnershipId, partnership.name);
}

export type FamilyDefinitionInput = { method: 'nearest' | 'chosen'; k: number; characteristics: CharacteristicKey[]; members: string[] };

/** Saves how the family is chosen; audited with what it was before. */
export async function saveFamilyDefinition(db: Db, actor: Actor, input: FamilyDefinitionInput): Promise<ResolvedFamily> {
  const partnershipId = requireAccess(actor, 'indicators:manage', actor.partnershipId);
  const partnership = await requirePartnership(db, partnershipId);
  const held = new Set((await repo.listFamilyAreas(db, partnershipId)).map((a) => a.code));
  const members = [...new Set(input.members)];
  const unknown = members.filter((c) => !held.has(c));
  if (unknown.length) throw new LanternError('invalid-input', `${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not among the comparators held. Choose from the list.`);
  if (input.method === 'chosen' && members.length === 0) throw new LanternError('invalid-input', 'Choose at least one member of the family.');
  if (input.characteristics.length === 0) throw new LanternError('invalid-input', 'Choose at least one characteristic to find the nearest comparators on.');
  const before = await repo.findDefinition(db, partnershipId);
  await db.transaction().execute(async (tx) => {
    await repo.saveDefinition(tx, partnershipId, { method: input.method, k: input.k, characteristics: input.characteristics, members: input.method === 'chosen' ? members : [], updatedBy: actor.label });
    await recordAudit(tx, actor, {
      action: 'family.define', recordType: 'family-definition', recordId: partnershipId,
      detail: {
        method: input.method, k: input.k, characteristics: input.characteristics, members: input.method === 'chosen' ? members : [],
        before: before ? { method: before.method, k: before.k, characteristics: before.characteristics, members: before.members } : null,
      },
    });
  });
  return resolveFamily(db, partnershipId, partnership.name);
}

// ---------------------------------------------------------------------------------------
// Comparison

export type FamilyComparisonOptions = {
  /** One indicator code (B12b, ...); all when absent. */
  indicator?: string;
  /** Only periods within these months ('YYYY-MM'), both inclusive. */
  from?: string;
  to?: string;
  /** The partnership's own values; defaults to loaded figures for its own area code(s), then the indicators module (own-value.ts). */
  ownValue?: OwnValueSource;
};

export type FamilyComparison = {
  partnership: { id: number; slug: string; name: string; synthetic: boolean };
  family: ResolvedFamily;
  indicators: IndicatorComparison[];
  suppression: Suppression;
  /** Caveats to show with the figures. */
  notes: string[];
  /** Definitions, in words, for the page and the strategic assessment. */
  definitions: { familyAverage: string; rank: string; spread: string; comparison: string };
};

export const FAMILY_DEFINITIONS = {
  familyAverage: 'Family average: the mean of the members\' rates, each member counting once whatever its size, as the Home Office most similar group average does (a pooled rate would let the largest members set it). Its 95% interval is Student\'s t over the members.',
  rank: 'Rank: the partnership\'s place among itself and the members with a figure for the period, 1 being the lowest rate.',
  spread: 'Spread: the lowest, lower quartile, median, upper quartile and highest of the members\' rates (quartiles by linear interpolation).',
  comparison: 'Compared with the family: higher or lower when the partnership\'s 95% interval (Byar\'s method) lies wholly above or below the family average, otherwise similar; "better" or "worse" for indicators where lower is better.',
} as const;

/**
 * The partnership against its family, per indicator and period: own rate with its
 * interval, family average, rank, spread, every member's figure, the time series and the
 * latest change across the family. Figures of 1 to threshold − 1 are withheld outside the
 * analyst role, and withheld members are left out of the statistics shown.
 */
export async function familyComparison(db: Db, actor: Actor, options: FamilyComparisonOptions = {}): Promise<FamilyComparison> {
  const partnershipId = requireAccess(actor, 'overview:read', actor.partnershipId);
  const partnership = await requirePartnership(db, partnershipId);
  const family = await resolveFamily(db, partnershipId, partnership.name);
  const from = options.from ? toMonth(options.from) : null;
  const to = options.to ? toMonth(options.to) : null;
  if ((options.from && !from) || (options.to && !to)) throw new LanternError('invalid-input', 'Give months as YYYY-MM.');
  const memberCodes = family.members.map((m) => m.code);
  const indicator = options.indicator ? canonicalIndicatorCode(options.indicator) : null;
  const stored = await repo.listFigures(db, partnershipId, {
    ...(indicator ? { indicator } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}),
    codes: [...memberCodes, ...family.own.codes],
  });
  const figures: FamilyFigure[] = stored.map((f) => ({
    areaCode: f.area_code, indicator: f.indicator, period: { from: f.first_month, to: f.last_month }, numerator: f.numerator, denominator: f.denominator, multiplier: f.multiplier,
  }));
  const members = new Set(memberCodes);
  const wanted = uniqueBy(figures.filter((f) => members.has(f.areaCode)).map((f) => ({ indicator: f.indicator, period: f.period })), (w) => `${w.indicator}|${periodKey(w.period)}`);
  const source = options.ownValue ?? indicatorsOwnValue(db, partnershipId);
  const own = await resolveOwnFigures(figures, family.own.codes, wanted, source);
  const multiplierOf = new Map(figures.map((f) => [f.indicator, f.multiplier]));
  const codes = [...new Set([...wanted.map((w) => w.indicator), ...own.keys()])].sort(compareIndicatorCodes);
  const suppression: Suppression = { suppress: !can(actor, 'incidents:read-records'), threshold: partnership.suppression_threshold };
  const indicators = codes.map((code) => {
    const multiplier = multiplierOf.get(code) ?? knownIndicator(code)?.multiplier ?? DEFAULT_MULTIPLIER;
    return compareIndicator({
      indicator: code, label: indicatorLabel(code, multiplier), multiplier, polarity: indicatorPolarity(code),
      members: family.members, figures, own: own.get(code) ?? new Map(), suppression, partnershipName: family.own.name,
    });
  });
  const loads = await repo.listLoads(db, partnershipId, 100);
  const notes = [...family.notes];
  if (partnership.synthetic) notes.push('Synthetic demonstration data: the comparator partnerships and their figures are generated, not real places.');
  if (loads.some((l) => l.kind === 'met')) {
    notes.push(`Met figures: crimes recorded by the Metropolitan Police per calendar year, by the borough of the LSOA. ${MET_DENOMINATOR_RULE}`);
    if ((!indicator || indicator === 'B12c') && !codes.includes('B12c')) notes.push('Sexual offences (B12c) have no family figures from the Met files: the Met gives them as 0 in every LSOA (withheld), so they were not loaded.');
  }
  if (indicators.some((i) => i.periods.some((p) => p.own === null))) notes.push(`Where ${family.own.name} has no figure of its own for a period, only the family is shown: own figures come from figures loaded under its own area code${family.own.codes.length === 1 ? ` (${family.own.codes[0]})` : 's'}, or from the partnership's indicators.`);
  if (suppression.suppress && indicators.some((i) => i.periods.some((p) => p.withheld > 0 || p.own?.suppressed))) {
    notes.push(`Figures of 1 to ${suppression.threshold - 1} are withheld outside the analyst role, and withheld members are left out of the family average, rank and spread shown here.`);
  }
  return {
    partnership: { id: partnership.id, slug: partnership.slug, name: partnership.name, synthetic: partnership.synthetic },
    family, indicators, suppression, notes, definitions: { ...FAMILY_DEFINITIONS },
  };
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((i) => [key(i), i])).values()];
}

export type FamilyBenchmark = {
  /** The family average: the mean of the members' rates for exactly this period. */
  value: number;
  /** 95% interval of that mean (Student's t over the members); absent with one member. */
  lower?: number;
  upper?: number;
  /** How many members had a figure for the period. */
  members: number;
  /** E.g. "Family average (10 most similar partnerships), 2019/20". */
  label: string;
};

/**
 * The family average of an indicator for one period, as a benchmark for the indicators
 * module: null when no member has a figure for exactly that period (first to last month).
 * No access check: the caller's service has made it for the partnership.
 */
export async function familyBenchmark(db: Db, partnershipId: number, indicatorCode: string, from: string, to: string): Promise<FamilyBenchmark | null> {
  const first = toMonth(from);
  const last = toMonth(to);
  if (!first || !last) return null;
  const partnership = await findPartnershipById(db, partnershipId);
  if (!partnership) return null;
  const family = await resolveFamily(db, partnershipId, partnership.name);
  const figures = await repo.listFigures(db, partnershipId, { indicator: canonicalIndicatorCode(indicatorCode), from: first, to: last, codes: family.members.map((m) => m.code) });
  const rates = figures.filter((f) => f.first_month === first && f.last_month === last).map((f) => rateOf(f));
  const average = familyAverageOf(rates);
  if (!average) return null;
  const period: FamilyPeriod = { from: first, to: last };
  return {
    value: average.value, ...(average.lower !== null ? { lower: average.lower, upper: average.upper! } : {}), members: average.members,
    label: `Family average (${average.members} most similar partnership${average.members === 1 ? '' : 's'}), ${periodLabel(period)}`,
  };
}

// ---------------------------------------------------------------------------------------
// The figures page

/** What is loaded: per indicator, the areas, periods and span; recent loads; comparators. */
export async function getFamilyFigures(db: Db, actor: Actor) {
  const partnershipId = requireAccess(actor, 'indicators:manage', actor.partnershipId);
  const [summary, loads, areas] = await Promise.all([repo.summariseFigures(db, partnershipId), repo.listLoads(db, partnershipId), repo.listFamilyAreas(db, partnershipId)]);
  return {
    indicators: [...summary].sort((a, b) => compareIndicatorCodes(a.indicator, b.indicator)).map((s) => ({
      ...s, label: indicatorLabel(s.indicator, s.multiplier),
      span: `${periodLabel({ from: s.first_month, to: s.first_month })} to ${periodLabel({ from: s.last_month, to: s.last_month })}`,
    })),
    loads,
    areas: areas.map((a) => ({ code: a.code, name: a.name, characteristics: characteristicsOf(a), source: a.characteristics_source })),
    metSource: MET_SOURCE,
  };
}

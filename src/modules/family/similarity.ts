/**
 * Which comparators are most like the partnership: standardise each characteristic
 * (z-scores over every comparator and the partnership together), then rank comparators by
 * Euclidean distance from the partnership. This is the approach of the Home Office's "most
 * similar groups" (iQuanta) and the Audit Commission's families, which compare areas on
 * standardised demographic, social and economic characteristics with equal weights.
 */

export type CharacteristicKey = 'density' | 'deprivedShare' | 'imdMeanRank' | 'aged0to15' | 'aged16to29' | 'aged65plus' | 'population';

export type Characteristics = {
  population: number | null;
  areaKm2: number | null;
  /** Residents per km². */
  density: number | null;
  /** Share (0–1) of residents living in LSOAs in the most deprived 20% in England (IMD 2019 deciles 1 and 2). */
  deprivedShare: number | null;
  /** Population-weighted mean IMD 2019 rank of the LSOAs (1 = most deprived of 32,844). */
  imdMeanRank: number | null;
  aged0to15: number | null;
  aged16to29: number | null;
  aged65plus: number | null;
};

export type CharacteristicDefinition = { key: CharacteristicKey; label: string; unit: string; kind: 'share' | 'number' };

export const CHARACTERISTIC_DEFINITIONS: readonly CharacteristicDefinition[] = [
  { key: 'density', label: 'Population density', unit: 'residents per km²', kind: 'number' },
  { key: 'deprivedShare', label: 'Residents in the most deprived 20% of neighbourhoods in England', unit: 'share of residents (IMD 2019 deciles 1–2)', kind: 'share' },
  { key: 'imdMeanRank', label: 'Mean IMD 2019 rank', unit: 'population-weighted, 1 = most deprived', kind: 'number' },
  { key: 'aged0to15', label: 'Aged 0 to 15', unit: 'share of residents', kind: 'share' },
  { key: 'aged16to29', label: 'Aged 16 to 29', unit: 'share of residents', kind: 'share' },
  { key: 'aged65plus', label: 'Aged 65 and over', unit: 'share of residents', kind: 'share' },
  { key: 'population', label: 'Residents', unit: 'persons', kind: 'number' },
];

export const CHARACTERISTIC_KEYS: readonly CharacteristicKey[] = CHARACTERISTIC_DEFINITIONS.map((d) => d.key);

/**
 * Density, deprivation and the three age groups: the drivers of violence and disorder the
 * most similar groups use. One deprivation measure only (the share in the most deprived
 * fifth), because counting deprivation twice would double its weight; population size is
 * left out because rates already divide by it, and its spread would otherwise pair large
 * with large regardless of what the places are like.
 */
export const DEFAULT_CHARACTERISTICS: readonly CharacteristicKey[] = ['density', 'deprivedShare', 'aged0to15', 'aged16to29', 'aged65plus'];

/**
 * Ten members: iQuanta's most similar groups have 7 to 15 members. With London's 32
 * boroughs (or the demo's 15 synthetic partnerships) as the pool, ten keeps the family to
 * about a third of the pool, so it stays "similar", while averaging enough members that
 * one unusual member moves the family average by a tenth, not a fifth.
 */
export const DEFAULT_K = 10;

export type Candidate = { code: string; values: Characteristics };

export type RankedCandidate = { code: string; distance: number; z: Record<CharacteristicKey, number> };

export type Standardisation = Record<CharacteristicKey, { mean: number; sd: number }>;

export type SimilarityResult = {
  /** Every usable comparator, nearest first (ties by code, so the order never depends on input order). */
  ranked: RankedCandidate[];
  ownZ: Record<CharacteristicKey, number>;
  /** Mean and sample standard deviation each characteristic was standardised with. */
  standardisation: Partial<Standardisation>;
  /** Comparators without every chosen characteristic: they cannot be placed. */
  missing: string[];
};

export function hasAll(values: Characteristics, keys: readonly CharacteristicKey[]): boolean {
  return keys.every((k) => values[k] !== null && Number.isFinite(values[k]));
}

/**
 * Standardises over the comparators and the partnership together (sample standard
 * deviation, n − 1), then measures each comparator's Euclidean distance from the
 * partnership. A characteristic that does not vary contributes nothing rather than
 * dividing by zero. Throws when the partnership itself lacks a chosen characteristic.
 */
export function rankBySimilarity(own: Characteristics, candidates: readonly Candidate[], keys: readonly CharacteristicKey[]): SimilarityResult {
  if (keys.length === 0) throw new RangeError('Choose at least one characteristic to compare on');
  if (!hasAll(own, keys)) throw new RangeError('The partnership lacks a chosen characteristic');
  const usable = candidates.filter((c) => hasAll(c.values, keys));
  const missing = candidates.filter((c) => !hasAll(c.values, keys)).map((c) => c.code).sort();
  const standardisation: Partial<Standardisation> = {};
  const rows = [own, ...usable.map((c) => c.values)];
  for (const key of keys) {
    const xs = rows.map((r) => r[key] as number);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.length > 1 ? xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1) : 0;
    // Equal values still leave rounding residue (0.2 four times has a variance of 1e-33):
    // below a relative 1e-9 it is no spread at all, or it would be blown up into z-scores.
    const sd = Math.sqrt(variance);
    standardisation[key] = { mean, sd: sd <= 1e-9 * Math.max(1, Math.abs(mean)) ? 0 : sd };
  }
  const zOf = (values: Characteristics) => {
    const z = {} as Record<CharacteristicKey, number>;
    for (const key of keys) {
      const { mean, sd } = standardisation[key]!;
      z[key] = sd > 0 ? ((values[key] as number) - mean) / sd : 0;
    }
    return z;
  };
  const ownZ = zOf(own);
  const ranked = usable.map((c) => {
    const z = zOf(c.values);
    const distance = Math.sqrt(keys.reduce((s, key) => s + (z[key] - ownZ[key]) ** 2, 0));
    return { code: c.code, distance, z };
  }).sort((a, b) => a.distance - b.distance || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return { ranked, ownZ, standardisation, missing };
}

/** The k nearest comparators' codes. */
export function nearestCodes(result: SimilarityResult, k: number): string[] {
  return result.ranked.slice(0, Math.max(0, k)).map((r) => r.code);
}

/** Fills in density from population and area when a source gave only those. */
export function withDensity(values: Omit<Characteristics, 'density'> & { density?: number | null }): Characteristics {
  const density = values.density ?? (values.population !== null && values.areaKm2 !== null && values.areaKm2 > 0 ? values.population / values.areaKm2 : null);
  return { ...values, density };
}

export const NO_CHARACTERISTICS: Characteristics = {
  population: null, areaKm2: null, density: null, deprivedShare: null, imdMeanRank: null, aged0to15: null, aged16to29: null, aged65plus: null,
};

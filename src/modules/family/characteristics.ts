/**
 * An area's characteristics from its LSOAs 2011: residents (ONS mid-year estimates, by age
 * band), deprivation (IMD 2019) and land area. The same arithmetic serves the partnership
 * (from its own geography) and the comparators (from the ONS and MHCLG files), so that
 * both sides of a distance are measured alike.
 *
 * Deprivation is measured two ways: the share of residents living in LSOAs in the most
 * deprived fifth of England (IMD deciles 1 and 2), used for similarity by default because
 * it describes concentrated deprivation, which tracks violence more closely than the
 * average does; and the population-weighted mean IMD rank, shown and selectable.
 */
import { withDensity, type Characteristics } from './similarity.ts';

export type LsoaFacts = {
  population: number | null;
  /** Persons by ONS age band ('0-15', '16-29', ..., '65+'), or single years ('0', ..., '90+'). */
  byAge: Record<string, number> | null;
  imdRank: number | null;
  imdDecile: number | null;
};

/** Deciles counted as "most deprived": the most deprived 20% of LSOAs in England. */
export const MOST_DEPRIVED_DECILES = 2;

type AgeGroup = 'aged0to15' | 'aged16to29' | 'aged65plus';
const GROUPS: ReadonlyArray<{ key: AgeGroup; lo: number; hi: number }> = [
  { key: 'aged0to15', lo: 0, hi: 15 },
  { key: 'aged16to29', lo: 16, hi: 29 },
  { key: 'aged65plus', lo: 65, hi: Infinity },
];

/** "0-15" → [0, 15], "65+" → [65, ∞), "42" → [42, 42]; null for anything else. */
export function parseAgeBand(band: string): [number, number] | null {
  let m = /^(\d+)\s*[-–]\s*(\d+)$/.exec(band.trim());
  if (m) return [Number(m[1]), Number(m[2])];
  m = /^(\d+)\s*\+$/.exec(band.trim());
  if (m) return [Number(m[1]), Infinity];
  m = /^(\d+)$/.exec(band.trim());
  return m ? [Number(m[1]), Number(m[1])] : null;
}

/**
 * Shares of residents aged 0–15, 16–29 and 65+. A band that straddles a group's edge
 * (a "10-19" band) makes that group unknowable, so it is null rather than guessed.
 */
export function ageShares(byAge: Record<string, number>): Record<AgeGroup, number | null> {
  const totals: Record<AgeGroup, number> = { aged0to15: 0, aged16to29: 0, aged65plus: 0 };
  const broken = new Set<AgeGroup>();
  let all = 0;
  for (const [band, count] of Object.entries(byAge)) {
    all += count;
    const range = parseAgeBand(band);
    for (const g of GROUPS) {
      if (!range) { broken.add(g.key); continue; }
      const inside = range[0] >= g.lo && range[1] <= g.hi;
      const outside = range[1] < g.lo || range[0] > g.hi;
      if (inside) totals[g.key] += count;
      else if (!outside) broken.add(g.key);
    }
  }
  const share = (g: AgeGroup) => (all > 0 && !broken.has(g) ? totals[g] / all : null);
  return { aged0to15: share('aged0to15'), aged16to29: share('aged16to29'), aged65plus: share('aged65plus') };
}

/** Sums LSOAs into one area's characteristics. */
export function characteristicsFromLsoas(lsoas: readonly LsoaFacts[], areaKm2: number | null): Characteristics {
  const withPopulation = lsoas.filter((l) => l.population !== null && l.population > 0);
  const population = withPopulation.reduce((s, l) => s + l.population!, 0);
  const rated = withPopulation.filter((l) => l.imdDecile !== null && l.imdRank !== null);
  const ratedPopulation = rated.reduce((s, l) => s + l.population!, 0);
  const deprived = rated.filter((l) => l.imdDecile! <= MOST_DEPRIVED_DECILES).reduce((s, l) => s + l.population!, 0);
  const weightedRank = rated.reduce((s, l) => s + l.population! * l.imdRank!, 0);
  const bands: Record<string, number> = {};
  let banded = 0;
  for (const l of lsoas) {
    if (!l.byAge) continue;
    banded++;
    for (const [band, count] of Object.entries(l.byAge)) bands[band] = (bands[band] ?? 0) + count;
  }
  // Shares from bands are only trusted when every LSOA with residents gave its bands.
  const ages = banded > 0 && banded >= withPopulation.length ? ageShares(bands) : { aged0to15: null, aged16to29: null, aged65plus: null };
  return withDensity({
    population: population > 0 ? population : null,
    areaKm2,
    deprivedShare: ratedPopulation > 0 ? deprived / ratedPopulation : null,
    imdMeanRank: ratedPopulation > 0 ? weightedRank / ratedPopulation : null,
    ...ages,
  });
}

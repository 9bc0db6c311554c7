/**
 * Emerging hot spot analysis: Gi* on every time slice (a month, a quarter) of the same
 * grid, a Mann–Kendall trend test on each cell's series of Gi* z-scores, and a pattern per
 * cell (new, intensifying, persistent, … hot or cold spot) from the slices where the cell
 * was a significant hot or cold spot plus that trend.
 *
 * The patterns and their rules are those of Esri's Emerging Hot Spot Analysis tool, as
 * published in "How Emerging Hot Spot Analysis works" (ArcGIS Pro tool reference, Space
 * Time Pattern Mining toolbox:
 * https://pro.arcgis.com/en/pro-app/latest/tool-reference/space-time-pattern-mining/learnmoreemerging.htm).
 * That page states each pattern in words; where the words leave a case open, or two
 * patterns both fit, the choice made here is marked DECISION below.
 *
 * What a significant slice means here. A cell is a hot (cold) spot in a slice when the
 * slice's own Gi* map (giStar: same grid, same contiguity weights, self included) classes it
 * hot (cold) at 90% confidence or more, i.e. classifyGiStar on the Benjamini–Hochberg
 * adjusted p-value over the slice's cells is not 'none'. So every slice counts exactly the
 * cells its own hot spot map shows, the 90% floor is the lowest class Esri's Gi* bins carry,
 * and Esri's page likewise says the per-bin Gi* uses an FDR correction.
 *
 * Where this differs from Esri's tool, on purpose:
 * - The neighbourhood is spatial only, within one slice. Esri's space-time Gi* can also
 *   count the same cells in earlier slices (its Neighborhood Time Step); here every slice is
 *   an ordinary hot spot map, so a pattern can be checked against the monthly maps users see.
 * - "Statistically significant" for the trend is Mann–Kendall p < trendAlpha, 0.05 unless
 *   chosen otherwise; the published definitions do not give a level.
 *
 * Short series. Mann–Kendall needs a few values before it can say anything: with the normal
 * approximation and continuity correction, no series shorter than 5 reaches p < 0.05, so
 * intensifying and diminishing need at least 5 slices at that level. Fewer than 3 slices are
 * refused (EMERGING_MIN_SLICES): with 1 slice "new" and "persistent" both fit every hot
 * spot, with 2 "consecutive" cannot happen and no trend can be tested; the single-slice map
 * is the right tool then. Below 10 slices "at least 90% of slices" means every slice, so
 * a historical hot or cold spot (final slice not significant, yet 90% of slices were) needs
 * at least 10 slices.
 *
 * Empty slices. A slice in which every cell has the same count (all zero, say, for a month
 * before a feed started) has no Gi* pattern: every z is 0 and no cell is significant, so it
 * breaks runs like any quiet month would. Trim such slices before calling.
 */
import { mannKendall, type Trend } from '../stats/mann-kendall.ts';
import { giStar, type GiStarCell, type GiStarClass, type GiStarGrid } from './gi-star.ts';
import { gridNeighbours, type NeighbourList } from './grid.ts';

export type EmergingPattern =
  | 'no-pattern'
  | 'new'
  | 'consecutive'
  | 'intensifying'
  | 'persistent'
  | 'diminishing'
  | 'sporadic'
  | 'oscillating'
  | 'historical';

export type EmergingSide = 'hot' | 'cold';

export type EmergingClassification = {
  pattern: EmergingPattern;
  /** Hot or cold spot pattern; null exactly when the pattern is 'no-pattern'. */
  side: EmergingSide | null;
};

/** Mann–Kendall test of a cell's Gi* z-scores over the slices, oldest first. */
export type EmergingTrend = {
  /** Kendall's tau-b between the z-scores and time, −1 … 1 (ties among the z-scores allowed for). */
  tau: number;
  s: number;
  varS: number;
  /** Mann–Kendall normal score (not the Gi* z). */
  z: number;
  pValue: number;
  trend: Trend;
};

export type EmergingCell = EmergingClassification & {
  /** Slices in which the cell was a significant hot spot, and a significant cold spot. */
  hotSlices: number;
  coldSlices: number;
  /** hotSlices + coldSlices. */
  significantSlices: number;
  trend: EmergingTrend;
  /** Gi* z-score and class of the cell in the final slice. */
  finalZ: number;
  finalClass: GiStarClass;
  /** The cell's Gi* z-score in every slice, oldest first. */
  zSeries: Float64Array;
};

export type EmergingResult = {
  /** One per grid cell, in the order of `grid.cells`. */
  cells: EmergingCell[];
  /** The Gi* map of every slice, oldest first: slices[t][cell]. */
  slices: GiStarCell[][];
};

export type EmergingOptions = {
  /** Mann–Kendall significance level for intensifying and diminishing; default 0.05. */
  trendAlpha?: number;
};

export const EMERGING_MIN_SLICES = 3;

/**
 * Emerging hot spot analysis over time slices of one grid: `slices[t]` holds slice t's value
 * per cell (in the order of `grid.cells`), oldest slice first, so the last one is the
 * "final time step" of the definitions.
 */
export function emergingHotSpots(
  grid: GiStarGrid | NeighbourList,
  slices: readonly ArrayLike<number>[],
  options: EmergingOptions = {},
): EmergingResult {
  const trendAlpha = options.trendAlpha ?? 0.05;
  const t = slices.length;
  if (t < EMERGING_MIN_SLICES) {
    throw new RangeError(
      `Emerging hot spot analysis needs at least ${EMERGING_MIN_SLICES} time slices to look for a trend, but ${t} ` +
        `${t === 1 ? 'was' : 'were'} given. Choose a longer period or shorter slices, or use the single hot spot map.`,
    );
  }
  const neighbours = 'offsets' in grid ? grid : gridNeighbours(grid);
  const n = Math.max(0, neighbours.offsets.length - 1);
  slices.forEach((values, k) => {
    if (values.length !== n) {
      throw new RangeError(`Time slice ${k + 1} has ${values.length} values, but the grid has ${n} cells.`);
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(values[i])) {
        throw new RangeError(`Time slice ${k + 1} has a value that is not a finite number (${values[i]}) at cell ${i}.`);
      }
    }
  });

  const maps = slices.map((values) => giStar(neighbours, values));
  const cells: EmergingCell[] = new Array(n);
  const classes: GiStarClass[] = new Array(t);
  for (let i = 0; i < n; i++) {
    const z = new Float64Array(t);
    for (let k = 0; k < t; k++) {
      const cell = (maps[k] as GiStarCell[])[i] as GiStarCell;
      z[k] = cell.z;
      classes[k] = cell.class;
    }
    cells[i] = emergingCell(z, classes, trendAlpha);
  }
  return { cells, slices: maps };
}

/** One cell's result from its Gi* z-score and class in every slice, oldest first. */
export function emergingCell(zSeries: ArrayLike<number>, classes: readonly GiStarClass[], trendAlpha = 0.05): EmergingCell {
  if (zSeries.length !== classes.length) {
    throw new RangeError(`Every slice needs a z-score and a class: ${zSeries.length} z-scores but ${classes.length} classes.`);
  }
  const z = Float64Array.from(zSeries);
  const trend = emergingTrend(z, trendAlpha);
  const { pattern, side } = classifyEmergingSeries(classes, trend.trend);
  let hotSlices = 0;
  let coldSlices = 0;
  for (const c of classes) {
    if (isHot(c)) hotSlices++;
    else if (isCold(c)) coldSlices++;
  }
  return {
    pattern,
    side,
    hotSlices,
    coldSlices,
    significantSlices: hotSlices + coldSlices,
    trend,
    finalZ: z[z.length - 1] as number,
    finalClass: classes[classes.length - 1] as GiStarClass,
    zSeries: z,
  };
}

/**
 * Mann–Kendall on a z-score series, plus Kendall's tau-b: S over √(n₀(n₀ − n₁)), n₀ = n(n−1)/2
 * pairs and n₁ = Σt(t−1)/2 pairs tied in z (time has no ties), the tau that R's
 * cor(method = "kendall") and Kendall::MannKendall report. A constant series has tau 0.
 */
export function emergingTrend(zSeries: ArrayLike<number>, alpha = 0.05): EmergingTrend {
  const values = Array.from(zSeries);
  const mk = mannKendall(values, alpha);
  const n = values.length;
  const pairs = (n * (n - 1)) / 2;
  const ties = new Map<number, number>();
  for (const v of values) ties.set(v, (ties.get(v) ?? 0) + 1);
  let tiedPairs = 0;
  for (const count of ties.values()) tiedPairs += (count * (count - 1)) / 2;
  const denominator = Math.sqrt(pairs * (pairs - tiedPairs));
  return {
    tau: denominator > 0 ? mk.s / denominator : 0,
    s: mk.s,
    varS: mk.varS,
    z: mk.z,
    pValue: mk.pValue,
    trend: mk.trend,
  };
}

/**
 * The pattern of one cell from its per-slice Gi* classes (oldest first) and the Mann–Kendall
 * trend of its z-scores. Each rule restates Esri's definition (paraphrased from "How
 * Emerging Hot Spot Analysis works"), then says how it is read here. "Hot" means a slice in
 * which the cell is a significant hot spot; cold spots mirror every rule with hot and cold,
 * and increasing and decreasing, swapped.
 *
 * - DECISION, which side: the final slice decides. If it is hot, only hot patterns are
 *   considered; if cold, only cold ones; if neither, only the two historical patterns (the
 *   only ones whose definition has the final slice not significant). Esri's wording lets a
 *   location that is a significant cold spot now, after ≥ 90% hot slices, be a historical
 *   hot spot as well as an oscillating cold spot; here it is the oscillating cold spot,
 *   because a map of emerging patterns should not show a place that is significantly cold
 *   now as any kind of hot spot.
 * - Intensifying. Esri: hot in 90% of the slices, the final one included, and the intensity
 *   of clustering rising over time with statistical significance. Here: final hot, ≥ 90%
 *   hot, Mann–Kendall trend of z increasing.
 * - Diminishing. Esri: as intensifying, with the intensity falling significantly. Here:
 *   final hot, ≥ 90% hot, trend decreasing.
 * - Persistent. Esri: hot in 90% of the slices, with no discernible trend in intensity.
 *   Here: final hot, ≥ 90% hot, no significant trend. The final slice must be hot because
 *   the case where it is not is exactly Esri's historical pattern.
 * - Oscillating. Esri: hot in the final slice, significantly cold in some earlier slice,
 *   hot in fewer than 90% of slices. Here: the same.
 * - New. Esri: hot in the final slice and never hot before. Here: final hot, no other hot
 *   slice. DECISION: and no cold slice; a cold-then-hot location is oscillating, which says
 *   more, and Esri's sporadic rule (never cold) shows oscillating is meant to take every
 *   hot-now location with a cold past.
 * - Consecutive. Esri: a single uninterrupted run of at least two hot slices ending with the
 *   final slice, never hot before that run, and fewer than 90% of all slices hot. Here: the
 *   same, and no cold slice (as for new).
 * - Sporadic. Esri: hot in the final slice, on-again off-again hot before, fewer than 90% of
 *   slices hot and none cold. Here: final hot, < 90% hot, no cold slice, and an earlier hot
 *   slice separated from the final run by a slice that was not hot (otherwise it is new or
 *   consecutive).
 * - Historical. Esri: the most recent slice is not hot, but at least 90% of slices were.
 *   Here: final slice neither hot nor cold (see the side rule), ≥ 90% hot.
 * - No pattern: none of the above.
 *
 * "At least 90 percent" includes exactly 90% (9 of 10 slices), and is tested as
 * 10·hot ≥ 9·slices so that it is exact in whole numbers.
 */
export function classifyEmergingSeries(classes: readonly GiStarClass[], trend: Trend): EmergingClassification {
  const n = classes.length;
  if (n < EMERGING_MIN_SLICES) {
    throw new RangeError(`Emerging hot spot patterns need at least ${EMERGING_MIN_SLICES} time slices, but ${n} were given.`);
  }
  let hot = 0;
  let cold = 0;
  for (const c of classes) {
    if (isHot(c)) hot++;
    else if (isCold(c)) cold++;
  }
  const mostly = (count: number) => 10 * count >= 9 * n;
  const last = classes[n - 1] as GiStarClass;
  const side: EmergingSide | null = isHot(last) ? 'hot' : isCold(last) ? 'cold' : null;

  if (side === null) {
    if (mostly(hot)) return { pattern: 'historical', side: 'hot' };
    if (mostly(cold)) return { pattern: 'historical', side: 'cold' };
    return { pattern: 'no-pattern', side: null };
  }

  const onSide = side === 'hot' ? isHot : isCold;
  const same = side === 'hot' ? hot : cold;
  const opposite = side === 'hot' ? cold : hot;
  if (mostly(same)) {
    // For a cold spot, intensifying means z falling further below zero.
    const towards: Trend = side === 'hot' ? 'increasing' : 'decreasing';
    const away: Trend = side === 'hot' ? 'decreasing' : 'increasing';
    if (trend === towards) return { pattern: 'intensifying', side };
    if (trend === away) return { pattern: 'diminishing', side };
    return { pattern: 'persistent', side };
  }
  if (opposite > 0) return { pattern: 'oscillating', side };
  if (same === 1) return { pattern: 'new', side };
  let run = 0;
  for (let k = n - 1; k >= 0 && onSide(classes[k] as GiStarClass); k--) run++;
  // same ≥ 2 here, so a run holding every slice on this side is at least two long.
  if (run === same) return { pattern: 'consecutive', side };
  return { pattern: 'sporadic', side };
}

/** Plain-English name of a pattern for keys and tooltips, e.g. "Intensifying hot spot". */
export function emergingLabel({ pattern, side }: EmergingClassification): string {
  if (pattern === 'no-pattern' || side === null) return 'No pattern detected';
  return `${pattern.charAt(0).toUpperCase()}${pattern.slice(1)} ${side} spot`;
}

function isHot(c: GiStarClass): boolean {
  return c === 'hot-99' || c === 'hot-95' || c === 'hot-90';
}

function isCold(c: GiStarClass): boolean {
  return c === 'cold-99' || c === 'cold-95' || c === 'cold-90';
}

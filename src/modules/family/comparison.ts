/**
 * The partnership against its family, per indicator and period: the family average, the
 * partnership's rank, the spread of the members, and how the family moved between years.
 * Pure functions over figures already read, so every number can be checked by hand.
 *
 * The family average is the mean of the members' rates, as the Home Office's most similar
 * group average (iQuanta) is: each member counts once whatever its size, which is the
 * point of a family of similar places. A pooled rate (all members' offences over all their
 * residents) would let the two or three largest members set the benchmark.
 */
import { betaQuantile } from '../analysis/stats/distributions.ts';
import { compareWithBenchmark, type BenchmarkComparison, type Polarity } from '../analysis/stats/compare.ts';
import { rateInterval } from '../analysis/stats/intervals.ts';
import { periodKey, periodKind, periodLabel, type FamilyPeriod } from './period.ts';
import { quantile } from '../analysis/stats/quantile.ts';
import { wilsonInterval } from '../analysis/stats/intervals.ts';

export type FamilyFigure = {
  areaCode: string;
  indicator: string;
  period: FamilyPeriod;
  numerator: number;
  denominator: number;
  multiplier: number;
};

/** Where the partnership's own figure came from: loaded with the comparators, or computed by the indicators module. */
export type OwnSource = 'loaded' | 'indicators';

export type OwnFigure = { numerator: number; denominator: number; source: OwnSource };

export type Suppression = { suppress: boolean; threshold: number };

export type LabelledPeriod = FamilyPeriod & { label: string };

export type Spread = { min: number; lowerQuartile: number; median: number; upperQuartile: number; max: number };

export type MemberFigure = {
  code: string;
  name: string;
  /** null when the member has no figure for the period, or it is withheld (small number, outside the analyst role). */
  numerator: number | null;
  denominator: number | null;
  rate: number | null;
  suppressed: boolean;
};

export type OwnValue = {
  numerator: number | null;
  denominator: number;
  rate: number | null;
  /** 95% interval of the rate (Byar, exact Poisson below 10); null for a numerator that is not a whole count, or when withheld. */
  lower: number | null;
  upper: number | null;
  suppressed: boolean;
  source: OwnSource;
};

export type FamilyAverage = {
  /** Mean of the members' rates. */
  value: number;
  /** 95% confidence interval of that mean over the members (Student's t, n − 1 degrees of freedom); null with one member. */
  lower: number | null;
  upper: number | null;
  /** How many members' rates the mean is of. */
  members: number;
};

export type PeriodComparison = {
  period: LabelledPeriod;
  own: OwnValue | null;
  familyAverage: FamilyAverage | null;
  /** The partnership's place among itself and the members with a figure, 1 = lowest rate; null without an own rate. */
  rank: number | null;
  /** How many rates were ranked (the members with a figure, and the partnership). */
  rankedOf: number;
  spread: Spread | null;
  /** Fingertips-style: the own rate's 95% interval wholly above or below the family average. */
  comparison: BenchmarkComparison | null;
  members: MemberFigure[];
  /** Members left out of the average, rank and spread because their figure is withheld from this user. */
  withheld: number;
};

export type FamilyChange = {
  from: LabelledPeriod;
  to: LabelledPeriod;
  /** Members with a rate in both periods. */
  compared: number;
  up: number;
  down: number;
  unchanged: number;
  /** up / compared. */
  shareUp: number | null;
  /** Wilson 95% interval of that share: how sure "most of the family went up" is, with so few members. */
  shareUpInterval: { lower: number; upper: number } | null;
  /** Relative change of the partnership's own rate (0.12 = up 12%); null without both rates. */
  ownChange: number | null;
  familyAverageChange: number | null;
  statement: string;
};

export type IndicatorComparison = {
  code: string;
  label: string;
  multiplier: number;
  polarity: Polarity;
  /** Every period with a figure, oldest first. */
  periods: PeriodComparison[];
  /** The periods of the most common kind (calendar years, financial years, ...), oldest first: the time series. */
  trend: PeriodComparison[];
  latest: PeriodComparison | null;
  change: FamilyChange | null;
};

export const rateOf = (f: { numerator: number; denominator: number; multiplier: number }): number => (f.numerator / f.denominator) * f.multiplier;

export function spreadOf(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0]!, lowerQuartile: quantile(sorted, 0.25), median: quantile(sorted, 0.5), upperQuartile: quantile(sorted, 0.75), max: sorted[sorted.length - 1]! };
}

/** Two-sided Student's t critical value: P(|T| > t) = 1 − level, from the incomplete beta function. */
export function tCritical(degreesOfFreedom: number, level = 0.95): number {
  if (!(degreesOfFreedom > 0)) throw new RangeError('degrees of freedom must be positive');
  const x = betaQuantile(1 - level, degreesOfFreedom / 2, 0.5);
  return Math.sqrt((degreesOfFreedom * (1 - x)) / x);
}

export function familyAverageOf(rates: readonly number[]): FamilyAverage | null {
  const n = rates.length;
  if (n === 0) return null;
  const mean = rates.reduce((s, r) => s + r, 0) / n;
  if (n < 2) return { value: mean, lower: null, upper: null, members: n };
  const sd = Math.sqrt(rates.reduce((s, r) => s + (r - mean) ** 2, 0) / (n - 1));
  const half = (tCritical(n - 1) * sd) / Math.sqrt(n);
  return { value: mean, lower: mean - half, upper: mean + half, members: n };
}

/** 1 + the number of members with a strictly lower rate: ties share the better place, as in a league table. */
export function rankAmong(own: number, memberRates: readonly number[]): number {
  return 1 + memberRates.filter((r) => r < own).length;
}

const hidden = (numerator: number, s: Suppression) => s.suppress && numerator > 0 && numerator < s.threshold;

export function ownValueOf(figure: OwnFigure, multiplier: number, s: Suppression): OwnValue {
  if (hidden(figure.numerator, s)) {
    return { numerator: null, denominator: figure.denominator, rate: null, lower: null, upper: null, suppressed: true, source: figure.source };
  }
  const rate = rateOf({ ...figure, multiplier });
  const interval = Number.isInteger(figure.numerator) ? rateInterval(figure.numerator, figure.denominator, multiplier) : null;
  return {
    numerator: figure.numerator, denominator: figure.denominator, rate,
    lower: interval?.lower ?? null, upper: interval?.upper ?? null, suppressed: false, source: figure.source,
  };
}

export type ComparisonInput = {
  indicator: string;
  label: string;
  multiplier: number;
  polarity: Polarity;
  /** The family, in the order it is shown. */
  members: ReadonlyArray<{ code: string; name: string }>;
  /** Figures of this indicator for any area (others are ignored), all ages. */
  figures: readonly FamilyFigure[];
  /** The partnership's own figure per period key (periodKey). */
  own: ReadonlyMap<string, OwnFigure>;
  /** Periods to include even without member figures (those the partnership has a figure for). */
  suppression: Suppression;
  partnershipName: string;
};

/** One indicator: every period's comparison, the trend of the main period kind, and the latest change. */
export function compareIndicator(input: ComparisonInput): IndicatorComparison {
  const memberCodes = new Set(input.members.map((m) => m.code));
  const byPeriod = new Map<string, { period: FamilyPeriod; figures: Map<string, FamilyFigure> }>();
  const slot = (period: FamilyPeriod) => {
    const key = periodKey(period);
    let entry = byPeriod.get(key);
    if (!entry) byPeriod.set(key, entry = { period, figures: new Map() });
    return entry;
  };
  for (const f of input.figures) {
    if (f.indicator !== input.indicator || !memberCodes.has(f.areaCode)) continue;
    slot(f.period).figures.set(f.areaCode, f);
  }
  for (const key of input.own.keys()) {
    const [from, to] = key.split('..') as [string, string];
    slot({ from, to });
  }
  const periods = [...byPeriod.values()]
    .sort((a, b) => (a.period.from < b.period.from ? -1 : a.period.from > b.period.from ? 1 : a.period.to < b.period.to ? -1 : 1))
    .map(({ period, figures }) => comparePeriod(input, period, figures));
  const trend = mainKind(periods);
  const latest = [...trend].reverse().find((p) => p.familyAverage !== null || p.own !== null) ?? null;
  return {
    code: input.indicator, label: input.label, multiplier: input.multiplier, polarity: input.polarity,
    periods, trend, latest, change: changeOverLast(trend, input.label, input.partnershipName),
  };
}

function comparePeriod(input: ComparisonInput, period: FamilyPeriod, figures: Map<string, FamilyFigure>): PeriodComparison {
  const s = input.suppression;
  const members: MemberFigure[] = input.members.map((m) => {
    const f = figures.get(m.code);
    if (!f) return { code: m.code, name: m.name, numerator: null, denominator: null, rate: null, suppressed: false };
    if (hidden(f.numerator, s)) return { code: m.code, name: m.name, numerator: null, denominator: null, rate: null, suppressed: true };
    return { code: m.code, name: m.name, numerator: f.numerator, denominator: f.denominator, rate: rateOf(f), suppressed: false };
  });
  // A withheld member is left out of every family statistic shown to this user, so that
  // neither the average nor the minimum or maximum gives its rate away.
  const rates = members.filter((m) => m.rate !== null).map((m) => m.rate!);
  const ownFigure = input.own.get(periodKey(period));
  const own = ownFigure ? ownValueOf(ownFigure, input.multiplier, s) : null;
  const familyAverage = familyAverageOf(rates);
  const rank = own?.rate != null && rates.length > 0 ? rankAmong(own.rate, rates) : null;
  const comparison = own && own.lower !== null && own.upper !== null && familyAverage
    ? compareWithBenchmark(own.lower, own.upper, familyAverage.value, input.polarity)
    : null;
  return {
    period: { ...period, label: periodLabel(period) },
    own, familyAverage, rank, rankedOf: rates.length + (own?.rate != null ? 1 : 0), spread: spreadOf(rates), comparison, members,
    withheld: members.filter((m) => m.suppressed).length,
  };
}

/** The periods of the kind most of them are (ties: the kind with the latest period), so a series never mixes calendar and financial years. */
function mainKind(periods: readonly PeriodComparison[]): PeriodComparison[] {
  const kinds = new Map<string, PeriodComparison[]>();
  for (const p of periods) {
    const kind = periodKind(p.period);
    kinds.set(kind, [...(kinds.get(kind) ?? []), p]);
  }
  const best = [...kinds.values()].sort((a, b) => b.length - a.length || (a[a.length - 1]!.period.to < b[b.length - 1]!.period.to ? 1 : -1))[0];
  return best ?? [];
}

const percent = (x: number) => `${Math.round(Math.abs(x) * 100)}%`;

/**
 * How the family moved between the last two periods of the trend, in the Audit
 * Commission's words ("robberies rose in 65% of partnerships in the family"), and how the
 * partnership moved beside it.
 */
export function changeOverLast(trend: readonly PeriodComparison[], label: string, partnershipName: string): FamilyChange | null {
  if (trend.length < 2) return null;
  const before = trend[trend.length - 2]!;
  const after = trend[trend.length - 1]!;
  const rateBefore = new Map(before.members.filter((m) => m.rate !== null).map((m) => [m.code, m.rate!]));
  let up = 0;
  let down = 0;
  let unchanged = 0;
  for (const m of after.members) {
    const was = rateBefore.get(m.code);
    if (m.rate === null || was === undefined) continue;
    if (m.rate > was) up++;
    else if (m.rate < was) down++;
    else unchanged++;
  }
  const compared = up + down + unchanged;
  const ownChange = before.own?.rate && after.own?.rate != null ? after.own.rate / before.own.rate - 1 : null;
  const familyAverageChange = before.familyAverage && after.familyAverage && before.familyAverage.value > 0
    ? after.familyAverage.value / before.familyAverage.value - 1 : null;
  const parts: string[] = [];
  const interval = compared > 0 ? wilsonInterval(up, compared) : null;
  if (compared > 0) {
    parts.push(`${label} went up in ${up} of the ${compared} family member${compared === 1 ? '' : 's'} with figures for both (${percent(up / compared)}; 95% interval ${percent(interval!.lower)} to ${percent(interval!.upper)}) between ${before.period.label} and ${after.period.label}`);
  }
  if (familyAverageChange !== null) parts.push(`the family average ${describeChange(familyAverageChange)}`);
  if (ownChange !== null) parts.push(`in ${partnershipName} it ${describeChange(ownChange)}`);
  return {
    from: before.period, to: after.period, compared, up, down, unchanged, shareUp: compared > 0 ? up / compared : null,
    shareUpInterval: interval ? { lower: interval.lower, upper: interval.upper } : null,
    ownChange, familyAverageChange, statement: parts.length ? `${capitalise(parts.join('; '))}.` : '',
  };
}

function describeChange(change: number): string {
  if (Math.abs(change) < 0.005) return 'stayed the same';
  return `went ${change > 0 ? 'up' : 'down'} by ${percent(change)}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

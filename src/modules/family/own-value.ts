/**
 * The partnership's own figure for an indicator and period, beside its family's.
 *
 * First choice: figures loaded with the comparators under the partnership's own area
 * code(s) (a London borough loading the Met files finds itself among them). Otherwise the
 * indicators module computes it from the partnership's shared data.
 */
import type { Db } from '../../db/connection.ts';
import { systemActor } from '../../shared/authorization.ts';
import { monthsBetween } from '../analysis/filters.ts';
import { partnershipSeries, type PartnershipSeries } from '../indicators/indicators.service.ts';
import type { OwnFigure } from './comparison.ts';
import { periodKey, type FamilyPeriod } from './period.ts';

/** What the family comparison asks for: the partnership's numerator and denominator, or null when it has none. */
export type OwnValueSource = (indicatorCode: string, period: FamilyPeriod) => Promise<{ numerator: number; denominator: number } | null> | { numerator: number; denominator: number } | null;

/**
 * The partnership's own figure from its shared data, as the indicators module counts it:
 * whole (the family module suppresses what it shows), only for periods every counted
 * source covers, and never for a proxy (A&E attendances are not the family's admissions).
 * Each indicator's monthly series is read once and summed for every period asked.
 */
export function indicatorsOwnValue(db: Db, partnershipId: number): OwnValueSource {
  const counter = { ...systemActor(partnershipId, 'family comparison'), role: 'analyst' as const };
  let series: Promise<Map<string, PartnershipSeries>> | null = null;
  return async (indicatorCode, period) => {
    series ??= partnershipSeries(db, counter);
    const s = (await series).get(indicatorCode.toLowerCase());
    if (!s || s.proxy || !s.population) return null;
    const months = monthsBetween(period.from, period.to);
    if (months.length === 0 || !months.every((m) => s.covered.has(m))) return null;
    return { numerator: months.reduce((sum, m) => sum + (s.monthly.get(m) ?? 0), 0), denominator: s.population };
  };
}

/**
 * Own figures by indicator and period key: loaded figures for the own codes first (summed
 * when the partnership spans several authorities and all of them have the figure), then
 * the given source (the indicators module, or a test's) for the periods still missing.
 */
export async function resolveOwnFigures(
  loaded: ReadonlyArray<{ areaCode: string; indicator: string; period: FamilyPeriod; numerator: number; denominator: number }>,
  ownCodes: readonly string[],
  wanted: ReadonlyArray<{ indicator: string; period: FamilyPeriod }>,
  source: OwnValueSource | null,
): Promise<Map<string, Map<string, OwnFigure>>> {
  const result = new Map<string, Map<string, OwnFigure>>();
  const put = (indicator: string, key: string, figure: OwnFigure) => {
    let byPeriod = result.get(indicator);
    if (!byPeriod) result.set(indicator, byPeriod = new Map());
    byPeriod.set(key, figure);
  };
  const own = new Set(ownCodes);
  const sums = new Map<string, { indicator: string; key: string; numerator: number; denominator: number; codes: Set<string> }>();
  for (const f of loaded) {
    if (!own.has(f.areaCode)) continue;
    const key = periodKey(f.period);
    const id = `${f.indicator}|${key}`;
    const sum = sums.get(id) ?? { indicator: f.indicator, key, numerator: 0, denominator: 0, codes: new Set<string>() };
    sum.numerator += f.numerator;
    sum.denominator += f.denominator;
    sum.codes.add(f.areaCode);
    sums.set(id, sum);
  }
  for (const sum of sums.values()) {
    // A partial sum (one of two authorities) would understate the partnership: leave it to the other source.
    if (sum.codes.size === own.size) put(sum.indicator, sum.key, { numerator: sum.numerator, denominator: sum.denominator, source: 'loaded' });
  }
  if (source) {
    for (const w of wanted) {
      const key = periodKey(w.period);
      if (result.get(w.indicator)?.has(key)) continue;
      const value = await source(w.indicator, w.period);
      if (value && value.denominator > 0 && value.numerator >= 0) put(w.indicator, key, { ...value, source: 'indicators' });
    }
  }
  return result;
}

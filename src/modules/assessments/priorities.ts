/**
 * Recommended priorities: every category scored 1-5 on volume, trend, harm and public
 * concern, the four tests strategic assessments use, and the scores shown beside the
 * recommendation so a board can see why (and disagree). The rules are fixed and written
 * out on the page, not learned, so the same data always gives the same ranking.
 */
import type { Change } from '../analysis/overview.service.ts';

export type PriorityInput = {
  category: string;
  label: string;
  /** Incidents in the period (null when suppressed, which only happens to counts under the threshold). */
  count: number | null;
  change: Change | null;
  /** Cost to society in today's prices, or null when the category has no unit cost. */
  cost: number | null;
  /** 0-5 entered by the partnership from surveys, ward panels and casework, or undefined. */
  concern: number | undefined;
};

export type PriorityScore = {
  category: string;
  label: string;
  count: number | null;
  share: number;
  cost: number | null;
  costShare: number | null;
  volume: number;
  trend: number;
  harm: number;
  concern: number;
  concernEntered: boolean;
  total: number;
  recommended: boolean;
  reasons: { volume: string; trend: string; harm: string; concern: string };
};

/** A concern not yet entered counts as the middle of the scale, and says so. */
export const NEUTRAL_CONCERN = 3;
export const RECOMMENDED_COUNT = 3;

/** Score 5 at ≥ 20% of the whole, 4 at ≥ 10%, 3 at ≥ 5%, 2 at ≥ 2%, else 1. */
export function shareScore(share: number): number {
  if (share >= 0.2) return 5;
  if (share >= 0.1) return 4;
  if (share >= 0.05) return 3;
  if (share >= 0.02) return 2;
  return 1;
}

/**
 * 5: a rise unlikely to be chance of 10% or more; 4: any rise unlikely to be chance;
 * 3: no change beyond chance, or not comparable; 2: a fall unlikely to be chance; 1: such
 * a fall of 10% or more.
 */
export function trendScore(change: Change | null): number {
  if (!change || !change.significant) return 3;
  if (change.change >= 0.1) return 5;
  if (change.change > 0) return 4;
  if (change.change <= -0.1) return 1;
  return 2;
}

const percent = (v: number) => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`;
const pounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 });

export function scorePriorities(inputs: readonly PriorityInput[], recommended = RECOMMENDED_COUNT): PriorityScore[] {
  const total = inputs.reduce((s, i) => s + (i.count ?? 0), 0);
  const totalCost = inputs.reduce((s, i) => s + (i.cost ?? 0), 0);
  const scored = inputs.map((i): PriorityScore => {
    const share = total > 0 ? (i.count ?? 0) / total : 0;
    const costShare = i.cost !== null && totalCost > 0 ? i.cost / totalCost : null;
    const volume = shareScore(share);
    const trend = trendScore(i.change);
    const harm = costShare === null ? 1 : shareScore(costShare);
    const concernEntered = i.concern !== undefined;
    const concern = i.concern ?? NEUTRAL_CONCERN;
    return {
      category: i.category, label: i.label, count: i.count, share, cost: i.cost, costShare,
      volume, trend, harm, concern, concernEntered, total: volume + trend + harm + concern, recommended: false,
      reasons: {
        volume: i.count === null ? 'fewer than the suppression threshold' : `${percent(share)} of all incidents`,
        trend: i.change ? i.change.verdict : 'not compared: no data for the same months a year earlier',
        harm: costShare === null ? 'no Home Office unit cost for this category' : `${pounds.format(i.cost!)} (${percent(costShare)} of the costed harm)`,
        concern: concernEntered ? `entered as ${concern} of 5` : `not entered; counted as ${NEUTRAL_CONCERN} of 5`,
      },
    };
  });
  // Highest total first; ties go to the greater harm, then the greater volume, then the name.
  scored.sort((a, b) => b.total - a.total || b.harm - a.harm || (b.count ?? 0) - (a.count ?? 0) || a.label.localeCompare(b.label));
  scored.forEach((s, k) => { s.recommended = k < recommended && (s.count ?? 0) > 0; });
  return scored;
}

/**
 * The arithmetic of costs, kept free of the database so that it can be checked by hand:
 * a count of incidents × the shares of its rule × each cost category's unit cost, split
 * between agencies (agencies.ts), and the costs avoided by a reduction.
 */
import type { SourceKind } from '../../db/schema.ts';
import { ALLOCATION_KEYS, allocateUnitCost, type AllocationKey } from './agencies.ts';
import { findRule, type CostRule, type Treatment } from './cost-rules.ts';
import { inTodaysPrices } from './inflation.ts';
import {
  COMPONENT_KEYS, PUBLISHED_UNIT_COSTS, SOURCES, type CostCategory, type CostComponent, type PublishedUnitCost, type SourcedFigure,
} from './unit-costs.data.ts';

/** A partnership's own figures for a cost category, replacing the published ones. */
export type UnitCostOverride = { total: number | null; components: Partial<Record<CostComponent, number>>; source: string };

/** A unit cost as a partnership uses it (2015/16 prices): published, or its own. */
export type ResolvedUnitCost = {
  key: CostCategory;
  label: string;
  victim: PublishedUnitCost['victim'];
  /** Cost per crime; null when neither the published table nor the partnership has a figure. */
  total: number | null;
  components: Partial<Record<CostComponent, number>>;
  origin: 'published' | 'partnership';
  /** Where the total was read, in words. */
  source: string;
  sourceUrl: string | null;
  rounded: boolean;
  /** What is missing or doubtful, in words. */
  notes: string[];
  /** The total split between agencies; null without a total. */
  allocation: Record<AllocationKey, number> | null;
  published: PublishedUnitCost;
};

function citation(figure: SourcedFigure | null): { source: string; url: string | null } {
  if (!figure) return { source: 'Not verified', url: null };
  const s = SOURCES[figure.source];
  return { source: `${s.title}: “${figure.quote}”`, url: s.url };
}

export function resolveUnitCost(published: PublishedUnitCost, override: UnitCostOverride | undefined): ResolvedUnitCost {
  if (override) {
    return {
      key: published.key, label: published.label, victim: published.victim, total: override.total, components: override.components,
      origin: 'partnership', source: `Entered by the partnership: ${override.source}`, sourceUrl: null, rounded: false, notes: [],
      allocation: override.total === null ? null : allocateUnitCost({ total: override.total, components: override.components }), published,
    };
  }
  const components: Partial<Record<CostComponent, number>> = {};
  for (const key of COMPONENT_KEYS) {
    const figure = published.components[key];
    if (figure) components[key] = figure.value;
  }
  const total = published.total?.value ?? null;
  const { source, url } = citation(published.total);
  return {
    key: published.key, label: published.label, victim: published.victim, total, components, origin: 'published', source, sourceUrl: url,
    rounded: published.total?.precision === 'rounded', notes: [published.total?.note, published.gap].filter((n): n is string => !!n),
    allocation: total === null ? null : allocateUnitCost({ total, components }), published,
  };
}

export function resolveUnitCosts(overrides: ReadonlyMap<string, UnitCostOverride>): Map<CostCategory, ResolvedUnitCost> {
  return new Map(PUBLISHED_UNIT_COSTS.map((p) => [p.key, resolveUnitCost(p, overrides.get(p.key))]));
}

/** One group of the analysis counts: incidents of one source kind and category (optionally in one area). */
export type CountInput = { sourceKind: SourceKind; sourceCategory: string; category: string; n: number; areaId?: number | null };

export type CostedPart = {
  costCategory: CostCategory;
  share: number;
  /** Incidents × share: the crimes of this cost category the incidents are taken to be. */
  crimes: number;
  unit: number | null;
  /** 2015/16 prices; null without a unit cost. */
  cost: number | null;
};

export type CostedRow = {
  input: CountInput;
  rule: CostRule | null;
  treatment: Treatment;
  parts: CostedPart[];
  /** 2015/16 prices, the parts with a unit cost. */
  cost: number;
  /** The share of the incidents that has a unit cost (0 to 1). */
  costedShare: number;
  byAgency: Record<AllocationKey, number>;
};

export function emptyAllocation(): Record<AllocationKey, number> {
  return Object.fromEntries(ALLOCATION_KEYS.map((k) => [k, 0])) as Record<AllocationKey, number>;
}

/** Costs one group of counts by its rule. */
export function costRow(input: CountInput, rules: ReadonlyMap<string, CostRule>, units: ReadonlyMap<CostCategory, ResolvedUnitCost>): CostedRow {
  const rule = findRule(rules, input);
  const byAgency = emptyAllocation();
  let cost = 0;
  let costedShare = 0;
  const parts = (rule?.mix ?? []).map((m): CostedPart => {
    const unit = units.get(m.costCategory);
    const crimes = input.n * m.share;
    if (!unit || unit.total === null || !unit.allocation) return { costCategory: m.costCategory, share: m.share, crimes, unit: null, cost: null };
    for (const key of ALLOCATION_KEYS) byAgency[key] += crimes * unit.allocation[key];
    cost += crimes * unit.total;
    costedShare += m.share;
    return { costCategory: m.costCategory, share: m.share, crimes, unit: unit.total, cost: crimes * unit.total };
  });
  return { input, rule, treatment: rule?.treatment ?? 'total', parts, cost, costedShare, byAgency };
}

/** Sums of a set of costed rows. */
export type CostSum = {
  incidents: number;
  /** Incidents at least part of which has a unit cost: the count a cost is built on. */
  costedIncidents: number;
  cost: number;
  byAgency: Record<AllocationKey, number>;
};

export function sumCosts(rows: readonly CostedRow[]): CostSum {
  const out: CostSum = { incidents: 0, costedIncidents: 0, cost: 0, byAgency: emptyAllocation() };
  for (const r of rows) {
    out.incidents += r.input.n;
    if (r.costedShare > 0) out.costedIncidents += r.input.n;
    out.cost += r.cost;
    for (const key of ALLOCATION_KEYS) out.byAgency[key] += r.byAgency[key];
  }
  return out;
}

/** Crimes of one cost category the rows are taken to hold, and the incidents behind them. */
export function crimesOf(rows: readonly CostedRow[], category: CostCategory): { crimes: number; incidents: number } {
  let crimes = 0;
  let incidents = 0;
  for (const r of rows) {
    const part = r.parts.find((p) => p.costCategory === category);
    if (!part) continue;
    crimes += part.crimes;
    incidents += r.input.n;
  }
  return { crimes, incidents };
}

export type AvoidedLine = { key: AllocationKey; base: number; today: number | null };
export type Avoided = {
  /** Crimes in the baseline × the reduction. */
  crimesAvoided: number;
  unit: number;
  total: { base: number; today: number | null };
  byAgency: AvoidedLine[];
};

/**
 * What a reduction would save: crimes avoided (baseline × reduction) × the unit cost, split
 * as the unit cost is. `reduction` is a fraction (0.1 for 10%).
 */
export function costsAvoided(input: { crimes: number; reduction: number; unit: ResolvedUnitCost; factor: number | null }): Avoided | null {
  if (input.unit.total === null || !input.unit.allocation) return null;
  if (!(input.reduction >= 0 && input.reduction <= 1)) throw new RangeError('A reduction is between 0% and 100%');
  const crimesAvoided = input.crimes * input.reduction;
  const base = crimesAvoided * input.unit.total;
  return {
    crimesAvoided, unit: input.unit.total,
    total: { base, today: inTodaysPrices(base, input.factor) },
    byAgency: ALLOCATION_KEYS.map((key) => {
      const value = crimesAvoided * input.unit.allocation![key];
      return { key, base: value, today: inTodaysPrices(value, input.factor) };
    }),
  };
}

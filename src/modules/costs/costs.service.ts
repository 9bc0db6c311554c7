/**
 * The cost of crime and violence to each agency, and the costs avoided by a reduction.
 *
 * For other modules (the strategic assessment generator calls these):
 *
 * - `costOfCrime(db, actor, { from, to, area?, level? }): Promise<CostsView>`: the costs of
 *   the incidents in a period (YYYY-MM months, inclusive) and, optionally, areas
 *   (["ward:E05…"]). `CostsView.byCategory` gives each partnership category's incidents
 *   and cost (`cost.base` in 2015/16 prices, `cost.today` in today's prices or null when
 *   the partnership has set no inflation index); `byCostCategory` the Home Office cost
 *   categories with estimated crimes and unit costs; `byAgency` the split between NHS,
 *   police, criminal justice, victims, wider society and "not split"; `byArea` each area of
 *   `level` (wards by default). Figures are suppressed (null) as for the actor's role.
 * - `unitCostFor(db, actor, costCategory): Promise<UnitCostFor>`: one Home Office cost
 *   category's unit cost as the partnership uses it, in both price bases, with its split.
 * - `calculateCostsAvoided(db, ws, { category, reduction })`: what a fall would save.
 */
import type { Db } from '../../db/connection.ts';
import { requireAccess, type Actor } from '../../shared/authorization.ts';
import { LanternError, notFoundOrNoAccess } from '../../shared/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import * as analysisRepo from '../analysis/analysis.repository.ts';
import { parseFilters, type AreaLevel } from '../analysis/filters.ts';
import { AREA_LEVEL_COLUMN, defaultAreaLevel } from '../analysis/overview.service.ts';
import { missingMonths, openWorkspace, showCount, showCounts, type Shown, type Workspace } from '../analysis/workspace.ts';
import { ALLOCATION_KEYS, ALLOCATION_LABELS, allocateUnitCost, type AllocationKey } from './agencies.ts';
import { DEFAULT_COST_RULES, isRuleKey, mixProblems, ruleLabel, type CostRule, type MixPart, type Treatment } from './cost-rules.ts';
import {
  costRow, costsAvoided, crimesOf, resolveUnitCosts, sumCosts,
  type Avoided, type CostedRow, type CountInput, type ResolvedUnitCost, type UnitCostOverride,
} from './costing.ts';
import { listCategories } from '../partnerships/partnership.repository.ts';
import * as repo from './costs.repository.ts';
import type { TCostRuleForm, TInflationForm, TUnitCostForm } from './costs.schema.ts';
import { inflationFactor, inTodaysPrices, type InflationIndex } from './inflation.ts';
import { COMPONENT_KEYS, COST_CATEGORY_KEYS, isCostCategory, PRICE_BASE, type CostCategory, type CostComponent } from './unit-costs.data.ts';

// ---- The partnership's cost model --------------------------------------------------------

export type RuleInUse = CostRule & { label: string; origin: 'default' | 'partnership'; updatedBy: string | null; updatedAt: Date | null; isDefault: boolean };

export type CostModel = {
  unitCosts: ResolvedUnitCost[];
  units: Map<CostCategory, ResolvedUnitCost>;
  rules: RuleInUse[];
  ruleMap: Map<string, CostRule>;
  inflation: { index: InflationIndex | null; factor: number | null; updatedBy: string | null; updatedAt: Date | null };
  /** Who last changed each of the partnership's own unit costs. */
  overrides: Map<string, { updatedBy: string; updatedAt: Date }>;
};

function parseComponents(value: unknown): Partial<Record<CostComponent, number>> {
  const out: Partial<Record<CostComponent, number>> = {};
  if (!value || typeof value !== 'object') return out;
  for (const key of COMPONENT_KEYS) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
  }
  return out;
}

function parseMix(value: unknown): MixPart[] {
  if (!Array.isArray(value)) return [];
  return value.filter((p): p is MixPart => !!p && typeof p === 'object' && isCostCategory(String((p as MixPart).costCategory)) && typeof (p as MixPart).share === 'number');
}

async function loadCostModel(db: Db, partnershipId: number): Promise<CostModel> {
  const [settings, overrideRows, ruleRows, categories] = await Promise.all([
    repo.findCostSettings(db, partnershipId), repo.listUnitOverrides(db, partnershipId), repo.listCostRules(db, partnershipId), listCategories(db, partnershipId),
  ]);
  const categoryLabels = new Map(categories.map((c) => [c.code, c.label]));
  const overrides = new Map<string, UnitCostOverride>(overrideRows.map((r) => [r.cost_category, { total: r.total, components: parseComponents(r.components), source: r.source }]));
  const units = resolveUnitCosts(overrides);
  const own = new Map(ruleRows.map((r) => [r.rule_key, r]));
  // A partnership's own categories have a rule too (not costed until it sets one), so that every incident type can be costed.
  const builtIn = [
    ...DEFAULT_COST_RULES,
    ...categories.filter((c) => !DEFAULT_COST_RULES.some((r) => r.key === `category:${c.code}`)).map((c): CostRule => ({
      key: `category:${c.code}`, mix: [], treatment: 'note', basis: 'Not costed: this is the partnership\'s own category, with no rule yet. Set one to cost it.',
    })),
  ];
  const defaults = new Set(builtIn.map((r) => r.key));
  const rules: RuleInUse[] = [
    ...builtIn.map((d) => {
      const o = own.get(d.key);
      return o
        ? { key: d.key, mix: parseMix(o.mix), treatment: o.treatment, basis: o.basis, origin: 'partnership' as const, updatedBy: o.updated_by, updatedAt: o.updated_at }
        : { ...d, origin: 'default' as const, updatedBy: null, updatedAt: null };
    }),
    ...ruleRows.filter((r) => !defaults.has(r.rule_key)).map((o) => ({
      key: o.rule_key, mix: parseMix(o.mix), treatment: o.treatment, basis: o.basis, origin: 'partnership' as const, updatedBy: o.updated_by, updatedAt: o.updated_at,
    })),
  ].map((r) => ({ ...r, label: ruleLabel(r.key, categoryLabels), isDefault: defaults.has(r.key) }));
  const index: InflationIndex | null = settings?.index_base && settings.index_current
    ? { base: settings.index_base, current: settings.index_current, currentLabel: settings.index_current_label ?? '', source: settings.index_source ?? '' }
    : null;
  return {
    unitCosts: COST_CATEGORY_KEYS.map((k) => units.get(k)!), units, rules, ruleMap: new Map(rules.map((r) => [r.key, r])),
    inflation: { index, factor: inflationFactor(index), updatedBy: settings?.updated_by ?? null, updatedAt: settings?.updated_at ?? null },
    overrides: new Map(overrideRows.map((r) => [r.cost_category, { updatedBy: r.updated_by, updatedAt: r.updated_at }])),
  };
}

/** The unit costs, mapping rules and inflation index in use, for the unit costs page. */
export async function getCostModel(db: Db, actor: Actor): Promise<CostModel> {
  const partnershipId = requireAccess(actor, 'overview:read', actor.partnershipId);
  return loadCostModel(db, partnershipId);
}

// ---- Costs of the incidents in the workspace --------------------------------------------

/** An amount in 2015/16 prices and in today's prices; null when suppressed or (today) without an index. */
export type Money = { base: number | null; today: number | null };

export type CostRuleRow = {
  key: string; label: string; treatment: Treatment; incidents: Shown; costedShare: number; cost: Money;
  /** The mix in words, with each unit cost. */
  mix: string; basis: string; origin: 'default' | 'partnership';
};

export type CostsView = {
  partnership: { slug: string; name: string };
  period: { from: string; to: string };
  priceBase: typeof PRICE_BASE;
  prices: { factor: number | null; label: string | null; source: string | null };
  suppression: { applied: boolean; threshold: number };
  total: { incidents: Shown; costedIncidents: Shown; cost: Money };
  byAgency: Array<{ key: AllocationKey; label: string; cost: Money; share: number | null }>;
  /** Incident types counted in the total, each with the rule it is costed by. */
  byRule: CostRuleRow[];
  byCostCategory: Array<{
    key: CostCategory; label: string; crimes: number | null; incidents: Shown; unit: Money; cost: Money;
    origin: 'published' | 'partnership'; rounded: boolean; verified: boolean;
  }>;
  /** Partnership categories: what the strategic assessment scores harm by. */
  byCategory: Array<{ key: string; label: string; incidents: Shown; costedIncidents: Shown; cost: Money; costPerIncident: Money }>;
  byArea: { level: AreaLevel; rows: Array<{ type: string; code: string; name: string; costedIncidents: Shown; cost: Money }>; unplaced: Shown };
  /** Shown beside the total, never added to it (A&E attendances, other agencies' lists). */
  besideTotal: { rows: CostRuleRow[]; incidents: Shown; cost: Money };
  missing: Array<{ source: string; months: string[] }>;
  notes: string[];
};

const pounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 });

/** A rule's mix in words: "25% violence with injury (£14,050 each); 35% violence without injury (no verified unit cost); 40% not costed". */
export function mixInWords(mix: readonly MixPart[], units: ReadonlyMap<CostCategory, ResolvedUnitCost>): string {
  if (mix.length === 0) return 'Not costed';
  const parts = mix.map((m) => {
    const unit = units.get(m.costCategory)!;
    const pct = `${Number((m.share * 100).toFixed(1))}%`;
    return `${pct} ${unit.label.toLowerCase()} (${unit.total === null ? 'no verified unit cost' : `${pounds.format(unit.total)} each`})`;
  });
  const rest = 1 - mix.reduce((s, m) => s + m.share, 0);
  if (rest > 1e-9) parts.push(`${Number((rest * 100).toFixed(1))}% not costed`);
  return parts.join('; ');
}

function sourceKindOf(ws: Workspace): Map<number, Workspace['sources'][number]['kind']> {
  return new Map(ws.sources.map((s) => [s.id, s.kind]));
}

function toInputs(ws: Workspace, rows: analysisRepo.CountRow[], areaOf?: (r: analysisRepo.CountRow) => number | null): CountInput[] {
  const kinds = sourceKindOf(ws);
  return rows.map((r) => ({
    sourceKind: kinds.get(Number(r.source_id))!, sourceCategory: String(r.source_category), category: String(r.category), n: r.n,
    areaId: areaOf ? areaOf(r) : null,
  })).filter((r) => r.sourceKind !== undefined);
}

/** Counts by source, source category and category, and by area of a level (MSOAs and neighbourhoods from their LSOAs). */
async function countInputs(db: Db, ws: Workspace, level: AreaLevel): Promise<{ all: CountInput[]; byArea: CountInput[] }> {
  const base = ['source_id', 'source_category', 'category'] as const;
  const all = toInputs(ws, await analysisRepo.countBy(db, ws.scope, base));
  if (level !== 'msoa21' && level !== 'neighbourhood') {
    const column = AREA_LEVEL_COLUMN[level];
    const rows = await analysisRepo.countBy(db, ws.scope, [...base, column]);
    return { all, byArea: toInputs(ws, rows.filter((r) => r[column] !== null && r[column] !== undefined), (r) => Number(r[column])) };
  }
  const [by11, by21] = await Promise.all([analysisRepo.countBy(db, ws.scope, [...base, 'lsoa11_id']), analysisRepo.countBy(db, ws.scope, [...base, 'lsoa21_id'])]);
  const byArea: CountInput[] = [];
  for (const area of ws.areas.filter((a) => a.type === level)) {
    // As the overview does: the vintage the area is defined in, never both (an incident has both codes).
    const [ids, rows, column] = area.lsoa21Ids.length ? [new Set(area.lsoa21Ids), by21, 'lsoa21_id' as const] : [new Set(area.lsoa11Ids), by11, 'lsoa11_id' as const];
    byArea.push(...toInputs(ws, rows.filter((r) => ids.has(Number(r[column]))), () => area.id));
  }
  return { all, byArea };
}

function money(base: number | null, factor: number | null): Money {
  return { base, today: inTodaysPrices(base, factor) };
}

/** Groups costed rows by a key, keeping first-seen order. */
function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/**
 * The costs of the workspace's incidents. Suppression follows the workspace: a cost is
 * withheld wherever the count it is built on is (counts 1 to threshold − 1, and one more
 * in a table where needed so that none can be worked out from the total).
 */
export async function getCostsView(db: Db, ws: Workspace, level: AreaLevel = defaultAreaLevel(ws)): Promise<CostsView> {
  requireAccess(ws.actor, 'overview:read', ws.partnership.id);
  const categoryLabels = new Map(ws.categories.map((c) => [c.code, c.label]));
  const [model, counts, missing] = await Promise.all([loadCostModel(db, ws.partnership.id), countInputs(db, ws, level), missingMonths(db, ws)]);
  const { units, ruleMap } = model;
  const factor = model.inflation.factor;
  const costed = counts.all.map((c) => costRow(c, ruleMap, units));
  const inTotal = costed.filter((r) => r.treatment === 'total');
  const beside = costed.filter((r) => r.treatment === 'note');
  const sum = sumCosts(inTotal);

  // Totals: the incidents, and the costed ones the cost is built on.
  const [totalIncidents] = showCounts(ws, [sum.incidents]);
  const costedShown = showCount(ws, sum.costedIncidents);
  const totalCost = costedShown === null ? null : sum.cost;

  const ruleRows = (rows: CostedRow[]): CostRuleRow[] => {
    const groups = [...groupBy(rows, (r) => r.rule?.key ?? `none:${r.input.sourceKind}:${r.input.sourceCategory}`)];
    const sums = groups.map(([, g]) => sumCosts(g));
    const shown = showCounts(ws, sums.map((s) => s.incidents));
    return groups.map(([key, g], i) => {
      const rule = g[0]!.rule;
      const inUse = rule ? model.rules.find((r) => r.key === rule.key) : undefined;
      const costedShare = sums[i]!.incidents ? g.reduce((s, r) => s + r.costedShare * r.input.n, 0) / sums[i]!.incidents : 0;
      return {
        key, label: rule ? ruleLabel(rule.key, categoryLabels) : `${g[0]!.input.sourceCategory} (no rule)`, treatment: g[0]!.treatment, incidents: shown[i]!, costedShare,
        cost: money(shown[i] === null ? null : sums[i]!.cost, factor),
        mix: rule ? mixInWords(rule.mix, units) : 'Not costed', basis: rule?.basis ?? 'Not costed: no rule covers this category. Add one on the unit costs page.',
        origin: inUse?.origin ?? 'default',
      };
    }).sort((a, b) => (b.cost.base ?? -1) - (a.cost.base ?? -1) || a.label.localeCompare(b.label));
  };

  const categoryParts = COST_CATEGORY_KEYS.map((key) => ({ key, ...crimesOf(inTotal, key) })).filter((c) => c.incidents > 0);
  const categoryShown = showCounts(ws, categoryParts.map((c) => c.incidents));
  const byCostCategory = categoryParts.map((c, i) => {
    const unit = units.get(c.key)!;
    const visible = categoryShown[i] !== null;
    const cost = visible && unit.total !== null ? c.crimes * unit.total : null;
    return {
      key: c.key, label: unit.label, crimes: visible ? c.crimes : null, incidents: categoryShown[i]!, unit: money(unit.total, factor), cost: money(cost, factor),
      origin: unit.origin, rounded: unit.rounded, verified: unit.total !== null,
    };
  });

  const byCategoryGroups = ws.categories.map((c) => ({ c, s: sumCosts(inTotal.filter((r) => r.input.category === c.code)) })).filter((g) => g.s.incidents > 0);
  const catIncidents = showCounts(ws, byCategoryGroups.map((g) => g.s.incidents));
  const catCosted = showCounts(ws, byCategoryGroups.map((g) => g.s.costedIncidents));
  const byCategory = byCategoryGroups.map((g, i) => {
    const cost = catCosted[i] === null ? null : g.s.cost;
    return {
      key: g.c.code, label: g.c.label, incidents: catIncidents[i]!, costedIncidents: catCosted[i]!, cost: money(cost, factor),
      costPerIncident: money(cost !== null && g.s.incidents > 0 ? cost / g.s.incidents : null, factor),
    };
  });

  const areaCosted = counts.byArea.map((c) => costRow(c, ruleMap, units)).filter((r) => r.treatment === 'total');
  const areas = ws.areas.filter((a) => a.type === level);
  const areaSums = areas.map((a) => sumCosts(areaCosted.filter((r) => r.input.areaId === a.id)));
  const areaShown = showCounts(ws, areaSums.map((s) => s.costedIncidents));
  const placed = areaSums.reduce((s, a) => s + a.costedIncidents, 0);
  // MSOAs and neighbourhoods need not cover every LSOA, so "not in any area" is only said of the stored levels.
  const unplaced = level === 'msoa21' || level === 'neighbourhood' ? null : showCount(ws, Math.max(0, sum.costedIncidents - placed));

  const besideSum = sumCosts(beside);
  const besideShown = showCount(ws, besideSum.incidents);

  const notes = [...ws.notes];
  if (factor === null) notes.push(`Costs are in ${PRICE_BASE} prices only: no inflation index has been entered for this partnership, so today's prices are not shown. Enter the GDP deflator values on the unit costs page.`);

  return {
    partnership: { slug: ws.partnership.slug, name: ws.partnership.name },
    period: { from: ws.filters.from, to: ws.filters.to },
    priceBase: PRICE_BASE,
    prices: { factor, label: model.inflation.index?.currentLabel ?? null, source: model.inflation.index?.source ?? null },
    suppression: { applied: ws.suppress, threshold: ws.threshold },
    total: { incidents: totalIncidents!, costedIncidents: costedShown, cost: money(totalCost, factor) },
    byAgency: ALLOCATION_KEYS.map((key) => {
      const value = totalCost === null ? null : sum.byAgency[key];
      return { key, label: ALLOCATION_LABELS[key], cost: money(value, factor), share: value !== null && sum.cost > 0 ? value / sum.cost : null };
    }),
    byRule: ruleRows(inTotal),
    byCostCategory,
    byCategory,
    byArea: {
      level,
      rows: areas.map((a, i) => ({ type: a.type, code: a.code, name: a.name, costedIncidents: areaShown[i]!, cost: money(areaShown[i] === null ? null : areaSums[i]!.cost, factor) })),
      unplaced,
    },
    besideTotal: { rows: ruleRows(beside), incidents: besideShown, cost: money(besideShown === null ? null : besideSum.cost, factor) },
    missing, notes,
  };
}

/** `costOfCrime` for other modules: opens the workspace for the period and areas, then costs it. */
export async function costOfCrime(db: Db, actor: Actor, input: { from: string; to: string; area?: string | string[]; level?: AreaLevel }): Promise<CostsView> {
  requireAccess(actor, 'overview:read', actor.partnershipId);
  const ws = await openWorkspace(db, actor, parseFilters({ from: input.from, to: input.to, area: input.area ?? [] }));
  return getCostsView(db, ws, input.level);
}

export type UnitCostFor = ResolvedUnitCost & {
  today: number | null;
  factor: number | null;
  byAgency: Array<{ key: AllocationKey; label: string; base: number; today: number | null }> | null;
};

/** One Home Office cost category's unit cost as the partnership uses it, in both price bases. */
export async function unitCostFor(db: Db, actor: Actor, category: CostCategory): Promise<UnitCostFor> {
  const partnershipId = requireAccess(actor, 'overview:read', actor.partnershipId);
  if (!isCostCategory(category)) throw new LanternError('invalid-input', `There is no Home Office cost category "${String(category)}". Choose from: ${COST_CATEGORY_KEYS.join(', ')}.`);
  const model = await loadCostModel(db, partnershipId);
  const unit = model.units.get(category)!;
  const factor = model.inflation.factor;
  return {
    ...unit, today: inTodaysPrices(unit.total, factor), factor,
    byAgency: unit.allocation ? ALLOCATION_KEYS.map((key) => ({ key, label: ALLOCATION_LABELS[key], base: unit.allocation![key], today: inTodaysPrices(unit.allocation![key], factor) })) : null,
  };
}

// ---- The costs-avoided calculator --------------------------------------------------------

export type AvoidedView = {
  category: CostCategory;
  label: string;
  reduction: number;
  unit: ResolvedUnitCost;
  factor: number | null;
  priceLabel: string | null;
  priceSource: string | null;
  baseline: { crimes: number | null; incidents: Shown };
  /** The rules the baseline rests on, with their basis. */
  basis: Array<{ label: string; mix: string; basis: string }>;
  /** null when withheld (small numbers), or when the category has no unit cost. */
  result: (Avoided & { byAgency: Array<Avoided['byAgency'][number] & { label: string }> }) | null;
  withheld: boolean;
};

/** What a fall of `reduction` per cent in one cost category, in the workspace's areas and period, would save each agency. */
export async function calculateCostsAvoided(db: Db, ws: Workspace, input: { category: CostCategory; reduction: number }): Promise<AvoidedView> {
  requireAccess(ws.actor, 'overview:read', ws.partnership.id);
  const model = await loadCostModel(db, ws.partnership.id);
  const rows = toInputs(ws, await analysisRepo.countBy(db, ws.scope, ['source_id', 'source_category', 'category']))
    .map((c) => costRow(c, model.ruleMap, model.units)).filter((r) => r.treatment === 'total');
  const { crimes, incidents } = crimesOf(rows, input.category);
  const shownIncidents = showCount(ws, incidents);
  const unit = model.units.get(input.category)!;
  const factor = model.inflation.factor;
  const withheld = shownIncidents === null;
  const avoided = withheld ? null : costsAvoided({ crimes, reduction: input.reduction / 100, unit, factor });
  const contributing = [...new Map(rows.filter((r) => r.parts.some((p) => p.costCategory === input.category) && r.rule).map((r) => [r.rule!.key, r.rule!])).values()];
  const categoryLabels = new Map(ws.categories.map((c) => [c.code, c.label]));
  return {
    category: input.category, label: unit.label, reduction: input.reduction, unit, factor, priceLabel: model.inflation.index?.currentLabel ?? null, priceSource: model.inflation.index?.source ?? null,
    baseline: { crimes: withheld ? null : crimes, incidents: shownIncidents },
    basis: contributing.map((r) => ({ label: ruleLabel(r.key, categoryLabels), mix: mixInWords(r.mix, model.units), basis: r.basis })),
    result: avoided ? { ...avoided, byAgency: avoided.byAgency.map((l) => ({ ...l, label: ALLOCATION_LABELS[l.key] })) } : null,
    withheld,
  };
}

// ---- Editing (indicators:manage), every change audited in its transaction ----------------

function unitSnapshot(unit: ResolvedUnitCost) {
  return { total: unit.total, components: unit.components, origin: unit.origin, source: unit.source };
}

/** Saves the partnership's own figures for one cost category (2015/16 prices). */
export async function saveUnitCost(db: Db, actor: Actor, category: string, form: TUnitCostForm): Promise<void> {
  const partnershipId = requireAccess(actor, 'indicators:manage', actor.partnershipId);
  if (!isCostCategory(category)) throw notFoundOrNoAccess();
  const components: Partial<Record<CostComponent, number>> = {};
  for (const key of COMPONENT_KEYS) if (form[key] !== undefined) components[key] = form[key];
  const total = form.total ?? null;
  if (total === null && Object.keys(components).length > 0) {
    throw new LanternError('invalid-input', 'Enter the unit cost (the total per crime) as well as its components.');
  }
  if (total !== null) {
    try {
      allocateUnitCost({ total, components });
    } catch (error) {
      throw new LanternError('invalid-input', `${(error as Error).message}. Check the figures against the report: the components cannot add up to more than the total.`);
    }
  }
  const before = (await loadCostModel(db, partnershipId)).units.get(category)!;
  await db.transaction().execute(async (tx) => {
    await repo.saveUnitOverride(tx, partnershipId, { cost_category: category, total, components: components as Record<string, number>, source: form.source, updated_by: actor.label });
    await recordAudit(tx, actor, {
      action: 'costs.unit-cost.update', recordType: 'unit-cost', recordId: category,
      detail: { before: unitSnapshot(before), after: { total, components, source: form.source } },
    });
  });
}

/** Goes back to the published figures for one cost category. */
export async function restoreUnitCost(db: Db, actor: Actor, category: string): Promise<void> {
  const partnershipId = requireAccess(actor, 'indicators:manage', actor.partnershipId);
  if (!isCostCategory(category)) throw notFoundOrNoAccess();
  const before = (await loadCostModel(db, partnershipId)).units.get(category)!;
  await db.transaction().execute(async (tx) => {
    if (!(await repo.deleteUnitOverride(tx, partnershipId, category))) return;
    await recordAudit(tx, actor, { action: 'costs.unit-cost.restore', recordType: 'unit-cost', recordId: category, detail: { before: unitSnapshot(before) } });
  });
}

/** The mix a rule form describes: shares entered as percentages, blanks and zeros left out. */
export function mixFromForm(form: TCostRuleForm): MixPart[] {
  const values = form as unknown as Record<string, number | undefined>;
  return COST_CATEGORY_KEYS.map((k) => ({ costCategory: k, share: (values[`share_${k}`] ?? 0) / 100 })).filter((p) => p.share > 0);
}

/** Saves the partnership's own rule for one incident type: its mix, treatment and basis. */
export async function saveCostRule(db: Db, actor: Actor, form: TCostRuleForm): Promise<void> {
  const partnershipId = requireAccess(actor, 'indicators:manage', actor.partnershipId);
  if (!isRuleKey(form.key)) throw new LanternError('invalid-input', `"${form.key}" is not a rule Lantern knows.`);
  const mix = mixFromForm(form);
  const problems = mixProblems(mix);
  if (problems.length) throw new LanternError('invalid-input', problems.join(' '));
  const before = (await loadCostModel(db, partnershipId)).rules.find((r) => r.key === form.key);
  await db.transaction().execute(async (tx) => {
    await repo.saveCostRule(tx, partnershipId, { rule_key: form.key, mix, treatment: form.treatment, basis: form.basis, updated_by: actor.label });
    await recordAudit(tx, actor, {
      action: 'costs.rule.update', recordType: 'cost-rule', recordId: form.key,
      detail: { before: before ? { mix: before.mix, treatment: before.treatment, basis: before.basis, origin: before.origin } : null, after: { mix, treatment: form.treatment, basis: form.basis } },
    });
  });
}

/** Goes back to Lantern's default rule for one incident type. */
export async function restoreCostRule(db: Db, actor: Actor, key: string): Promise<void> {
  const partnershipId = requireAccess(actor, 'indicators:manage', actor.partnershipId);
  if (!isRuleKey(key)) throw notFoundOrNoAccess();
  const before = (await loadCostModel(db, partnershipId)).rules.find((r) => r.key === key);
  await db.transaction().execute(async (tx) => {
    if (!(await repo.deleteCostRule(tx, partnershipId, key))) return;
    await recordAudit(tx, actor, { action: 'costs.rule.restore', recordType: 'cost-rule', recordId: key, detail: { before: before ? { mix: before.mix, treatment: before.treatment, basis: before.basis } : null } });
  });
}

/** Sets the inflation index (GDP deflator values for 2015-16 and the year to show). */
export async function saveInflationIndex(db: Db, actor: Actor, form: TInflationForm): Promise<void> {
  const partnershipId = requireAccess(actor, 'indicators:manage', actor.partnershipId);
  const before = await repo.findCostSettings(db, partnershipId);
  await db.transaction().execute(async (tx) => {
    await repo.saveCostSettings(tx, partnershipId, { index_base: form.base, index_current: form.current, index_current_label: form.currentLabel, index_source: form.source, updated_by: actor.label });
    await recordAudit(tx, actor, {
      action: 'costs.inflation.update', recordType: 'inflation-index', recordId: null,
      detail: {
        before: before?.index_base ? { base: before.index_base, current: before.index_current, currentLabel: before.index_current_label, source: before.index_source } : null,
        after: { base: form.base, current: form.current, currentLabel: form.currentLabel, source: form.source, factor: form.current / form.base },
      },
    });
  });
}

/** Removes the inflation index: costs are then shown in 2015/16 prices only. */
export async function clearInflationIndex(db: Db, actor: Actor): Promise<void> {
  const partnershipId = requireAccess(actor, 'indicators:manage', actor.partnershipId);
  const before = await repo.findCostSettings(db, partnershipId);
  if (!before?.index_base) return;
  await db.transaction().execute(async (tx) => {
    await repo.saveCostSettings(tx, partnershipId, { index_base: null, index_current: null, index_current_label: null, index_source: null, updated_by: actor.label });
    await recordAudit(tx, actor, {
      action: 'costs.inflation.clear', recordType: 'inflation-index', recordId: null,
      detail: { before: { base: before.index_base, current: before.index_current, currentLabel: before.index_current_label, source: before.index_source } },
    });
  });
}


/**
 * Gathers the figures of a strategic assessment or violence problem profile from the
 * shared data: the overview, the scored priorities and an analysis of each, and the
 * coverage and caveats. The document serves every agency, so the figures are gathered as
 * anyone outside the analyst role would see them: small numbers suppressed.
 */
import type { Db } from '../../db/connection.ts';
import type { AssessmentTemplate } from '../../db/schema.ts';
import type { Actor } from '../../shared/authorization.ts';
import type { AreaGeometry, Position } from '../geography/area.types.ts';
import { parseFilters, type AreaLevel } from '../analysis/filters.ts';
import { areaGeometries } from '../analysis/map.service.ts';
import { classOf, quantileBreaks, sequentialLegend } from '../analysis/map-layers.ts';
import { defaultAreaLevel, getOverview, type AreaRow, type BreakdownRow, type Change } from '../analysis/overview.service.ts';
import { getHiddenViolence, getWhen, type HiddenViolence, type WhenView } from '../analysis/patterns.service.ts';
import { missingMonths, openWorkspace, type Workspace } from '../analysis/workspace.ts';
import { getVenueRanking } from '../venues/venues.service.ts';
import type { VenueRanking } from '../venues/venue-ranking.ts';
import * as repo from './assessment.repository.ts';
import { scorePriorities, type PriorityScore } from './priorities.ts';
import { gatherCosts, gatherFamily, gatherIndicators, moneyValue, type CostEvidence, type FamilyEvidence, type IndicatorEvidence } from './linked-evidence.ts';

export const TEMPLATES: Record<AssessmentTemplate, { title: string; description: string }> = {
  'strategic-assessment': {
    title: 'Strategic assessment',
    description: 'The yearly Joint Strategic Assessment: every category scored for priority, an analysis of each recommended priority, outcome indicators, family comparison, cost of crime, sources and caveats.',
  },
  'violence-problem-profile': {
    title: 'Violence problem profile',
    description: 'Violence in depth: police-recorded and A&E-recorded violence, where and when it happens, violence indicators, family comparison and the cost of violence to each agency.',
  },
};

export type MapEvidence = {
  level: AreaLevel;
  legend: Array<{ label: string; colour: string }>;
  /** Class index by area code (null: no figure), matching Evidence.outlines. */
  classes: Record<string, number | null>;
};

export type PriorityAnalysis = {
  category: string;
  label: string;
  total: number | null;
  change: Change | null;
  trend: Array<{ month: string; count: number | null; previous: number | null }>;
  /** The areas with the highest rates (per 1,000 residents), with intervals. */
  topAreas: AreaRow[];
  areaCount: number;
  map: MapEvidence;
};

export type SourceCoverage = { name: string; kind: string; count: number | null; missing: string[] };

export type Evidence = {
  template: AssessmentTemplate;
  generatedAt: string;
  partnership: { name: string; slug: string; synthetic: boolean };
  period: { from: string; to: string; previousFrom: string; previousTo: string };
  suppressionThreshold: number;
  total: { count: number | null; previous: number | null; change: Change | null; rate: number | null; population: number | null };
  bySource: BreakdownRow[];
  byCategory: BreakdownRow[];
  priorities: PriorityScore[];
  analyses: PriorityAnalysis[];
  /** Problem profile only: A&E against police violence, and when violence happens. */
  hiddenViolence: HiddenViolence | null;
  when: WhenView | null;
  /** Problem profile only: licensed premises ranked by the A&E assaults matched to them (Cardiff Model), the ten highest. */
  venues: VenueRanking | null;
  indicators: IndicatorEvidence | null;
  family: FamilyEvidence | null;
  costs: CostEvidence | null;
  coverage: {
    sources: SourceCoverage[];
    agencies: Array<{ name: string; type: string; rows: number | null; shared: boolean }>;
    notes: string[];
  };
  /** Area outlines of the maps' level, in lon/lat rounded to about a metre. */
  outlines: Array<{ code: string; name: string; geometry: AreaGeometry }>;
};

/** A category with no cost figure (no unit cost, or withheld) scores lowest on harm. */
function moneyOrNull(money: { base: number | null; today: number | null } | undefined): number | null {
  const value = money ? moneyValue(money) : null;
  return value && value > 0 ? value : null;
}

/** Who reads a published assessment: every agency, so it is gathered as a viewer would see it. */
export function publicationReader(actor: Actor): Actor {
  return { ...actor, role: 'viewer', label: `${actor.label} (publication)` };
}

const VIOLENCE = 'violence';

export async function gatherEvidence(db: Db, actor: Actor, template: AssessmentTemplate, from: string, to: string, concern: Record<string, number> = {}): Promise<Evidence> {
  const reader = publicationReader(actor);
  const focus = template === 'violence-problem-profile' ? [VIOLENCE] : [];
  const ws = await openWorkspace(db, reader, parseFilters({ from, to, category: focus }));
  const level = defaultAreaLevel(ws);
  const [overview, costs, sharing, missing] = await Promise.all([
    getOverview(db, ws, level),
    gatherCosts(db, reader, from, to),
    repo.agencySharing(db, ws.partnership.id, from, to),
    missingMonths(db, ws),
  ]);

  const concernFree = overview.byCategory.map((row) => ({
    category: row.key, label: row.label, count: row.count, change: row.change,
    cost: moneyOrNull(costs.byCategory.find((c) => c.key === row.key)?.cost), concern: concern[row.key],
  }));
  const priorities = scorePriorities(concernFree.filter((p) => p.category !== 'other'));
  const focusCategories = template === 'violence-problem-profile' ? [VIOLENCE] : priorities.filter((p) => p.recommended).map((p) => p.category);

  const geometries = await areaGeometries(db, ws, level);
  const areasOfLevel = ws.areas.filter((a) => a.type === level && geometries.has(a.id));
  const analyses: PriorityAnalysis[] = [];
  for (const category of focusCategories) {
    const cws = await openWorkspace(db, reader, parseFilters({ from, to, category: [category] }));
    analyses.push(analysePriority(cws, await getOverview(db, cws, level), category, areasOfLevel.map((a) => a.code)));
  }

  const sharingSuppressed = (rows: number) => (ws.suppress && rows > 0 && rows < ws.threshold ? null : rows);
  const violenceWs = template === 'violence-problem-profile' ? ws : null;
  return {
    template,
    generatedAt: new Date().toISOString(),
    partnership: { name: ws.partnership.name, slug: ws.partnership.slug, synthetic: ws.partnership.synthetic },
    period: overview.period,
    suppressionThreshold: ws.threshold,
    total: overview.total,
    bySource: overview.bySource,
    byCategory: overview.byCategory,
    priorities,
    analyses,
    hiddenViolence: violenceWs ? await getHiddenViolence(db, violenceWs, level) : null,
    when: violenceWs ? await getWhen(db, violenceWs) : null,
    venues: violenceWs ? topVenues(await getVenueRanking(db, reader, { from, to })) : null,
    indicators: await gatherIndicators(db, reader, from, to),
    family: await gatherFamily(db, reader),
    costs,
    coverage: {
      sources: ws.sources.map((s) => ({
        name: s.name, kind: s.kind,
        count: overview.bySource.find((b) => b.key === s.slug)?.count ?? 0,
        missing: missing.find((m) => m.source === s.name)?.months ?? [],
      })),
      agencies: sharing.map((a) => ({ name: a.name, type: a.type, rows: sharingSuppressed(a.rows), shared: a.rows > 0 })),
      notes: ws.notes,
    },
    outlines: areasOfLevel.map((a) => ({ code: a.code, name: a.name, geometry: roundGeometry(geometries.get(a.id)!) })),
  };
}

function topVenues(ranking: VenueRanking): VenueRanking {
  return { ...ranking, venues: ranking.venues.slice(0, 10) };
}

function analysePriority(ws: Workspace, overview: Awaited<ReturnType<typeof getOverview>>, category: string, mappedCodes: string[]): PriorityAnalysis {
  const rows = overview.byArea.rows;
  const rated = rows.filter((r) => r.rate !== null);
  const breaks = quantileBreaks(rated.map((r) => r.rate!));
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const legend = sequentialLegend(breaks, (n) => n.toFixed(1)).map(({ label, colour }) => ({ label, colour }));
  return {
    category,
    label: ws.categories.find((c) => c.code === category)?.label ?? category,
    total: overview.total.count,
    change: overview.total.change,
    trend: overview.trend.map((t) => ({ month: t.month, count: t.count, previous: t.previous })),
    topAreas: [...rated].sort((a, b) => b.rate! - a.rate!).slice(0, 10),
    areaCount: rows.length,
    map: {
      level: overview.byArea.level,
      legend,
      classes: Object.fromEntries(mappedCodes.map((code) => {
        const rate = byCode.get(code)?.rate;
        return [code, rate === null || rate === undefined ? null : classOf(rate, breaks)];
      })),
    },
  };
}

/** Five decimals of a degree is about a metre: plenty for a page-sized map, and a tenth of the size. */
function roundGeometry(g: AreaGeometry): AreaGeometry {
  const r = (v: number) => Math.round(v * 1e5) / 1e5;
  const ring = (points: Position[]): Position[] => points.map(([lon, lat]) => [r(lon), r(lat)]);
  return g.type === 'Polygon'
    ? { type: 'Polygon', coordinates: g.coordinates.map(ring) }
    : { type: 'MultiPolygon', coordinates: g.coordinates.map((poly) => poly.map(ring)) };
}

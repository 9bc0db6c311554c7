/**
 * Opens the analysis workspace for an actor: checks access, resolves the URL's filters
 * (source slugs, area codes, the default period) to the ids the count queries use, and
 * decides whether figures are suppressed (everyone but analysts).
 */
import type { Db } from '../../db/connection.ts';
import type { Source } from '../../db/schema.ts';
import { can, requireAccess, type Actor } from '../../shared/authorization.ts';
import { LanternError } from '../../shared/errors.ts';
import { suppressGroup } from '../../shared/suppression.ts';
import type { AreaType } from '../geography/area.types.ts';
import { listSources } from '../ingestion/ingestion.repository.ts';
import { findPartnershipById, listCategories } from '../partnerships/partnership.repository.ts';
import * as repo from './analysis.repository.ts';
import { hasTimeFilter, monthsBetween, resolvePeriod, type ResolvedFilters, type TAnalysisFilters } from './filters.ts';

export type WorkspaceArea = repo.AnalysisArea & { lsoa11Ids: number[]; lsoa21Ids: number[] };

export type Workspace = {
  actor: Actor;
  partnership: { id: number; slug: string; name: string; synthetic: boolean; dataVersion: number };
  filters: ResolvedFilters;
  scope: repo.CountScope;
  sources: Source[];
  /** Sources the filters include. */
  selectedSources: Source[];
  categories: Array<{ code: string; label: string }>;
  /** Each source's own categories (police.uk crime types, ISTV methods, ...). */
  sourceCategories: Array<{ source: Source; values: string[] }>;
  areas: WorkspaceArea[];
  areaById: Map<number, WorkspaceArea>;
  /** Figures leaving the analyst role are suppressed. */
  suppress: boolean;
  threshold: number;
  dataMonths: { first: string | null; latest: string | null };
  /** Caveats every view shows with its figures. */
  notes: string[];
};

/** Sources whose rows carry a time of day: A&E attendances and timed incident lists, never police.uk. */
export function recordsTimes(source: Pick<Source, 'kind'>): boolean {
  return source.kind !== 'police-uk';
}

export async function openWorkspace(db: Db, actor: Actor, input: TAnalysisFilters): Promise<Workspace> {
  const partnershipId = requireAccess(actor, 'overview:read', actor.partnershipId);
  const [partnership, sources, categories, areas, parents, sourceCategoryRows] = await Promise.all([
    findPartnershipById(db, partnershipId),
    listSources(db, partnershipId),
    listCategories(db, partnershipId),
    repo.listAnalysisAreas(db, partnershipId),
    repo.listLsoaParents(db, partnershipId),
    repo.listSourceCategories(db, partnershipId),
  ]);
  if (!partnership) throw new LanternError('not-found-or-no-access', 'Not found, or you do not have access.');

  const bySlug = new Map(sources.map((s) => [s.slug, s]));
  const unknownSource = input.source.find((slug) => !bySlug.has(slug));
  if (unknownSource) throw new LanternError('invalid-input', `There is no source "${unknownSource}" in this partnership. Choose from: ${sources.map((s) => s.slug).join(', ')}.`);
  let selectedSources = input.source.length ? input.source.map((slug) => bySlug.get(slug)!) : sources;
  const notes: string[] = [];
  if (hasTimeFilter(input)) {
    const untimed = selectedSources.filter((s) => !recordsTimes(s));
    if (untimed.length) notes.push(`${untimed.map((s) => s.name).join(', ')} record${untimed.length === 1 ? 's' : ''} months only, not times, so ${untimed.length === 1 ? 'it is' : 'they are'} left out while a day or hour filter is set.`);
    selectedSources = selectedSources.filter(recordsTimes);
  }

  const knownCategories = new Set(categories.map((c) => c.code));
  const unknownCategory = input.category.find((c) => !knownCategories.has(c));
  if (unknownCategory) throw new LanternError('invalid-input', `There is no category "${unknownCategory}". Choose from: ${[...knownCategories].join(', ')}.`);

  const withLsoas = attachLsoas(areas, parents);
  const byKey = new Map(withLsoas.map((a) => [`${a.type}:${a.code}`, a]));
  const areaScopes: repo.AreaScope[] = input.area.map((key) => {
    const area = byKey.get(key);
    if (!area) throw new LanternError('invalid-input', `There is no area ${key} in this partnership's geography.`);
    return { type: area.type, id: area.id, lsoa11Ids: area.lsoa11Ids, lsoa21Ids: area.lsoa21Ids };
  });

  const months = await repo.dataMonths(db, partnershipId, input.source.length ? selectedSources.map((s) => s.id) : null);
  const filters = resolvePeriod(input, months.latest);
  const scope: repo.CountScope = {
    partnershipId, from: filters.from, to: filters.to,
    // An empty list (every chosen source left out by a time filter) must match nothing, not everything.
    sourceIds: input.source.length || hasTimeFilter(input) ? selectedSources.map((s) => s.id) : null,
    categories: filters.category, sourceCategories: filters.sourceCategory, areas: areaScopes, days: filters.day, hours: filters.hour,
  };
  if (partnership.synthetic) notes.unshift('Synthetic demonstration data: generated, not real incidents.');
  return {
    actor,
    partnership: { id: partnership.id, slug: partnership.slug, name: partnership.name, synthetic: partnership.synthetic, dataVersion: partnership.data_version },
    filters, scope, sources, selectedSources, categories, areas: withLsoas,
    sourceCategories: sources.map((source) => ({ source, values: sourceCategoryRows.filter((r) => r.source_id === source.id).map((r) => r.source_category) })).filter((g) => g.values.length), areaById: new Map(withLsoas.map((a) => [a.id, a])),
    suppress: !can(actor, 'incidents:read-records'), threshold: partnership.suppression_threshold,
    dataMonths: months, notes,
  };
}

function attachLsoas(areas: repo.AnalysisArea[], parents: Array<{ child_id: number; child_type: AreaType; parent_id: number }>): WorkspaceArea[] {
  const lsoas = new Map<number, { l11: number[]; l21: number[] }>();
  for (const link of parents) {
    const entry = lsoas.get(link.parent_id) ?? { l11: [], l21: [] };
    (link.child_type === 'lsoa11' ? entry.l11 : entry.l21).push(link.child_id);
    lsoas.set(link.parent_id, entry);
  }
  return areas.map((a) => ({ ...a, lsoa11Ids: lsoas.get(a.id)?.l11 ?? [], lsoa21Ids: lsoas.get(a.id)?.l21 ?? [] }));
}

/** Months of the period each selected source has no data for: said beside every figure. */
export async function missingMonths(db: Db, ws: Workspace, from = ws.filters.from, to = ws.filters.to): Promise<Array<{ source: string; months: string[] }>> {
  const held = await repo.sourceMonths(db, ws.partnership.id);
  const period = monthsBetween(from, to);
  return ws.selectedSources.map((s) => {
    const have = new Set(held.filter((h) => h.source_id === s.id).map((h) => h.month));
    return { source: s.name, months: period.filter((m) => !have.has(m)) };
  }).filter((m) => m.months.length > 0);
}

/** A count as shown to this actor: null when suppressed. */
export type Shown = number | null;

/**
 * Applies small-number suppression to one published group of counts (a table with its
 * total): nothing changes for analysts.
 */
export function showCounts(ws: Pick<Workspace, 'suppress' | 'threshold'>, counts: readonly number[]): Shown[] {
  if (!ws.suppress) return [...counts];
  return suppressGroup(counts, ws.threshold).map((c) => c.value);
}

/** A single figure on its own (no group to subtract from): primary suppression only. */
export function showCount(ws: Pick<Workspace, 'suppress' | 'threshold'>, count: number): Shown {
  return ws.suppress && count > 0 && count < ws.threshold ? null : count;
}

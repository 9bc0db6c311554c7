/**
 * What is behind a map cell or an area: its breakdown by category, source and month, and,
 * for analysts, its incidents one by one.
 */
import type { Db } from '../../db/connection.ts';
import { can } from '../../shared/authorization.ts';
import { LanternError } from '../../shared/errors.ts';
import * as repo from './analysis.repository.ts';
import { monthsBetween, type AreaLevel } from './filters.ts';
import { cellSelection } from './hotspots.service.ts';
import type { GridShape } from './hotspots/grid.ts';
import { showCounts, type Shown, type Workspace } from './workspace.ts';

export const INCIDENT_LIST_LIMIT = 500;
/** The record-level download is complete or refused, never cut short: this is its ceiling. */
export const INCIDENT_EXPORT_LIMIT = 100_000;

export type Breakdown = {
  total: Shown;
  byCategory: Array<{ key: string; label: string; count: Shown }>;
  bySource: Array<{ key: string; label: string; count: Shown }>;
  byMonth: Array<{ month: string; count: Shown }>;
  /** Analysts only; null when the actor may not see records. */
  incidents: repo.IncidentRecord[] | null;
  incidentsTruncated: boolean;
};

async function breakdown(db: Db, ws: Workspace, scope: repo.CountScope, square: repo.CellSelection | null, withRecords = true, recordLimit = INCIDENT_LIST_LIMIT): Promise<Breakdown> {
  const [byCategory, bySource, byMonth] = await Promise.all([
    repo.countBy(db, scope, ['category'], square ?? undefined),
    repo.countBy(db, scope, ['source_id'], square ?? undefined),
    repo.countBy(db, scope, ['month'], square ?? undefined),
  ]);
  const total = byCategory.reduce((s, r) => s + r.n, 0);
  const categories = ws.categories.map((c) => ({ ...c, n: byCategory.find((r) => r.category === c.code)?.n ?? 0 })).filter((c) => c.n > 0);
  const sources = ws.selectedSources.map((s) => ({ ...s, n: bySource.find((r) => r.source_id === s.id)?.n ?? 0 })).filter((s) => s.n > 0);
  const months = monthsBetween(ws.filters.from, ws.filters.to);
  const shownCategories = showCounts(ws, categories.map((c) => c.n));
  const shownSources = showCounts(ws, sources.map((s) => s.n));
  const shownMonths = showCounts(ws, months.map((m) => byMonth.find((r) => r.month === m)?.n ?? 0));
  const mayReadRecords = withRecords && can(ws.actor, 'incidents:read-records');
  const incidents = mayReadRecords ? await repo.listIncidents(db, scope, square, recordLimit + 1) : null;
  return {
    total: showCounts(ws, [total])[0]!,
    byCategory: categories.map((c, i) => ({ key: c.code, label: c.label, count: shownCategories[i]! })),
    bySource: sources.map((s, i) => ({ key: s.slug, label: s.name, count: shownSources[i]! })),
    byMonth: months.map((month, i) => ({ month, count: shownMonths[i]! })),
    incidents: incidents ? incidents.slice(0, recordLimit) : null,
    incidentsTruncated: !!incidents && incidents.length > recordLimit,
  };
}

/** A cell's breakdown; its incidents are the page's list (the latest INCIDENT_LIST_LIMIT) unless `recordLimit` says otherwise. */
export async function getCellDetail(db: Db, ws: Workspace, shape: GridShape, cellSize: number, col: number, row: number, options: { withRecords?: boolean; recordLimit?: number } = {}) {
  const { cell, bounds, selection } = await cellSelection(db, ws, shape, cellSize, col, row);
  return { cell: { ...cell, shape, cellSize, ...bounds }, ...(await breakdown(db, ws, ws.scope, selection, options.withRecords ?? true, options.recordLimit)) };
}

export async function getAreaDetail(db: Db, ws: Workspace, type: AreaLevel, code: string) {
  const area = ws.areas.find((a) => a.type === type && a.code === code);
  if (!area) throw new LanternError('not-found-or-no-access', `There is no area ${type}:${code} in this partnership.`);
  // The page is about this area: it takes the place of any areas chosen in the filters.
  const scope: repo.CountScope = { ...ws.scope, areas: [{ type: area.type, id: area.id, lsoa11Ids: area.lsoa11Ids, lsoa21Ids: area.lsoa21Ids }] };
  return { area, ...(await breakdown(db, ws, scope, null)) };
}

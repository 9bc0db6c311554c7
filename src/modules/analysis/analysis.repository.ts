/**
 * SQL of the analysis views. Figures come from the counts maintained on import
 * (incident_counts, incident_cell_counts); only the record-level lists read incidents.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db, Tx } from '../../db/connection.ts';
import type { AreaType } from '../geography/area.types.ts';

type Conn = Db | Tx;

/** An area filter resolved to ids: incidents in the area itself, or in any of its LSOAs. */
export type AreaScope = { type: AreaType; id: number; lsoa11Ids: number[]; lsoa21Ids: number[] };

/** What a query counts: the partnership, period and every workspace filter, resolved to ids. */
export type CountScope = {
  partnershipId: number;
  from: string;
  to: string;
  sourceIds: number[] | null;
  categories: string[];
  sourceCategories: string[];
  areas: AreaScope[];
  days: number[];
  hours: number[];
};

export const COUNT_DIMENSIONS = ['month', 'category', 'source_category', 'source_id', 'location_status', 'lsoa11_id', 'lsoa21_id', 'ward_id', 'lad_id', 'weekday', 'hour'] as const;
export type CountDimension = (typeof COUNT_DIMENSIONS)[number];

function areaPredicate(area: AreaScope): RawBuilder<boolean> {
  switch (area.type) {
    case 'lad': return sql<boolean>`c.lad_id = ${area.id}`;
    case 'ward': return sql<boolean>`c.ward_id = ${area.id}`;
    case 'lsoa11': return sql<boolean>`c.lsoa11_id = ${area.id}`;
    case 'lsoa21': return sql<boolean>`c.lsoa21_id = ${area.id}`;
    default:
      // MSOAs and neighbourhoods are groups of LSOAs of either vintage.
      return sql<boolean>`(c.lsoa11_id = ANY(${area.lsoa11Ids}::int[]) OR c.lsoa21_id = ANY(${area.lsoa21Ids}::int[]))`;
  }
}

function scopeWhere(scope: CountScope): RawBuilder<boolean> {
  const parts: RawBuilder<unknown>[] = [
    sql`c.partnership_id = ${scope.partnershipId}`,
    sql`c.month BETWEEN ${`${scope.from}-01`}::date AND ${`${scope.to}-01`}::date`,
  ];
  if (scope.sourceIds) parts.push(sql`c.source_id = ANY(${scope.sourceIds}::int[])`);
  if (scope.categories.length) parts.push(sql`c.category = ANY(${scope.categories}::text[])`);
  if (scope.sourceCategories.length) parts.push(sql`c.source_category = ANY(${scope.sourceCategories}::text[])`);
  if (scope.areas.length) parts.push(sql`(${sql.join(scope.areas.map(areaPredicate), sql` OR `)})`);
  if (scope.days.length) parts.push(sql`c.weekday = ANY(${scope.days}::smallint[])`);
  if (scope.hours.length) parts.push(sql`c.hour = ANY(${scope.hours}::smallint[])`);
  return sql<boolean>`${sql.join(parts, sql` AND `)}`;
}

function selectDimension(dimension: CountDimension): RawBuilder<unknown> {
  return sql`c.${sql.ref(dimension)}`;
}

export type CountRow = Partial<Record<CountDimension, string | number | null>> & { n: number };

/** A square in BNG metres, [minE, maxE) x [minN, maxN), on 50 m lines. */
export type Square = { minE: number; minN: number; maxE: number; maxN: number };
/** Ground to count in: a square, or a set of 50 m squares (by their floor(easting / 50), floor(northing / 50)). */
export type CellSelection = Square | { e: number[]; n: number[] };

function squaresWhere(selection: CellSelection, e: RawBuilder<unknown>, n: RawBuilder<unknown>): RawBuilder<unknown> {
  if ('e' in selection) return sql`(${e}, ${n}) IN (SELECT * FROM unnest(${selection.e}::int[], ${selection.n}::int[]))`;
  return sql`${e} >= ${selection.minE / 50} AND ${e} < ${selection.maxE / 50} AND ${n} >= ${selection.minN / 50} AND ${n} < ${selection.maxN / 50}`;
}

/**
 * Incident counts grouped by the chosen dimensions (none: one total). Within a square the
 * 50 m counts are read instead, which hold located incidents only.
 */
export async function countBy(db: Conn, scope: CountScope, dimensions: readonly CountDimension[], square?: CellSelection): Promise<CountRow[]> {
  const groups = dimensions.map((_, i) => sql.raw(String(i + 1)));
  const select = dimensions.length ? sql`${sql.join(dimensions.map(selectDimension))}, ` : sql``;
  const from = square
    ? sql`incident_cell_counts c WHERE ${squaresWhere(square, sql`c.cell_e`, sql`c.cell_n`)} AND`
    : sql`incident_counts c WHERE`;
  const { rows } = await sql<CountRow>`
    SELECT ${select}sum(c.n)::int AS n FROM ${from} ${scopeWhere(scope)}
    ${dimensions.length ? sql`GROUP BY ${sql.join(groups)}` : sql``}`.execute(db);
  // Grouped on the date itself: to_char on every row (a time-zone conversion) cost more than the grouping.
  if (dimensions.includes('month')) for (const r of rows) r.month = String(r.month).slice(0, 7);
  return rows.filter((r) => r.n !== null);
}

export type CellRow = { cell_e: number; cell_n: number; n: number; month?: string };

/** Located incident counts by 50 m square, optionally by month as well. */
export async function countByCell(db: Conn, scope: CountScope, byMonth: boolean): Promise<CellRow[]> {
  const { rows } = await sql<CellRow>`
    SELECT c.cell_e, c.cell_n, ${byMonth ? sql`c.month, ` : sql``}sum(c.n)::int AS n
    FROM incident_cell_counts c
    WHERE ${scopeWhere(scope)}
    GROUP BY 1, 2${byMonth ? sql`, 3` : sql``}`.execute(db);
  if (byMonth) for (const r of rows) r.month = r.month!.slice(0, 7);
  return rows;
}

/** The first and latest month holding data, optionally of some sources only. */
export async function dataMonths(db: Conn, partnershipId: number, sourceIds: number[] | null): Promise<{ first: string | null; latest: string | null }> {
  const { rows } = await sql<{ first: string | null; latest: string | null }>`
    SELECT to_char(min(month), 'YYYY-MM') AS first, to_char(max(month), 'YYYY-MM') AS latest FROM incident_counts
    WHERE partnership_id = ${partnershipId} ${sourceIds ? sql`AND source_id = ANY(${sourceIds}::int[])` : sql``}`.execute(db);
  return rows[0] ?? { first: null, latest: null };
}

/** Months each source holds, to say which are missing from a period. */
export async function sourceMonths(db: Conn, partnershipId: number): Promise<Array<{ source_id: number; month: string }>> {
  const { rows } = await sql<{ source_id: number; month: string }>`
    SELECT DISTINCT source_id, month FROM incident_counts WHERE partnership_id = ${partnershipId}`.execute(db);
  return rows.map((r) => ({ source_id: r.source_id, month: r.month.slice(0, 7) }));
}

/** Each source's own categories, for the filter panel. */
export async function listSourceCategories(db: Conn, partnershipId: number): Promise<Array<{ source_id: number; source_category: string }>> {
  const { rows } = await sql<{ source_id: number; source_category: string }>`
    SELECT DISTINCT source_id, source_category FROM incident_counts WHERE partnership_id = ${partnershipId} ORDER BY 1, 2`.execute(db);
  return rows;
}

export type AnalysisArea = {
  id: number; type: AreaType; code: string; name: string; population: number | null; imd_decile: number | null; imd_rank: number | null;
};

export async function listAnalysisAreas(db: Conn, partnershipId: number): Promise<AnalysisArea[]> {
  return db.selectFrom('areas').select(['id', 'type', 'code', 'name', 'population', 'imd_decile', 'imd_rank'])
    .where('partnership_id', '=', partnershipId).orderBy('type').orderBy('code').execute() as Promise<AnalysisArea[]>;
}

/** Which LSOAs (either vintage) lie in each MSOA, ward, LAD or neighbourhood. */
export async function listLsoaParents(db: Conn, partnershipId: number): Promise<Array<{ child_id: number; child_type: AreaType; parent_id: number }>> {
  const { rows } = await sql<{ child_id: number; child_type: AreaType; parent_id: number }>`
    SELECT l.child_id, c.type AS child_type, l.parent_id FROM area_links l JOIN areas c ON c.id = l.child_id JOIN areas p ON p.id = l.parent_id
    WHERE l.partnership_id = ${partnershipId} AND c.type IN ('lsoa11', 'lsoa21') AND p.type IN ('msoa21', 'ward', 'lad', 'neighbourhood')`.execute(db);
  return rows;
}

export async function listAreaGeometries(db: Conn, partnershipId: number, type: AreaType) {
  return db.selectFrom('areas').select(['id', 'code', 'name', 'geometry'])
    .where('partnership_id', '=', partnershipId).where('type', '=', type).where('geometry', 'is not', null).orderBy('code').execute();
}

/** The partnership's outer boundary: its local authorities, else its LSOAs. */
export async function boundaryGeometries(db: Conn, partnershipId: number) {
  for (const type of ['lad', 'lsoa21', 'lsoa11'] as const) {
    const rows = await listAreaGeometries(db, partnershipId, type);
    if (rows.length) return { type, rows };
  }
  return { type: null, rows: [] };
}

export type IncidentRecord = {
  source: string; month: string; occurred_at: Date | null; category: string; source_category: string;
  location_desc: string | null; easting: number | null; northing: number | null; lsoa: string | null; outcome: string | null;
};

/**
 * Record-level incidents in a square (BNG, [minE, maxE) x [minN, maxN)) or in the scope's
 * areas. This is the one query that reads incidents, so it is capped.
 */
export async function listIncidents(db: Conn, scope: CountScope, square: CellSelection | null, limit: number): Promise<IncidentRecord[]> {
  const squareWhere = square
    ? sql`AND c.easting IS NOT NULL AND ${squaresWhere(square, sql`floor(c.easting / 50.0)::int`, sql`floor(c.northing / 50.0)::int`)}`
    : sql``;
  const timeWhere = scope.days.length || scope.hours.length
    ? sql`AND ${scope.days.length ? sql`extract(isodow FROM c.occurred_at AT TIME ZONE 'Europe/London') = ANY(${scope.days}::int[])` : sql`true`}
          AND ${scope.hours.length ? sql`extract(hour FROM c.occurred_at AT TIME ZONE 'Europe/London') = ANY(${scope.hours}::int[])` : sql`true`}`
    : sql``;
  const { rows } = await sql<IncidentRecord>`
    SELECT s.name AS source, to_char(c.month, 'YYYY-MM') AS month, c.occurred_at, c.category, c.source_category, c.location_desc,
           c.easting, c.northing, coalesce(a21.code, a11.code) AS lsoa, c.outcome
    FROM incidents c
    JOIN sources s ON s.id = c.source_id
    LEFT JOIN areas a21 ON a21.id = c.lsoa21_id
    LEFT JOIN areas a11 ON a11.id = c.lsoa11_id
    WHERE ${scopeWhere({ ...scope, days: [], hours: [] })} ${squareWhere} ${timeWhere}
    ORDER BY c.month DESC, c.occurred_at DESC NULLS LAST, c.upload_id, c.line
    LIMIT ${limit}`.execute(db);
  return rows;
}

/**
 * Whether every agreement under which the scope's sources were shared allows record-level
 * export. A scope with no sources (a time filter leaves out every source that records
 * months only) holds no records, so no agreement stands in the way.
 */
export async function recordLevelExportAllowed(db: Conn, partnershipId: number, sourceIds: number[] | null): Promise<boolean> {
  if (sourceIds && sourceIds.length === 0) return true;
  const { rows } = await sql<{ refused: number; total: number }>`
    SELECT count(*) FILTER (WHERE NOT a.record_level_export)::int AS refused, count(*)::int AS total
    FROM (SELECT DISTINCT u.agreement_id FROM batches b JOIN uploads u ON u.id = b.upload_id
          WHERE b.partnership_id = ${partnershipId} ${sourceIds ? sql`AND b.source_id = ANY(${sourceIds}::int[])` : sql``}) used
    JOIN agreements a ON a.id = used.agreement_id`.execute(db);
  const row = rows[0];
  return !!row && row.total > 0 && row.refused === 0;
}

import { sql } from 'kysely';
import type { Db, Tx } from '../../db/connection.ts';
import type { AreaGeometry, AreaRecord, AreaType } from './area.types.ts';

type Conn = Db | Tx;

export type StoredArea = {
  id: number;
  type: AreaType;
  code: string;
  name: string;
  population: number | null;
  imd_decile: number | null;
  imd_rank: number | null;
};

/** Inserts or updates areas by (type, code); keeps population and IMD when the record has none. Returns code → id. */
export async function upsertAreas(tx: Conn, partnershipId: number, records: AreaRecord[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (let i = 0; i < records.length; i += 500) {
    const chunk = records.slice(i, i + 500);
    const rows = await tx.insertInto('areas').values(chunk.map((r) => ({
      partnership_id: partnershipId, type: r.type, code: r.code, name: r.name,
      geometry: r.geometry ? JSON.stringify(r.geometry) : null,
      population: r.population ?? null,
      population_by_age: r.populationByAge ? JSON.stringify(r.populationByAge) : null,
      imd_rank: r.imdRank ?? null, imd_decile: r.imdDecile ?? null,
    })))
      .onConflict((oc) => oc.columns(['partnership_id', 'type', 'code']).doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        geometry: sql`coalesce(excluded.geometry, areas.geometry)`,
        population: sql`coalesce(excluded.population, areas.population)`,
        population_by_age: sql`coalesce(excluded.population_by_age, areas.population_by_age)`,
        imd_rank: sql`coalesce(excluded.imd_rank, areas.imd_rank)`,
        imd_decile: sql`coalesce(excluded.imd_decile, areas.imd_decile)`,
        updated_at: sql`now()`,
      })))
      .returning(['id', 'code', 'type']).execute();
    for (const row of rows) ids.set(`${row.type}:${row.code}`, row.id);
  }
  return ids;
}

export async function updateAreaStatistics(tx: Conn, partnershipId: number, type: AreaType, code: string, values: {
  population?: number | null; populationByAge?: Record<string, number> | null; imdRank?: number | null; imdDecile?: number | null;
}): Promise<boolean> {
  const result = await tx.updateTable('areas').set({
    ...(values.population !== undefined ? { population: values.population } : {}),
    ...(values.populationByAge !== undefined ? { population_by_age: values.populationByAge ? JSON.stringify(values.populationByAge) : null } : {}),
    ...(values.imdRank !== undefined ? { imd_rank: values.imdRank } : {}),
    ...(values.imdDecile !== undefined ? { imd_decile: values.imdDecile } : {}),
    updated_at: sql`now()`,
  }).where('partnership_id', '=', partnershipId).where('type', '=', type).where('code', '=', code).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function insertAreaLinks(tx: Conn, partnershipId: number, links: Array<{ childId: number; parentId: number }>): Promise<void> {
  for (let i = 0; i < links.length; i += 1000) {
    const chunk = links.slice(i, i + 1000);
    if (chunk.length === 0) continue;
    await tx.insertInto('area_links').values(chunk.map((l) => ({ partnership_id: partnershipId, child_id: l.childId, parent_id: l.parentId })))
      .onConflict((oc) => oc.doNothing()).execute();
  }
}

/** Removes the links from children of one type to parents of another, before they are recomputed. */
export async function deleteAreaLinks(tx: Conn, partnershipId: number, childType: AreaType, parentType: AreaType): Promise<void> {
  await sql`DELETE FROM area_links l USING areas c, areas p
    WHERE l.partnership_id = ${partnershipId} AND c.id = l.child_id AND p.id = l.parent_id
      AND c.type = ${childType} AND p.type = ${parentType}`.execute(tx);
}

export async function listAreas(db: Conn, partnershipId: number, type?: AreaType): Promise<StoredArea[]> {
  let query = db.selectFrom('areas').select(['id', 'type', 'code', 'name', 'population', 'imd_decile', 'imd_rank'])
    .where('partnership_id', '=', partnershipId);
  if (type) query = query.where('type', '=', type);
  return (await query.orderBy('type').orderBy('code').execute()) as StoredArea[];
}

export async function listAreasWithGeometry(db: Conn, partnershipId: number, types: AreaType[]): Promise<Array<StoredArea & { geometry: AreaGeometry | null }>> {
  if (types.length === 0) return [];
  return (await db.selectFrom('areas').select(['id', 'type', 'code', 'name', 'population', 'imd_decile', 'imd_rank', 'geometry'])
    .where('partnership_id', '=', partnershipId).where('type', 'in', types).orderBy('code').execute()) as Array<StoredArea & { geometry: AreaGeometry | null }>;
}

export async function listAreaLinks(db: Conn, partnershipId: number, childType: AreaType, parentType: AreaType): Promise<Array<{ child_id: number; parent_id: number }>> {
  return db.selectFrom('area_links')
    .innerJoin('areas as c', 'c.id', 'area_links.child_id')
    .innerJoin('areas as p', 'p.id', 'area_links.parent_id')
    .select(['area_links.child_id', 'area_links.parent_id'])
    .where('area_links.partnership_id', '=', partnershipId)
    .where('c.type', '=', childType).where('p.type', '=', parentType).execute();
}

export async function countAreasByType(db: Conn, partnershipId: number) {
  return db.selectFrom('areas')
    .select(['type', sql<number>`count(*)`.as('count'), sql<number>`count(geometry)`.as('with_boundary'),
      sql<number>`count(population)`.as('with_population'), sql<number>`count(imd_decile)`.as('with_imd'),
      sql<number>`coalesce(sum(population), 0)`.as('population')])
    .where('partnership_id', '=', partnershipId).groupBy('type').orderBy('type').execute();
}

export async function findAreaByCode(db: Conn, partnershipId: number, type: AreaType, code: string) {
  return db.selectFrom('areas').select(['id', 'type', 'code', 'name']).where('partnership_id', '=', partnershipId)
    .where('type', '=', type).where('code', '=', code).executeTakeFirst();
}

/** Wards and authorities take the sum of their LSOAs' population. */
export async function rollUpPopulation(tx: Conn, partnershipId: number): Promise<void> {
  await sql`UPDATE areas p SET population = s.total, updated_at = now()
    FROM (SELECT l.parent_id, sum(c.population)::int AS total FROM area_links l JOIN areas c ON c.id = l.child_id
          WHERE l.partnership_id = ${partnershipId} AND c.type = 'lsoa11' GROUP BY l.parent_id) s
    WHERE p.id = s.parent_id AND p.partnership_id = ${partnershipId} AND p.type IN ('ward', 'lad', 'neighbourhood')`.execute(tx);
}

export async function replaceNeighbourhoodMembers(tx: Conn, partnershipId: number, neighbourhoodId: number, memberIds: number[]): Promise<void> {
  await tx.deleteFrom('area_links').where('partnership_id', '=', partnershipId).where('parent_id', '=', neighbourhoodId).execute();
  await insertAreaLinks(tx, partnershipId, memberIds.map((childId) => ({ childId, parentId: neighbourhoodId })));
}

/** Changes whenever the partnership's areas do: for caching what is built from them. */
export async function geographyFingerprint(db: Conn, partnershipId: number): Promise<string> {
  const { rows } = await sql<{ fingerprint: string }>`SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') AS fingerprint
    FROM areas WHERE partnership_id = ${partnershipId}`.execute(db);
  return rows[0]!.fingerprint;
}

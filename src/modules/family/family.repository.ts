import { sql, type Selectable } from 'kysely';
import type { FamilyAreasTable } from '../../db/schema.ts';
import type { Db, Tx } from '../../db/connection.ts';
import type { AreaGeometry } from '../geography/area.types.ts';
import type { FamilyPeriod } from './period.ts';

type Conn = Db | Tx;

export type StoredFamilyArea = Omit<Selectable<FamilyAreasTable>, 'partnership_id' | 'updated_at'>;

export type StoredFigure = {
  indicator: string;
  area_code: string;
  first_month: string;
  last_month: string;
  age_band: string;
  numerator: number;
  denominator: number;
  multiplier: number;
};

export type NewFigure = Omit<StoredFigure, 'first_month' | 'last_month'> & { period: FamilyPeriod };

export type CharacteristicValues = Omit<StoredFamilyArea, 'name'> & { name: string };

const CHUNK = 1000;
const toDate = (month: string) => `${month}-01`;

export async function insertLoad(tx: Conn, partnershipId: number, values: { kind: 'figures' | 'characteristics' | 'met'; fileName: string; sha256: string | null; rows: number; replaced: number; areas: number; indicators: string[]; loadedBy: string }): Promise<number> {
  const row = await tx.insertInto('family_loads').values({
    partnership_id: partnershipId, kind: values.kind, file_name: values.fileName, sha256: values.sha256, rows_loaded: values.rows,
    rows_replaced: values.replaced, areas: values.areas, indicators: values.indicators, loaded_by: values.loadedBy,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateLoadCounts(tx: Conn, partnershipId: number, loadId: number, replaced: number): Promise<void> {
  await tx.updateTable('family_loads').set({ rows_replaced: replaced }).where('partnership_id', '=', partnershipId).where('id', '=', loadId).execute();
}

/** Names every area a figures file mentions; characteristics already held are kept. */
export async function upsertAreaNames(tx: Conn, partnershipId: number, areas: ReadonlyArray<{ code: string; name: string }>): Promise<void> {
  for (let i = 0; i < areas.length; i += CHUNK) {
    const chunk = areas.slice(i, i + CHUNK);
    await tx.insertInto('family_areas').values(chunk.map((a) => ({ partnership_id: partnershipId, code: a.code, name: a.name })))
      .onConflict((oc) => oc.columns(['partnership_id', 'code']).doUpdateSet({ name: (eb) => eb.ref('excluded.name'), updated_at: sql`now()` }))
      .execute();
  }
}

/** Replaces the characteristics of each area given (a value the file leaves empty becomes unknown). */
export async function upsertAreaCharacteristics(tx: Conn, partnershipId: number, areas: readonly CharacteristicValues[]): Promise<number> {
  let existing = 0;
  for (let i = 0; i < areas.length; i += CHUNK) {
    const chunk = areas.slice(i, i + CHUNK);
    const rows = await tx.insertInto('family_areas').values(chunk.map((a) => ({ partnership_id: partnershipId, ...a })))
      .onConflict((oc) => oc.columns(['partnership_id', 'code']).doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'), population: eb.ref('excluded.population'), area_km2: eb.ref('excluded.area_km2'),
        deprived_share: eb.ref('excluded.deprived_share'), imd_mean_rank: eb.ref('excluded.imd_mean_rank'),
        aged_0_15: eb.ref('excluded.aged_0_15'), aged_16_29: eb.ref('excluded.aged_16_29'), aged_65_plus: eb.ref('excluded.aged_65_plus'),
        characteristics_source: eb.ref('excluded.characteristics_source'), updated_at: sql`now()`,
      })))
      // xmax is 0 for a freshly inserted row and non-zero for one the conflict updated.
      .returning(sql<boolean>`xmax <> 0`.as('replaced')).execute();
    existing += rows.filter((r) => r.replaced).length;
  }
  return existing;
}

/** Inserts or replaces figures by (indicator, area, period, age band); returns how many replaced a held figure. */
export async function upsertFigures(tx: Conn, partnershipId: number, loadId: number, figures: readonly NewFigure[]): Promise<number> {
  let replaced = 0;
  for (let i = 0; i < figures.length; i += CHUNK) {
    const chunk = figures.slice(i, i + CHUNK);
    const rows = await tx.insertInto('family_figures').values(chunk.map((f) => ({
      partnership_id: partnershipId, indicator: f.indicator, area_code: f.area_code, first_month: toDate(f.period.from), last_month: toDate(f.period.to),
      age_band: f.age_band, numerator: f.numerator, denominator: f.denominator, multiplier: f.multiplier, load_id: loadId,
    })))
      .onConflict((oc) => oc.columns(['partnership_id', 'indicator', 'area_code', 'first_month', 'last_month', 'age_band']).doUpdateSet((eb) => ({
        numerator: eb.ref('excluded.numerator'), denominator: eb.ref('excluded.denominator'), multiplier: eb.ref('excluded.multiplier'), load_id: eb.ref('excluded.load_id'),
      })))
      .returning(sql<boolean>`xmax <> 0`.as('replaced')).execute();
    replaced += rows.filter((r) => r.replaced).length;
  }
  return replaced;
}

/** Multipliers already held for the given indicators: one indicator keeps one multiplier. */
export async function heldMultipliers(db: Conn, partnershipId: number, indicators: readonly string[]): Promise<Map<string, number>> {
  if (indicators.length === 0) return new Map();
  const rows = await db.selectFrom('family_figures').select(['indicator', 'multiplier']).distinct()
    .where('partnership_id', '=', partnershipId).where('indicator', 'in', [...indicators]).execute();
  return new Map(rows.map((r) => [r.indicator, r.multiplier]));
}

export async function listFamilyAreas(db: Conn, partnershipId: number): Promise<StoredFamilyArea[]> {
  return db.selectFrom('family_areas')
    .select(['code', 'name', 'population', 'area_km2', 'deprived_share', 'imd_mean_rank', 'aged_0_15', 'aged_16_29', 'aged_65_plus', 'characteristics_source'])
    .where('partnership_id', '=', partnershipId).orderBy('name').orderBy('code').execute();
}

/** All-ages figures, optionally of one indicator and within a span of months. */
export async function listFigures(db: Conn, partnershipId: number, options: { indicator?: string; from?: string; to?: string; codes?: readonly string[] } = {}): Promise<StoredFigure[]> {
  let query = db.selectFrom('family_figures')
    .select(['indicator', 'area_code', sql<string>`to_char(first_month, 'YYYY-MM')`.as('first_month'), sql<string>`to_char(last_month, 'YYYY-MM')`.as('last_month'),
      'age_band', 'numerator', 'denominator', 'multiplier'])
    .where('partnership_id', '=', partnershipId).where('age_band', '=', '');
  if (options.indicator) query = query.where('indicator', '=', options.indicator);
  if (options.from) query = query.where('first_month', '>=', toDate(options.from));
  if (options.to) query = query.where('last_month', '<=', toDate(options.to));
  if (options.codes) {
    if (options.codes.length === 0) return [];
    query = query.where('area_code', 'in', [...options.codes]);
  }
  return query.orderBy('indicator').orderBy('first_month').orderBy('area_code').execute();
}

/** What is loaded, per indicator: areas, periods and the span they cover. */
export async function summariseFigures(db: Conn, partnershipId: number) {
  return db.selectFrom('family_figures')
    .select(['indicator', 'multiplier',
      sql<number>`count(*)`.as('figures'), sql<number>`count(DISTINCT area_code)`.as('areas'),
      sql<number>`count(DISTINCT (first_month, last_month))`.as('periods'),
      sql<string>`to_char(min(first_month), 'YYYY-MM')`.as('first_month'), sql<string>`to_char(max(last_month), 'YYYY-MM')`.as('last_month'),
      sql<number>`count(*) FILTER (WHERE age_band <> '')`.as('age_specific')])
    .where('partnership_id', '=', partnershipId).groupBy(['indicator', 'multiplier']).orderBy('indicator').execute();
}

export async function listLoads(db: Conn, partnershipId: number, limit = 20) {
  return db.selectFrom('family_loads').select(['id', 'kind', 'file_name', 'rows_loaded', 'rows_replaced', 'areas', 'indicators', 'loaded_by', 'loaded_at'])
    .where('partnership_id', '=', partnershipId).orderBy('loaded_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export async function findDefinition(db: Conn, partnershipId: number) {
  return db.selectFrom('family_definitions').select(['method', 'k', 'characteristics', 'members', 'updated_by', 'updated_at'])
    .where('partnership_id', '=', partnershipId).executeTakeFirst();
}

export async function saveDefinition(tx: Conn, partnershipId: number, values: { method: 'nearest' | 'chosen'; k: number; characteristics: string[]; members: string[]; updatedBy: string }): Promise<void> {
  await tx.insertInto('family_definitions').values({
    partnership_id: partnershipId, method: values.method, k: values.k, characteristics: values.characteristics, members: values.members, updated_by: values.updatedBy,
  }).onConflict((oc) => oc.column('partnership_id').doUpdateSet({
    method: values.method, k: values.k, characteristics: values.characteristics, members: values.members, updated_by: values.updatedBy, updated_at: sql`now()`,
  })).execute();
}

export type OwnLsoa = { population: number | null; population_by_age: Record<string, number> | null; imd_rank: number | null; imd_decile: number | null };

/** The partnership's own LSOAs 2011 with what its geography knows of them. */
export async function listOwnLsoas(db: Conn, partnershipId: number): Promise<OwnLsoa[]> {
  return (await db.selectFrom('areas').select(['population', 'population_by_age', 'imd_rank', 'imd_decile'])
    .where('partnership_id', '=', partnershipId).where('type', '=', 'lsoa11').execute()) as OwnLsoa[];
}

/** The partnership's local authorities (its own code(s) among comparators) and their boundaries. */
export async function listOwnAuthorities(db: Conn, partnershipId: number): Promise<Array<{ code: string; name: string; geometry: AreaGeometry | null }>> {
  return (await db.selectFrom('areas').select(['code', 'name', 'geometry'])
    .where('partnership_id', '=', partnershipId).where('type', '=', 'lad').orderBy('code').execute()) as Array<{ code: string; name: string; geometry: AreaGeometry | null }>;
}

/** LSOA 2011 boundaries, for the partnership's area when it has no authority boundary. */
export async function listOwnLsoaGeometries(db: Conn, partnershipId: number): Promise<AreaGeometry[]> {
  const rows = await db.selectFrom('areas').select('geometry').where('partnership_id', '=', partnershipId).where('type', '=', 'lsoa11')
    .where('geometry', 'is not', null).execute();
  return rows.map((r) => r.geometry as AreaGeometry);
}

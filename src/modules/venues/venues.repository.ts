import { sql } from 'kysely';
import type { Db, Tx } from '../../db/connection.ts';
import type { VenueAliasStatus } from '../../db/schema.ts';

type Conn = Db | Tx;

export type PremisesValues = {
  name: string; address: string; postcode: string; lon: number | null; lat: number | null; easting: number | null; northing: number | null;
  licensed_hours: string | null; name_norm: string; address_norm: string;
};

/**
 * Adds or updates each premises of an imported register, matched by name (any case) and
 * postcode; a premises that had been removed is restored. Returns what happened to each.
 */
export async function upsertPremises(tx: Conn, partnershipId: number, rows: PremisesValues[]) {
  if (rows.length === 0) return [];
  const { rows: result } = await sql<{ id: number; inserted: boolean; restored: boolean }>`
    WITH incoming AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
        name text, address text, postcode text, lon double precision, lat double precision, easting integer, northing integer,
        licensed_hours text, name_norm text, address_norm text)
    ), before AS (
      SELECT id, removed_at FROM premises WHERE partnership_id = ${partnershipId}
    ), saved AS (
      INSERT INTO premises (partnership_id, name, address, postcode, lon, lat, easting, northing, licensed_hours, name_norm, address_norm, imported_at, removed_at)
      SELECT ${partnershipId}, name, address, postcode, lon, lat, easting, northing, licensed_hours, name_norm, address_norm, now(), NULL FROM incoming
      ON CONFLICT (partnership_id, lower(name), postcode) DO UPDATE SET
        name = EXCLUDED.name, address = EXCLUDED.address, lon = EXCLUDED.lon, lat = EXCLUDED.lat, easting = EXCLUDED.easting,
        northing = EXCLUDED.northing, licensed_hours = EXCLUDED.licensed_hours, name_norm = EXCLUDED.name_norm,
        address_norm = EXCLUDED.address_norm, imported_at = now(), removed_at = NULL
      RETURNING id, (xmax = 0) AS inserted
    )
    SELECT saved.id, saved.inserted, (before.removed_at IS NOT NULL) AS restored
    FROM saved LEFT JOIN before ON before.id = saved.id`.execute(tx);
  return result;
}

/** Marks removed the premises a re-imported register no longer lists; they are kept, not deleted. */
export async function markPremisesRemoved(tx: Conn, partnershipId: number, keptIds: number[]): Promise<number> {
  const result = await tx.updateTable('premises').set({ removed_at: sql<Date>`now()` })
    .where('partnership_id', '=', partnershipId).where('removed_at', 'is', null)
    .where(sql<boolean>`NOT (id = ANY(${keptIds}::int[]))`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function listPremises(db: Conn, partnershipId: number) {
  return db.selectFrom('premises')
    .select(['id', 'name', 'address', 'postcode', 'lon', 'lat', 'easting', 'northing', 'licensed_hours', 'name_norm', 'imported_at', 'removed_at'])
    .where('partnership_id', '=', partnershipId).orderBy(sql`lower(name)`).orderBy('postcode').execute();
}

export async function findPremises(db: Conn, partnershipId: number, premisesId: number) {
  return db.selectFrom('premises').select(['id', 'name', 'postcode', 'removed_at'])
    .where('partnership_id', '=', partnershipId).where('id', '=', premisesId).executeTakeFirst();
}

/** One matching run at a time per partnership; released at commit. */
export async function lockVenueMatching(tx: Tx, partnershipId: number): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(4202, ${partnershipId})`.execute(tx);
}

/** Every distinct location description of the partnership's A&E (ISTV) rows. */
export async function listIstvDescriptions(db: Conn, partnershipId: number): Promise<string[]> {
  const { rows } = await sql<{ location_desc: string }>`
    SELECT DISTINCT i.location_desc
    FROM incidents i JOIN sources s ON s.id = i.source_id AND s.partnership_id = ${partnershipId} AND s.kind = 'istv'
    WHERE i.partnership_id = ${partnershipId} AND i.location_desc IS NOT NULL`.execute(db);
  return rows.map((r) => r.location_desc);
}

/** How many distinct A&E location descriptions have arrived since matching last ran. */
export async function countUnmatchedDescriptions(db: Conn, partnershipId: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(DISTINCT i.location_desc)::int AS n
    FROM incidents i JOIN sources s ON s.id = i.source_id AND s.partnership_id = ${partnershipId} AND s.kind = 'istv'
    WHERE i.partnership_id = ${partnershipId} AND i.location_desc IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM venue_alias_texts t WHERE t.partnership_id = ${partnershipId} AND t.location_desc = i.location_desc)`.execute(db);
  return rows[0]?.n ?? 0;
}

export async function saveAliasTexts(tx: Conn, partnershipId: number, texts: Array<{ text: string; norm: string }>): Promise<void> {
  if (texts.length === 0) return;
  await sql`
    INSERT INTO venue_alias_texts (partnership_id, location_desc, description_norm)
    SELECT ${partnershipId}, r.text, r.norm FROM jsonb_to_recordset(${JSON.stringify(texts)}::jsonb) AS r(text text, norm text)
    ON CONFLICT (partnership_id, location_desc) DO UPDATE SET description_norm = EXCLUDED.description_norm
    WHERE venue_alias_texts.description_norm <> EXCLUDED.description_norm`.execute(tx);
}

export async function listAliases(db: Conn, partnershipId: number) {
  return db.selectFrom('venue_aliases')
    .select(['description_norm', 'premises_id', 'score', 'status', 'candidates', 'decided_by', 'decided_at', 'matched_at'])
    .where('partnership_id', '=', partnershipId).execute();
}

export async function findAlias(db: Conn, partnershipId: number, descriptionNorm: string) {
  return db.selectFrom('venue_aliases')
    .select(['description_norm', 'premises_id', 'score', 'status', 'candidates', 'decided_by', 'decided_at'])
    .where('partnership_id', '=', partnershipId).where('description_norm', '=', descriptionNorm).forUpdate().executeTakeFirst();
}

export type TrigramRow = {
  description_norm: string; premises_id: number; name: string; name_norm: string;
  name_similarity: number; description_in_name: number; name_in_description: number; address_similarity: number;
};

/**
 * The premises most like each description by trigrams, `limit` per description. The
 * thresholds are set low for this transaction so that the GIN indexes find texts with
 * swapped letters too ("crwon" shares only a fifth of its trigrams with "crown"); the
 * scorer then weighs the evidence.
 */
export async function trigramCandidates(tx: Tx, partnershipId: number, descriptions: string[], limit: number): Promise<TrigramRow[]> {
  if (descriptions.length === 0) return [];
  await sql`SELECT set_config('pg_trgm.similarity_threshold', '0.1', true), set_config('pg_trgm.word_similarity_threshold', '0.3', true)`.execute(tx);
  const { rows } = await sql<TrigramRow>`
    SELECT d.description_norm, c.*
    FROM unnest(${descriptions}::text[]) AS d(description_norm)
    CROSS JOIN LATERAL (
      SELECT p.id AS premises_id, p.name, p.name_norm,
             similarity(d.description_norm, p.name_norm) AS name_similarity,
             word_similarity(d.description_norm, p.name_norm) AS description_in_name,
             word_similarity(p.name_norm, d.description_norm) AS name_in_description,
             similarity(d.description_norm, p.address_norm) AS address_similarity
      FROM premises p
      WHERE p.partnership_id = ${partnershipId}
        AND (p.name_norm % d.description_norm OR d.description_norm <% p.name_norm OR p.address_norm % d.description_norm)
      ORDER BY greatest(similarity(d.description_norm, p.name_norm), word_similarity(d.description_norm, p.name_norm),
                        similarity(d.description_norm, p.address_norm)) DESC, p.id
      LIMIT ${limit}
    ) AS c`.execute(tx);
  return rows;
}

export type MachineDecision = { description_norm: string; status: Extract<VenueAliasStatus, 'matched' | 'review' | 'no-match'>; premises_id: number | null; score: number; candidates: unknown };

/**
 * Saves the matcher's decisions. A description a person has decided (confirmed or
 * rejected) is never overwritten, even by a run that started before the decision.
 */
export async function saveMachineDecisions(tx: Conn, partnershipId: number, decisions: MachineDecision[]): Promise<void> {
  if (decisions.length === 0) return;
  await sql`
    INSERT INTO venue_aliases (partnership_id, description_norm, premises_id, score, status, candidates, matched_at)
    SELECT ${partnershipId}, r.description_norm, r.premises_id, r.score, r.status, r.candidates, now()
    FROM jsonb_to_recordset(${JSON.stringify(decisions)}::jsonb) AS r(description_norm text, premises_id integer, score real, status text, candidates jsonb)
    ON CONFLICT (partnership_id, description_norm) DO UPDATE SET
      premises_id = EXCLUDED.premises_id, score = EXCLUDED.score, status = EXCLUDED.status, candidates = EXCLUDED.candidates, matched_at = now()
    WHERE venue_aliases.status NOT IN ('confirmed', 'rejected')`.execute(tx);
}

export async function saveHumanDecision(tx: Conn, partnershipId: number, descriptionNorm: string, decision: { status: 'confirmed' | 'rejected'; premisesId: number | null; decidedBy: string }) {
  return tx.updateTable('venue_aliases')
    .set({ status: decision.status, premises_id: decision.premisesId, decided_by: decision.decidedBy, decided_at: sql<Date>`now()` })
    .where('partnership_id', '=', partnershipId).where('description_norm', '=', descriptionNorm)
    .returning(['description_norm', 'status', 'premises_id', 'decided_by', 'decided_at'])
    .executeTakeFirstOrThrow();
}

/** Descriptions waiting for a person, with how many A&E attendances each covers and how it was written. */
export async function listReviewQueue(db: Conn, partnershipId: number) {
  const { rows } = await sql<{ description_norm: string; score: number; candidates: unknown; attendances: number; examples: string[] }>`
    SELECT a.description_norm, a.score, a.candidates, count(*)::int AS attendances,
           (array_agg(DISTINCT t.location_desc ORDER BY t.location_desc))[1:5] AS examples
    FROM venue_aliases a
    JOIN venue_alias_texts t ON t.partnership_id = a.partnership_id AND t.description_norm = a.description_norm
    JOIN incidents i ON i.partnership_id = a.partnership_id AND i.location_desc = t.location_desc
    JOIN sources s ON s.id = i.source_id AND s.partnership_id = a.partnership_id AND s.kind = 'istv'
    WHERE a.partnership_id = ${partnershipId} AND a.status = 'review'
    GROUP BY a.description_norm, a.score, a.candidates
    ORDER BY attendances DESC, a.description_norm`.execute(db);
  return rows;
}

/** The newest month of A&E data, 'YYYY-MM-01', or null when there is none. */
export async function latestIstvMonth(db: Conn, partnershipId: number): Promise<string | null> {
  const { rows } = await sql<{ month: string | null }>`
    SELECT max(i.month) AS month
    FROM incidents i JOIN sources s ON s.id = i.source_id AND s.partnership_id = ${partnershipId} AND s.kind = 'istv'
    WHERE i.partnership_id = ${partnershipId}`.execute(db);
  return rows[0]?.month ?? null;
}

export type VenueHourRow = { premises_id: number; hour: number | null; fri_sat_night: boolean; attendances: number };

/**
 * A&E attendances in the period matched to each premises (auto-matched or confirmed), by
 * hour of the day in London time and by whether the night began on a Friday or Saturday
 * (an assault at 02:00 on Saturday belongs to Friday night, so the night runs 18:00 to 06:00).
 */
export async function venueAttendancesByHour(db: Conn, partnershipId: number, fromMonth: string, toMonth: string): Promise<VenueHourRow[]> {
  const { rows } = await sql<VenueHourRow>`
    WITH attributed AS (
      SELECT a.premises_id, i.occurred_at AT TIME ZONE 'Europe/London' AS local_time
      FROM incidents i
      JOIN sources s ON s.id = i.source_id AND s.partnership_id = ${partnershipId} AND s.kind = 'istv'
      JOIN venue_alias_texts t ON t.partnership_id = ${partnershipId} AND t.location_desc = i.location_desc
      JOIN venue_aliases a ON a.partnership_id = ${partnershipId} AND a.description_norm = t.description_norm AND a.status IN ('matched', 'confirmed')
      WHERE i.partnership_id = ${partnershipId} AND i.month BETWEEN ${fromMonth}::date AND ${toMonth}::date
    )
    SELECT premises_id, extract(hour FROM local_time)::int AS hour,
           coalesce((extract(hour FROM local_time) >= 18 OR extract(hour FROM local_time) < 6)
                    AND extract(isodow FROM local_time - interval '6 hours') IN (5, 6), false) AS fri_sat_night,
           count(*)::int AS attendances
    FROM attributed GROUP BY 1, 2, 3`.execute(db);
  return rows;
}

/** All A&E attendances in the period, for "how much of the violence is at licensed premises". */
export async function countIstvAttendances(db: Conn, partnershipId: number, fromMonth: string, toMonth: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n
    FROM incidents i JOIN sources s ON s.id = i.source_id AND s.partnership_id = ${partnershipId} AND s.kind = 'istv'
    WHERE i.partnership_id = ${partnershipId} AND i.month BETWEEN ${fromMonth}::date AND ${toMonth}::date`.execute(db);
  return rows[0]?.n ?? 0;
}

export async function countAliasesByStatus(db: Conn, partnershipId: number) {
  const rows = await db.selectFrom('venue_aliases').select(['status', sql<number>`count(*)::int`.as('n')])
    .where('partnership_id', '=', partnershipId).groupBy('status').execute();
  return Object.fromEntries(rows.map((r) => [r.status, r.n])) as Partial<Record<VenueAliasStatus, number>>;
}

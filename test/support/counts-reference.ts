import { sql } from 'kysely';
import { expect } from 'vitest';
import type { Db } from '../../src/db/connection.ts';

/**
 * The analysis counts the import summed as rows streamed, against PostgreSQL grouping the
 * stored incidents itself: every column the counts keep, with weekday and hour taken by
 * PostgreSQL's own Europe/London time zone rules.
 */
export async function expectUploadCountsMatchIncidents(db: Db, partnershipId: number): Promise<void> {
  const grouped = async (query: ReturnType<typeof sql<{ k: string; n: number }>>): Promise<Map<string, number>> => {
    const { rows } = await query.execute(db);
    return new Map(rows.map((r) => [r.k, Number(r.n)]));
  };
  const keys = sql`source_id || '|' || upload_id || '|' || batch_no || '|' || month || '|' || category || '|' || source_category || '|' || coalesce(lsoa11_id, 0) || '|' || coalesce(lsoa21_id, 0) || '|' || coalesce(ward_id, 0) || '|' || coalesce(lad_id, 0)`;
  const countTime = sql`coalesce(weekday::text, '-') || '|' || coalesce(hour::text, '-')`;
  const incidentTime = sql`coalesce(extract(isodow FROM occurred_at AT TIME ZONE 'Europe/London')::int::text, '-') || '|' || coalesce(extract(hour FROM occurred_at AT TIME ZONE 'Europe/London')::int::text, '-')`;

  const fromCounts = await grouped(sql<{ k: string; n: number }>`SELECT ${keys} || '|' || ${countTime} || '|' || location_status AS k, sum(n)::int AS n
    FROM incident_counts WHERE partnership_id = ${partnershipId} GROUP BY 1`);
  const fromIncidents = await grouped(sql<{ k: string; n: number }>`SELECT ${keys} || '|' || ${incidentTime} || '|' || location_status AS k, count(*)::int AS n
    FROM incidents WHERE partnership_id = ${partnershipId} GROUP BY 1`);
  expect(fromIncidents.size).toBeGreaterThan(0);
  expect(fromCounts).toEqual(fromIncidents);

  const cellFromCounts = await grouped(sql<{ k: string; n: number }>`SELECT ${keys} || '|' || ${countTime} || '|' || cell_e || '|' || cell_n AS k, sum(n)::int AS n
    FROM incident_cell_counts WHERE partnership_id = ${partnershipId} GROUP BY 1`);
  const cellFromIncidents = await grouped(sql<{ k: string; n: number }>`SELECT ${keys} || '|' || ${incidentTime} || '|' || floor(easting / 50.0)::int || '|' || floor(northing / 50.0)::int AS k, count(*)::int AS n
    FROM incidents WHERE partnership_id = ${partnershipId} AND easting >= 0 AND northing >= 0 GROUP BY 1`);
  expect(cellFromCounts).toEqual(cellFromIncidents);

  // Each count row is one group: the import merged every row that shares its columns.
  const { rows } = await sql<{ groups: number; rows: number }>`SELECT count(*)::int AS rows,
      count(DISTINCT (source_id, upload_id, batch_no, month, category, source_category, lsoa11_id, lsoa21_id, ward_id, lad_id, weekday, hour, location_status))::int AS groups
    FROM incident_counts WHERE partnership_id = ${partnershipId}`.execute(db);
  expect(rows[0]!.rows).toBe(rows[0]!.groups);
}

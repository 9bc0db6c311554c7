import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import type { DatabaseHandle } from '../../src/db/connection.ts';
import { migrate } from '../../src/db/migrate.ts';
import { replaceBatches } from '../../src/modules/ingestion/ingestion.repository.ts';
import { buildAgreement, buildPartnership, type TestPartnership } from '../support/factories.ts';
import { expectUploadCountsMatchIncidents } from '../support/counts-reference.ts';

// Migration 0011 moves stored incidents and their counts from batch-key text to batch
// numbers: run it on data written the way the store held it before.
const name = `lantern_m_${randomBytes(6).toString('hex')}`;
let admin: pg.Client;
let handle: DatabaseHandle;
let p: TestPartnership;
const uploads: number[] = [];

beforeAll(async () => {
  admin = new pg.Client({ connectionString: inject('adminUrl') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(inject('adminUrl'));
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
  await migrate(pool, { until: '0010_assessments.sql' });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  handle = { db, pool, url: url.toString(), embedded: false, close: () => db.destroy() };

  p = await buildPartnership(handle, { slug: 'before' });
  const agreement = await buildAgreement(handle, p);
  const { rows: [source] } = await pool.query<{ id: number }>(`INSERT INTO sources (partnership_id, slug, kind, name) VALUES ($1, 'police-uk', 'police-uk', 'Police') RETURNING id`, [p.id]);
  for (let i = 0; i < 3; i++) {
    const { rows: [upload] } = await pool.query<{ id: number }>(`INSERT INTO uploads (partnership_id, source_id, agency_id, agreement_id, channel, file_name, sha256, mode, status, started_at)
      VALUES ($1, $2, $3, $4, 'cli', 'f.csv', '', 'all-or-nothing', 'imported', now()) RETURNING id`, [p.id, source!.id, p.agencies.police, agreement.id]);
    uploads.push(upload!.id);
  }
  // Upload 1 holds March and January (named in that order), upload 2 holds February;
  // upload 3 will re-send March.
  const batches: Array<[number, string, string, number]> = [[uploads[0]!, 'Force|2024-03', '2024-03-01', 30], [uploads[0]!, 'Force|2024-01', '2024-01-01', 20], [uploads[1]!, 'Force|2024-02', '2024-02-01', 25]];
  for (const [upload, key, month, rows] of batches) {
    await pool.query(`INSERT INTO batches (partnership_id, source_id, batch_key, upload_id) VALUES ($1, $2, $3, $4)`, [p.id, source!.id, key, upload]);
    await pool.query(`INSERT INTO incidents (partnership_id, source_id, upload_id, batch_key, line, month, occurred_at, category, source_category, easting, northing, location_status)
      SELECT $1, $2, $3, $4, g + 1, $5::date, CASE WHEN g % 2 = 0 THEN $5::timestamptz + g * interval '7 hours' END,
             CASE WHEN g % 3 = 0 THEN 'asb' ELSE 'violence' END, CASE WHEN g % 3 = 0 THEN 'Anti-social behaviour' ELSE 'Violence and sexual offences' END,
             CASE WHEN g % 5 = 0 THEN NULL ELSE 530000 + (g % 4) * 50 END, CASE WHEN g % 5 = 0 THEN NULL ELSE 181000 + (g % 2) * 50 END,
             CASE WHEN g % 5 = 0 THEN 'no-location' ELSE 'located' END
      FROM generate_series(1, $6) g`, [p.id, source!.id, upload, key, month, rows]);
  }
  for (const upload of uploads) await pool.query('SELECT add_upload_counts($1, $2)', [p.id, upload]);
  await migrate(pool);
});
afterAll(async () => {
  await handle?.close();
  await admin?.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin?.end();
});

describe('migration 0011 on stored data', () => {
  it('numbers each upload\'s batches, keeps every incident in its batch, and keeps the counts equal to the incidents', async () => {
    const { rows: batches } = await sql<{ batch_key: string; upload_id: number; batch_no: number }>`SELECT batch_key, upload_id, batch_no FROM batches ORDER BY batch_key`.execute(handle.db);
    expect(batches).toEqual([
      { batch_key: 'Force|2024-01', upload_id: uploads[0], batch_no: 0 },
      { batch_key: 'Force|2024-02', upload_id: uploads[1], batch_no: 0 },
      { batch_key: 'Force|2024-03', upload_id: uploads[0], batch_no: 1 },
    ]);
    const { rows } = await sql<{ batch_key: string; n: number; months: string[] }>`SELECT b.batch_key, count(*)::int AS n, array_agg(DISTINCT to_char(i.month, 'YYYY-MM')) AS months
      FROM incidents i JOIN batches b ON b.upload_id = i.upload_id AND b.batch_no = i.batch_no GROUP BY 1 ORDER BY 1`.execute(handle.db);
    expect(rows).toEqual([
      { batch_key: 'Force|2024-01', n: 20, months: ['2024-01'] },
      { batch_key: 'Force|2024-02', n: 25, months: ['2024-02'] },
      { batch_key: 'Force|2024-03', n: 30, months: ['2024-03'] },
    ]);
    await expectUploadCountsMatchIncidents(handle.db, p.id);
  });

  it('replaces a re-sent batch by its number, rows and counts alike', async () => {
    const sourceId = (await sql<{ id: number }>`SELECT id FROM sources`.execute(handle.db)).rows[0]!.id;
    const replaced = await replaceBatches(handle.db, p.id, sourceId, new Map([['Force|2024-03', 0]]), uploads[2]!);
    expect(replaced).toBe(30);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM incidents`.execute(handle.db);
    expect(rows[0]!.n).toBe(45);
    await expectUploadCountsMatchIncidents(handle.db, p.id);
    const held = await sql<{ upload_id: number; batch_no: number }>`SELECT upload_id, batch_no FROM batches WHERE batch_key = 'Force|2024-03'`.execute(handle.db);
    expect(held.rows).toEqual([{ upload_id: uploads[2], batch_no: 0 }]);
  });
});

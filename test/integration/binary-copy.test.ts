import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import { BinaryCopyWriter, unixDaysOfMonth } from '../../src/modules/ingestion/copy-binary.ts';
import { importFile } from '../../src/modules/ingestion/import.service.ts';
import { COUNCIL_ASB_MAPPING } from '../../src/modules/demo/council-asb.model.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { buildAgreement, buildPartnership, type TestPartnership } from '../support/factories.ts';
import { expectUploadCountsMatchIncidents } from '../support/counts-reference.ts';

let handle: TestDatabase;
let p: TestPartnership;

beforeAll(async () => {
  handle = await createTestDatabase();
  p = await buildPartnership(handle, { slug: 'binary' });
});
afterAll(async () => handle?.drop());

describe('the binary COPY writer, read back by PostgreSQL', () => {
  it('stores every kind of value exactly: integers, text in any script, NULL, floats, dates, times either side of 2000, and jsonb', async () => {
    const client = await handle.pool.connect();
    try {
      await client.query('CREATE TEMP TABLE probe (i int, s smallint, t text, f double precision, d date, at timestamptz, j jsonb)');
      const copy = client.query(copyFrom('COPY probe FROM STDIN (FORMAT binary)'));
      const done = once(copy, 'finish');
      // A tiny block size, so that rows cross blocks and the buffer has to grow mid-row.
      const out = new BinaryCopyWriter(16);
      const rows: Array<[number | null, number | null, string | null, number | null, string | null, number | null, string | null]> = [
        [2_147_483_647, 32_767, 'On or near Holborn', -0.106453, '2024-05', Date.UTC(2024, 4, 3, 22, 41, 5, 123), '{"context":"a"}'],
        [-2_147_483_648, -32_768, 'Café "Zoë" \\ tab\there\nnew line, ✓ 𝔘', 51.517, '1999-12', Date.UTC(1999, 11, 31, 23, 59, 59, 999), '{"k":"é"}'],
        [0, 0, '', 0, '2000-01', Date.UTC(2000, 0, 1), '{}'],
        [null, null, null, null, null, null, null],
        [7, 1, 'x'.repeat(500) + 'é', 1e-300, '2010-02', Date.UTC(1969, 6, 20, 20, 17), null],
        // Short text that is not ASCII part-way, and a Crime ID's length.
        [8, 2, 'Zoë ✓', 2.5, '2026-11', Date.UTC(2026, 10, 23, 3, 0), null],
        [9, 3, 'b35433ed3e1a2b42e80ec6edca5e92df8a6714899f8bf84ae9f6e5202385cb84', -1, '2026-11', null, null],
      ];
      for (const [i, s, t, f, month, at, j] of rows) {
        out.row(7);
        out.int4(i);
        out.int2(s);
        out.text(t);
        out.float8(f);
        out.date(month === null ? null : unixDaysOfMonth(month));
        out.timestamptz(at);
        out.jsonb(j);
        copy.write(out.take());
      }
      out.end();
      copy.end(out.take());
      await done;
      const { rows: stored } = await client.query<{ i: number | null; s: number | null; t: string | null; f: number | null; d: string | null; at: Date | null; j: unknown }>(
        `SELECT i, s, t, f, to_char(d, 'YYYY-MM-DD') AS d, at, j FROM probe`);
      expect(stored).toEqual(rows.map(([i, s, t, f, month, at, j]) => ({
        i, s, t, f, d: month === null ? null : `${month}-01`, at: at === null ? null : new Date(at), j: j === null ? null : JSON.parse(j),
      })));
    } finally {
      client.release();
    }
  });
});

describe('counts of a list with more categories than the counting key holds', () => {
  it('counts every row, through the text key, exactly as PostgreSQL groups the stored rows', async () => {
    await buildAgreement(handle, p, { title: 'Council ASB', partyAgencyIds: [p.agencies.council], datasets: ['council-asb'] });
    const lines = ['Reference,Reported,Category,Location,Easting,Northing,Status'];
    for (let i = 0; i < 1500; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      const category = `Complaint type ${i % 1200}`;
      // Points on the grid, the same point for many rows, and rows with no point at all.
      const point = i % 5 === 0 ? ',' : `${530_000 + (i % 7) * 60},${181_000 + (i % 3) * 45}`;
      lines.push(`ASB/${i},${day}/05/2025 ${String(i % 24).padStart(2, '0')}:15,${category},High Street,${point},Open`);
    }
    const result = await importFile(handle, {
      actor: p.actorFor('council'), partnershipId: p.id, kind: 'incidents', sourceSlug: 'council-asb', fileName: 'many.csv',
      input: Readable.from([Buffer.from(lines.join('\n') + '\n')]), channel: 'cli',
      feed: { mapping: { ...COUNCIL_ASB_MAPPING, keep: ['Status'], taxonomy: { default: 'asb' } } },
    });
    expect(result.status, JSON.stringify(result.problems.slice(0, 3))).toBe('imported');
    expect(result.imported).toBe(1500);
    await expectUploadCountsMatchIncidents(handle.db, p.id);
    const { rows } = await sql<{ n: number; kinds: number }>`SELECT sum(n)::int AS n, count(DISTINCT source_category)::int AS kinds FROM incident_counts WHERE partnership_id = ${p.id}`.execute(handle.db);
    expect(rows[0]).toEqual({ n: 1500, kinds: 1200 });
  });
});

describe('a NUL character, which PostgreSQL cannot store as text', () => {
  it('refuses the file, naming the line, and stores nothing', async () => {
    const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM incidents`.execute(handle.db);
    // Far enough into the file to pass the decoder's first look, which refuses a NUL near the start itself.
    const good = Array.from({ length: 5000 }, (_, i) => `ASB/${i},01/05/2025 22:10,Noise,High Street,,,Open\n`).join('');
    const csv = 'Reference,Reported,Category,Location,Easting,Northing,Status\n' + good
      + 'ASB/x,01/05/2025 22:15,Noise,High\u0000Street,,,Open\n';
    const result = await importFile(handle, {
      actor: p.actorFor('council'), partnershipId: p.id, kind: 'incidents', sourceSlug: 'council-asb', fileName: 'nul.csv',
      input: Readable.from(chunksOf(Buffer.from(csv), 16 * 1024)), channel: 'cli', mode: 'quarantine',
    });
    expect(result.status).toBe('refused');
    expect(result.problems).toEqual([{ line: 5002, field: '(row)', reason: 'NUL character (binary data), not text' }]);
    const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM incidents`.execute(handle.db);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });
});

function chunksOf(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadStream, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { generateBorough } from '../../src/modules/demo/borough.generator.ts';
import { writeDemoFiles } from '../../src/modules/demo/demo-files.generator.ts';
import { readBoundaries } from '../../src/modules/geography/geojson.loader.ts';
import { loadBoundaries } from '../../src/modules/geography/geography.service.ts';
import { importFile } from '../../src/modules/ingestion/import.service.ts';
import { createApiToken } from '../../src/modules/partnerships/partnership.service.ts';
import { verifyAuditChain } from '../../src/modules/audit/audit.service.ts';
import { NIGHT_HOURS, WITHHELD } from '../../src/modules/venues/venue-ranking.ts';
import {
  countNewDescriptions, decideVenueMatch, getReviewQueue, getVenueRanking, importPremisesRegister, matchVenueDescriptions,
} from '../../src/modules/venues/venues.service.ts';
import type { Actor } from '../../src/shared/authorization.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { buildAgreement, buildPartnership, TEST_PASSWORD, type TestPartnership } from '../support/factories.ts';
import { Browser, buildTestApp, multipartBody } from '../support/http.ts';

const SEED = 7;
const END_MONTH = '2025-05';

let handle: TestDatabase;
let app: FastifyInstance;
let north: TestPartnership;
let south: TestPartnership;
let dir: string;
let analyst: Actor;
let viewer: Actor;
let registerPath: string;

/** One A&E attendance as the generator wrote it: the description exactly as typed, and the local assault time. */
type RawAttendance = { description: string; month: string; hour: number; friSatNight: boolean };
let attendances: RawAttendance[];
/** Each alias the generator wrote for a premises (as typed, misspellings included), to the premises' name: the truth. */
let truth: Map<string, string>;

const addMonths = (month: string, delta: number) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const i = y * 12 + m - 1 + delta;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
};

/** Reads the wall-clock assault time ('YYYY-MM-DD HH:MM', London) the generator wrote. */
function rawAttendance(description: string, assaultText: string): RawAttendance {
  const [date, time] = assaultText.split(' ') as [string, string];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const hour = Number(time.slice(0, 2));
  // A night runs 18:00 to 06:00 and belongs to the evening it began on.
  const nightOf = new Date(Date.UTC(y, m - 1, d, hour) - 6 * 3600_000).getUTCDay();
  return { description, month: date.slice(0, 7), hour, friSatNight: (hour >= 18 || hour < 6) && (nightOf === 5 || nightOf === 6) };
}

async function aliasOf(partnershipId: number, text: string) {
  const { rows } = await sql<{ status: string; premises: string | null; candidates: Array<{ premisesId: number; score: number }>; description_norm: string }>`
    SELECT a.status, p.name AS premises, a.candidates, a.description_norm
    FROM venue_alias_texts t JOIN venue_aliases a ON a.partnership_id = t.partnership_id AND a.description_norm = t.description_norm
    LEFT JOIN premises p ON p.id = a.premises_id
    WHERE t.partnership_id = ${partnershipId} AND t.location_desc = ${text}`.execute(handle.db);
  return rows[0];
}

async function premisesIdByName(partnershipId: number): Promise<Map<string, number>> {
  const rows = await handle.db.selectFrom('premises').select(['id', 'name']).where('partnership_id', '=', partnershipId).execute();
  return new Map(rows.map((r) => [r.name, r.id]));
}

async function premisesNameById(partnershipId: number): Promise<Map<number, string>> {
  return new Map([...(await premisesIdByName(partnershipId))].map(([name, id]) => [id, name]));
}

beforeAll(async () => {
  handle = await createTestDatabase();
  north = await buildPartnership(handle, { slug: 'venues-north' });
  south = await buildPartnership(handle, { slug: 'venues-south' });
  analyst = north.actorFor('council', 'analyst');
  viewer = north.actorFor('council', 'viewer');
  dir = await mkdtemp(join(tmpdir(), 'lantern-venues-'));
  await writeDemoFiles(dir, { seed: SEED, months: 14, endMonth: END_MONTH });
  registerPath = join(dir, 'premises/licensed-premises.csv');
  await loadBoundaries(handle.db, north.admin, await readBoundaries(join(dir, 'boundaries/lsoa11.geojson'), { type: 'lsoa11' }), 'lsoa11');
  await loadBoundaries(handle.db, north.admin, await readBoundaries(join(dir, 'boundaries/lsoa21.geojson'), { type: 'lsoa21' }), 'lsoa21');
  await buildAgreement(handle, north, { title: 'A&E assaults', partyAgencyIds: [north.agencies.ae], datasets: ['istv'] });
  const manifest = JSON.parse(readFileSync(join(dir, 'istv/manifest.json'), 'utf8')) as { files: Array<{ file: string; periodStart: string; periodEnd: string; siteCode: string }> };
  attendances = [];
  for (const entry of manifest.files) {
    const result = await importFile(handle, {
      actor: north.actorFor('ae'), partnershipId: north.id, kind: 'istv', fileName: entry.file, input: createReadStream(join(dir, 'istv', entry.file)), channel: 'cli',
      feed: { istv: { periodStart: entry.periodStart, periodEnd: entry.periodEnd, siteCode: entry.siteCode } },
    });
    expect(result.status).toBe('imported');
    const rows = parse(readFileSync(join(dir, 'istv', entry.file), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    for (const row of rows) attendances.push(rawAttendance(row['ASSAULT LOCATION DESCRIPTION']!, row['ASSAULT DATE AND TIME']!));
  }
  truth = new Map();
  for (const p of generateBorough(SEED).premises) {
    for (const alias of [...p.aliases, ...p.outsideAliases]) {
      expect(truth.get(alias) ?? p.name, `alias "${alias}" written for two premises`).toBe(p.name);
      truth.set(alias, p.name);
    }
  }
  app = await buildTestApp(handle);
});

afterAll(async () => {
  await app?.close();
  await handle?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the licensed-premises register', () => {
  it('imports the register with grid references, and matches the A&E descriptions straight after', async () => {
    const result = await importPremisesRegister(handle.db, analyst, { fileName: 'licensed-premises.csv', input: createReadStream(registerPath) });
    const lines = readFileSync(registerPath, 'utf8').trim().split('\r\n').length - 1;
    expect(result).toMatchObject({ premises: lines, added: lines, updated: 0, removed: 0, restored: 0, ignoredColumns: [] });
    expect(result.matching.matched).toBeGreaterThan(0);
    const { rows } = await sql<{ n: number; gridded: number }>`SELECT count(*)::int AS n, count(easting)::int AS gridded FROM premises WHERE partnership_id = ${north.id}`.execute(handle.db);
    expect(rows[0]).toEqual({ n: lines, gridded: lines });
    // The register's longitude and latitude, on the British National Grid around Kingsbridge.
    const one = await handle.db.selectFrom('premises').select(['easting', 'northing']).where('partnership_id', '=', north.id).executeTakeFirstOrThrow();
    expect(one.easting).toBeGreaterThan(0);
    expect(one.northing).toBeGreaterThan(0);
  });

  it('is idempotent: importing the same register again changes no premises and adds none', async () => {
    const before = await premisesIdByName(north.id);
    const again = await importPremisesRegister(handle.db, analyst, { fileName: 'licensed-premises.csv', input: createReadStream(registerPath) });
    expect(again).toMatchObject({ premises: before.size, added: 0, updated: before.size, removed: 0, restored: 0 });
    expect(await premisesIdByName(north.id)).toEqual(before);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_events WHERE partnership_id = ${north.id} AND action = 'premises.import'`.execute(handle.db);
    expect(rows[0]!.n).toBe(2);
  });

  it('refuses a register with invalid rows, naming line and field, and changes nothing', async () => {
    const before = await premisesIdByName(north.id);
    const bad = [
      'Name,Address,Postcode,Longitude,Latitude,Licensed hours',
      'The New Inn,"1 New Street, Kingsbridge",KB1 9ZZ,-1.2,52.9,Mon-Sun 11:00-23:00',
      ',"2 New Street, Kingsbridge",KB1 9ZY,,,',
      'The Other Inn,"3 New Street, Kingsbridge",K,,,',
      'The Third Inn,"4 New Street, Kingsbridge",KB1 9ZX,-200,52.9,',
    ].join('\n');
    const refused = importPremisesRegister(handle.db, analyst, { fileName: 'bad.csv', input: Readable.from([Buffer.from(bad)]) });
    await expect(refused).rejects.toMatchObject({
      code: 'file-refused',
      details: [
        { line: 3, field: 'name', reason: 'must not be empty' },
        { line: 4, field: 'postcode', reason: 'not a UK postcode (for example KB1 2AB)' },
        { line: 5, field: 'longitude', reason: 'coordinates outside the UK' },
      ],
    });
    expect(await premisesIdByName(north.id)).toEqual(before);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_events WHERE partnership_id = ${north.id} AND action = 'premises.import-refused'`.execute(handle.db);
    expect(rows[0]!.n).toBe(1);
  });
});

describe('matching A&E descriptions to premises', () => {
  it('matches each alias and misspelling the generator wrote to the premises it wrote it for, or asks a person with that premises first', async () => {
    const written = new Set(attendances.map((a) => a.description).filter((d) => truth.has(d)));
    expect(written.size).toBeGreaterThan(40);
    const names = await premisesNameById(north.id);
    const outcome = { matched: 0, review: 0 };
    for (const text of written) {
      const alias = await aliasOf(north.id, text);
      expect(alias, text).toBeDefined();
      if (alias!.status === 'matched') {
        expect(alias!.premises, text).toBe(truth.get(text));
        outcome.matched++;
      } else {
        expect(alias!.status, text).toBe('review');
        expect(names.get(alias!.candidates[0]!.premisesId), text).toBe(truth.get(text));
        outcome.review++;
      }
    }
    // Most are clear; the swapped-letter misspellings of short names are left to people.
    expect(outcome.matched / written.size).toBeGreaterThan(0.7);
    expect(outcome.review).toBeGreaterThan(0);
    expect((await aliasOf(north.id, 'Liqiud'))?.status ?? 'review').toBe('review');
  });

  it('never accepts, without a person, a description that is not a premises (streets, homes, taxi ranks)', async () => {
    const others = [...new Set(attendances.map((a) => a.description).filter((d) => d !== '' && !truth.has(d)))];
    expect(others.length).toBeGreaterThan(20);
    for (const text of others) {
      const alias = await aliasOf(north.id, text);
      expect(alias?.status, text).not.toBe('matched');
    }
  });

  it('lists each uncertain description once, with its attendances and candidate premises', async () => {
    const queue = await getReviewQueue(handle.db, analyst);
    expect(queue.items.length).toBeGreaterThan(0);
    expect(new Set(queue.items.map((i) => i.description)).size).toBe(queue.items.length);
    for (const item of queue.items) {
      expect(item.candidates.length, item.description).toBeGreaterThan(0);
      if (item.examples.length < 5) {
        const expected = attendances.filter((a) => item.examples.includes(a.description)).length;
        expect(item.attendances.value, item.description).toBe(expected);
      }
    }
  });
});

describe('people decide, and their decisions stand', () => {
  it('saves a decision from the review page (CSRF-protected) with an audit event', async () => {
    const browser = new Browser(app);
    await browser.signIn(north.emails.analyst, TEST_PASSWORD);
    const page = await browser.get('/analysis/venues/review');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Which premises does');
    const queue = await getReviewQueue(handle.db, analyst);
    const item = queue.items.find((i) => i.examples.some((e) => truth.has(e)))!;
    const premisesId = (await premisesIdByName(north.id)).get(truth.get(item.examples.find((e) => truth.has(e))!)!)!;
    const noToken = await browser.post('/analysis/venues/review', { description: item.description, choice: String(premisesId) }, { csrf: false });
    expect(noToken.statusCode).toBe(403);
    const saved = await browser.post('/analysis/venues/review', { description: item.description, choice: String(premisesId) });
    expect(saved.statusCode).toBe(302);
    const alias = await aliasOf(north.id, item.examples[0]!);
    expect(alias).toMatchObject({ status: 'confirmed' });
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_events WHERE partnership_id = ${north.id} AND action = 'venue-alias.confirm' AND record_id = ${item.description}`.execute(handle.db);
    expect(rows[0]!.n).toBe(1);
    const empty = await browser.post('/analysis/venues/review', { description: item.description });
    expect(empty.statusCode).toBe(400);
  });

  it('keeps every confirmed and rejected description through re-matching and a register re-import', async () => {
    const ids = await premisesIdByName(north.id);
    // Work through the queue as a person who knows the truth.
    for (const item of (await getReviewQueue(handle.db, analyst)).items) {
      const known = item.examples.find((e) => truth.has(e));
      await decideVenueMatch(handle.db, analyst, { description: item.description, premisesId: known ? ids.get(truth.get(known)!)! : null });
    }
    expect((await getReviewQueue(handle.db, analyst)).items).toEqual([]);
    const decided = async () => (await handle.db.selectFrom('venue_aliases').select(['description_norm', 'status', 'premises_id', 'decided_at'])
      .where('partnership_id', '=', north.id).where('status', 'in', ['confirmed', 'rejected']).orderBy('description_norm').execute());
    const before = await decided();
    expect(before.some((d) => d.status === 'rejected')).toBe(true);
    const summary = await matchVenueDescriptions(handle.db, analyst, { rescore: true });
    expect(summary.scored).toBeGreaterThan(0);
    expect(summary.scored + summary.decidedByPeople).toBe(summary.descriptions);
    expect(summary.decidedByPeople).toBe(before.length);
    expect(summary.review).toBe(0);
    await importPremisesRegister(handle.db, analyst, { fileName: 'licensed-premises.csv', input: createReadStream(registerPath) });
    expect(await decided()).toEqual(before);
  });

  it('matches descriptions that arrive in later uploads when matching runs again', async () => {
    await buildAgreement(handle, north, { title: 'More A&E', partyAgencyIds: [north.agencies.ae], datasets: ['istv'] });
    const header = 'ARRIVAL DATE AND TIME AT ACCIDENT AND EMERGENCY DEPARTMENT,ASSAULT DATE AND TIME,ASSAULT METHOD,ASSAULT METHOD OTHER DESCRIPTION,ASSAULT LOCATION TYPE,ASSAULT LOCATION DESCRIPTION';
    const csv = `${header}\r\n2025-06-07 00:40,2025-06-06 23:55,body-part,,street,"outside THE RED LION, market place"\r\n`;
    const result = await importFile(handle, {
      actor: north.actorFor('ae'), partnershipId: north.id, kind: 'istv', fileName: 'late.csv', input: Readable.from([Buffer.from(csv)]), channel: 'cli',
      feed: { istv: { periodStart: '2025-06-01', periodEnd: '2025-06-30', siteCode: 'XKB02' } },
    });
    expect(result.status).toBe('imported');
    expect(await aliasOf(north.id, 'outside THE RED LION, market place')).toBeUndefined();
    expect(await countNewDescriptions(handle.db, analyst)).toBe(1);
    const browser = new Browser(app);
    await browser.signIn(north.emails.analyst, TEST_PASSWORD);
    expect((await browser.get('/analysis/venues')).body).toContain('1 A&amp;E location description has arrived since matching last ran');
    const pressed = await browser.post('/analysis/venues/match', {});
    expect(pressed.statusCode).toBe(302);
    expect(await countNewDescriptions(handle.db, analyst)).toBe(0);
    const alias = await aliasOf(north.id, 'outside THE RED LION, market place');
    expect(alias?.status).not.toBe('no-match');
    const redLion = (await premisesIdByName(north.id)).get('The Red Lion')!;
    if (alias!.status === 'review') expect(alias!.candidates[0]!.premisesId).toBe(redLion);
    else expect(alias!.premises).toBe('The Red Lion');
    // Put the attendance aside so the ranking below is the generator's months only.
    await sql`DELETE FROM incidents WHERE partnership_id = ${north.id} AND upload_id = ${result.uploadId}`.execute(handle.db);
    await sql`DELETE FROM venue_aliases WHERE partnership_id = ${north.id} AND description_norm = ${alias!.description_norm}`.execute(handle.db);
  });
});

describe('the ranking', () => {
  const expectedFor = (from: string, to: string) => {
    const byVenue = new Map<string, { total: number; byHour: number[]; friSat: number }>();
    for (const a of attendances) {
      const name = truth.get(a.description);
      if (!name || a.month < from || a.month > to) continue;
      const v = byVenue.get(name) ?? { total: 0, byHour: new Array<number>(24).fill(0), friSat: 0 };
      v.total++;
      v.byHour[a.hour]!++;
      if (a.friSatNight) v.friSat++;
      byVenue.set(name, v);
    }
    return byVenue;
  };

  it('ranks premises by attendances over the latest 12 months of A&E data, as counted from the raw files', async () => {
    const to = attendances.reduce((max, a) => (a.month > max ? a.month : max), '');
    expect(to).toBe(END_MONTH);
    const from = addMonths(to, -11);
    const expected = expectedFor(from, to);
    const ranking = await getVenueRanking(handle.db, analyst);
    expect(ranking.period).toEqual({ from, to });
    expect(ranking.suppressed).toBe(false);
    expect(new Map(ranking.venues.map((v) => [v.name, v.attendances.value]))).toEqual(new Map([...expected].map(([name, v]) => [name, v.total])));
    const counts = ranking.venues.map((v) => v.attendances.value!);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    const total = [...expected.values()].reduce((s, v) => s + v.total, 0);
    expect(ranking.total.value).toBe(total);
    expect(ranking.allAttendances.value).toBe(attendances.filter((a) => a.month >= from && a.month <= to).length);
    for (const v of ranking.venues) {
      const e = expected.get(v.name)!;
      expect(v.night.map((c) => c.value), v.name).toEqual(NIGHT_HOURS.map((h) => e.byHour[h]));
      expect(v.fridaySaturdayShare, v.name).toBeCloseTo(e.friSat / e.total, 10);
      expect(v.share, v.name).toBeCloseTo(e.total / total, 10);
    }
    // The generator's heaviest venue (the Cardiff Model finding) comes first.
    expect(ranking.venues[0]!.name).toBe('Liquid Nightclub');
  });

  it('counts a chosen period, and refuses one that ends before it starts', async () => {
    const expected = expectedFor('2025-01', '2025-03');
    const ranking = await getVenueRanking(handle.db, analyst, { from: '2025-01', to: '2025-03' });
    expect(new Map(ranking.venues.map((v) => [v.name, v.attendances.value]))).toEqual(new Map([...expected].map(([name, v]) => [name, v.total])));
    await expect(getVenueRanking(handle.db, analyst, { from: '2025-03', to: '2025-01' })).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('withholds counts of 1 to 4 from a viewer, everywhere', async () => {
    // One month: small counts are sure to appear.
    const month = { from: END_MONTH, to: END_MONTH };
    const full = await getVenueRanking(handle.db, analyst, month);
    const shown = await getVenueRanking(handle.db, viewer, month);
    expect(shown.suppressed).toBe(true);
    const analystCount = new Map(full.venues.map((v) => [v.name, v.attendances.value!]));
    expect([...analystCount.values()].some((n) => n > 0 && n < 5)).toBe(true);
    for (const v of shown.venues) {
      const n = analystCount.get(v.name)!;
      if (n < 5) expect(v.attendances.suppressed, v.name).toBe(true);
      if (!v.attendances.suppressed) expect(v.attendances.value).toBe(n);
      for (const cell of v.night) if (!cell.suppressed) expect(cell.value === 0 || cell.value! >= 5).toBe(true);
    }
    // Exactly one withheld would be recoverable from the total: never.
    expect(shown.venues.filter((v) => v.attendances.suppressed).length).not.toBe(1);

    const browser = new Browser(app);
    await browser.signIn(north.emails.viewer, TEST_PASSWORD);
    const page = await browser.get(`/analysis/venues?from=${END_MONTH}&to=${END_MONTH}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(WITHHELD);
    const csv = await browser.get(`/analysis/venues/licensing-review.csv?from=${END_MONTH}&to=${END_MONTH}`);
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = parse(csv.body, { columns: true }) as Array<Record<string, string>>;
    for (const row of rows) {
      const n = analystCount.get(row['Venue']!)!;
      expect(row['A&E assault attendances'], row['Venue']).toBe(n < 5 || row['A&E assault attendances'] === WITHHELD ? WITHHELD : String(n));
    }
    expect((await browser.get('/analysis/venues/review')).statusCode).toBe(404);
    expect((await browser.get('/analysis/venues/register')).statusCode).toBe(404);

    const analystBrowser = new Browser(app);
    await analystBrowser.signIn(north.emails.analyst, TEST_PASSWORD);
    const analystCsv = parse((await analystBrowser.get(`/analysis/venues/licensing-review.csv?from=${END_MONTH}&to=${END_MONTH}`)).body, { columns: true }) as Array<Record<string, string>>;
    expect(analystCsv.map((r) => [r['Venue'], Number(r['A&E assault attendances'])])).toEqual(full.venues.map((v) => [v.name, v.attendances.value]));
  });

  it('shows the ranking and the register as pages with captioned tables', async () => {
    const browser = new Browser(app);
    await browser.signIn(north.emails.analyst, TEST_PASSWORD);
    const page = await browser.get('/analysis/venues');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<caption class="govuk-table__caption govuk-table__caption--m">Licensed premises by A&amp;E assault attendances');
    expect(page.body).toContain('Time of night');
    expect(page.body).toContain('Liquid Nightclub');
    const invalid = await browser.get('/analysis/venues?from=2025-13');
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('govuk-error-summary');
    const register = await browser.get('/analysis/venues/register');
    expect(register.statusCode).toBe(200);
    expect(register.body).toContain('Liquid Nightclub');
  });

  it('keeps the attendances of premises a new register no longer lists, and restores them when listed again', async () => {
    const lines = readFileSync(registerPath, 'utf8').split('\r\n');
    const without = lines.filter((l) => !l.startsWith('Liquid Nightclub,')).join('\r\n');
    const before = (await getVenueRanking(handle.db, analyst)).venues.find((v) => v.name === 'Liquid Nightclub')!;
    const browser = new Browser(app);
    await browser.signIn(north.emails['partnership-admin'], TEST_PASSWORD);
    await browser.get('/analysis/venues/register');
    const upload = await browser.postMultipart('/analysis/venues/register', multipartBody({}, [{ name: 'register', fileName: 'register.csv', content: without, type: 'text/csv' }]));
    expect(upload.statusCode).toBe(302);
    expect(upload.headers.location).toContain('removed=1');
    const after = (await getVenueRanking(handle.db, analyst)).venues.find((v) => v.name === 'Liquid Nightclub')!;
    expect(after).toMatchObject({ removed: true, attendances: before.attendances });
    const back = await importPremisesRegister(handle.db, analyst, { fileName: 'licensed-premises.csv', input: createReadStream(registerPath) });
    expect(back).toMatchObject({ restored: 1, removed: 0, added: 0 });

    const bad = await browser.postMultipart('/analysis/venues/register', multipartBody({}, [{ name: 'register', fileName: 'bad.csv', content: 'name,address,postcode\nThe Crown,"1 Road",nope\n', type: 'text/csv' }]));
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('not a UK postcode');
    expect(bad.body).toContain('govuk-error-summary');
  });
});

describe('partnership isolation and the API', () => {
  it('shows another partnership nothing, and refuses its decisions like a missing record', async () => {
    const southAnalyst = south.actorFor('council', 'analyst');
    const csv = 'name,address,postcode\nSouth Secret Bar,"1 South Street, Southtown",KB9 9ZZ\n';
    await importPremisesRegister(handle.db, southAnalyst, { fileName: 'south.csv', input: Readable.from([Buffer.from(csv)]) });
    const southRanking = await getVenueRanking(handle.db, southAnalyst);
    expect(southRanking.period).toBeNull();
    expect(southRanking.venues).toEqual([]);
    expect((await getReviewQueue(handle.db, southAnalyst)).items).toEqual([]);
    const northRanking = await getVenueRanking(handle.db, analyst);
    expect(northRanking.venues.map((v) => v.name)).not.toContain('South Secret Bar');
    await expect(decideVenueMatch(handle.db, southAnalyst, { description: 'liquid', premisesId: null })).rejects.toMatchObject({ code: 'not-found-or-no-access' });
    const southBar = (await premisesIdByName(south.id)).get('South Secret Bar')!;
    await expect(decideVenueMatch(handle.db, analyst, { description: 'liquid', premisesId: southBar })).rejects.toMatchObject({ code: 'not-found-or-no-access' });
  });

  it('serves the ranking and the review queue as JSON, and answers for another partnership as for a missing one', async () => {
    const { token } = await createApiToken(handle.db, north.admin, { agencyId: north.agencies.council, role: 'analyst', name: 'venues analyst' });
    const { token: viewerToken } = await createApiToken(handle.db, north.admin, { agencyId: north.agencies.council, role: 'viewer', name: 'venues viewer' });
    const auth = { authorization: `Bearer ${token}` };
    const ranking = await app.inject({ method: 'GET', url: '/api/v1/partnerships/venues-north/venues', headers: auth });
    expect(ranking.statusCode).toBe(200);
    const body = ranking.json() as { suppressed: boolean; venues: Array<{ name: string; attendances: number }> };
    const service = await getVenueRanking(handle.db, analyst);
    expect(body.suppressed).toBe(false);
    expect(body.venues.map((v) => [v.name, v.attendances])).toEqual(service.venues.map((v) => [v.name, v.attendances.value]));
    const viewed = await app.inject({ method: 'GET', url: `/api/v1/partnerships/venues-north/venues?from=${END_MONTH}&to=${END_MONTH}`, headers: { authorization: `Bearer ${viewerToken}` } });
    expect(viewed.statusCode).toBe(200);
    expect((viewed.json() as { suppressed: boolean; venues: Array<{ attendances: number | null }> }).venues.some((v) => v.attendances === null)).toBe(true);
    const review = await app.inject({ method: 'GET', url: '/api/v1/partnerships/venues-north/venues/review', headers: auth });
    expect(review.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/partnerships/venues-north/venues/review', headers: { authorization: `Bearer ${viewerToken}` } })).statusCode).toBe(404);

    const attempts: Array<{ method: 'GET' | 'POST'; url: string; payload?: string; type?: string }> = [
      { method: 'GET', url: '/api/v1/partnerships/venues-south/venues' },
      { method: 'GET', url: '/api/v1/partnerships/venues-south/venues/review' },
      { method: 'POST', url: '/api/v1/partnerships/venues-south/venues/review', payload: JSON.stringify({ description: 'liquid', premisesId: null }), type: 'application/json' },
      { method: 'POST', url: '/api/v1/partnerships/venues-south/venues/match' },
      { method: 'POST', url: '/api/v1/partnerships/venues-south/venues/register', payload: 'name,address,postcode\n', type: 'text/csv' },
    ];
    for (const { method, url, payload, type } of attempts) {
      const headers = { ...auth, ...(type ? { 'content-type': type } : {}) };
      const other = await app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
      const missing = await app.inject({ method, url: url.replace('/venues-south/', '/nowhere/'), headers, ...(payload ? { payload } : {}) });
      expect(other.statusCode, url).toBe(404);
      expect(missing.statusCode, url).toBe(404);
      expect(other.json(), url).toEqual(missing.json());
    }

    const openapi = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as { paths: Record<string, Record<string, { tags?: string[] }>> };
    expect(openapi.paths['/api/v1/partnerships/{slug}/venues']?.get?.tags).toEqual(['venues']);
    expect(openapi.paths['/api/v1/partnerships/{slug}/venues/review']?.get?.tags).toEqual(['venues']);
  });

  it('imports the register and records decisions through the API', async () => {
    const { token } = await createApiToken(handle.db, north.admin, { agencyId: north.agencies.council, role: 'partnership-admin', name: 'venues admin' });
    const auth = { authorization: `Bearer ${token}` };
    const imported = await app.inject({ method: 'POST', url: '/api/v1/partnerships/venues-north/venues/register?fileName=register.csv', headers: { ...auth, 'content-type': 'text/csv' }, payload: readFileSync(registerPath) });
    expect(imported.statusCode).toBe(200);
    expect(imported.json()).toMatchObject({ added: 0, removed: 0 });
    const refused = await app.inject({ method: 'POST', url: '/api/v1/partnerships/venues-north/venues/register', headers: { ...auth, 'content-type': 'text/csv' }, payload: 'name,address,postcode\nX,,KB1 1AA\n' });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ error: 'file-refused', details: [{ line: 2, field: 'address' }] });
    const decided = await app.inject({ method: 'POST', url: '/api/v1/partnerships/venues-north/venues/review', headers: auth, payload: { description: 'Castle Gate', premisesId: null } });
    expect(decided.statusCode).toBe(200);
    expect(decided.json()).toEqual({ description: 'castle gate', status: 'rejected', premisesId: null });
    expect((await verifyAuditChain(handle.db, north.id)).ok).toBe(true);
  });
});

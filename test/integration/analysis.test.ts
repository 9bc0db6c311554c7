import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { importFile, type ImportResult } from '../../src/modules/ingestion/import.service.ts';
import { withdrawUpload } from '../../src/modules/ingestion/data.service.ts';
import { runRetentionJob } from '../../src/modules/agreements/retention.service.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { buildAgreement, buildPartnership, CITY_POLICE_DIR, hasSharedData, loadCityGeography, TEST_PASSWORD, type TestPartnership } from '../support/factories.ts';
import { addMonths, binomTestHalf, bngOf, CATEGORY_OF, CITY_LSOAS, files, findOneSmallCategory, inPeriod, isLocated, months, raw, rawByFile, type RawRow, tally, THRESHOLD } from '../support/city-reference.ts';
import { Browser, buildTestApp } from '../support/http.ts';
import { expectUploadCountsMatchIncidents } from '../support/counts-reference.ts';

/**
 * The analysis workspace on the real City of London police.uk files: the counts kept on
 * import, and the pages and downloads built on them, checked against figures computed here
 * from the raw CSV files.
 */

// ---- Reading pages ---------------------------------------------------------------------

const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&nbsp;/g, ' ');
const text = (html: string) => decode(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();

type Table = { headers: string[]; rows: Array<Array<{ text: string; html: string }>> };

/** The page's table marked data-table="name". */
function table(html: string, name: string): Table {
  const match = new RegExp(`<table[^>]*data-table="${name}"[^>]*>([\\s\\S]*?)</table>`).exec(html);
  if (!match) throw new Error(`The page has no table "${name}"`);
  const body = match[1]!;
  const head = /<thead[\s\S]*?<\/thead>/.exec(body)?.[0] ?? '';
  const headers = [...head.matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((m) => text(m[1]!));
  const tbody = /<tbody[\s\S]*?<\/tbody>/.exec(body)?.[0] ?? body;
  const rows = [...tbody.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((tr) => [...tr[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => ({ text: text(c[1]!), html: c[1]! })));
  return { headers, rows };
}
function tables(html: string): string[] {
  return [...html.matchAll(/data-table="([^"]+)"/g)].map((m) => m[1]!);
}
/** A count as the page shows it: null for [c]. */
function shown(value: string): number | null {
  if (value === '[c]') return null;
  const n = Number(value.replace(/,/g, ''));
  if (!Number.isFinite(n) || value === '') throw new Error(`"${value}" is not a count`);
  return n;
}
function figure(html: string, name: string): string {
  const match = new RegExp(`data-figure="${name}"[^>]*>([\\s\\S]*?)</span>`).exec(html);
  if (!match) throw new Error(`The page has no figure "${name}"`);
  return text(match[1]!);
}
function summaryValue(html: string, key: string): string {
  const match = new RegExp(`<dt[^>]*>\\s*${key}\\s*</dt>\\s*<dd[^>]*>([\\s\\S]*?)</dd>`).exec(html);
  if (!match) throw new Error(`The page has no summary row "${key}"`);
  return text(match[1]!);
}

const COUNT_HEADERS = /^(Incidents|A year earlier|A&E assaults|Police violence)$/;

/**
 * Every count a page publishes: the count columns of its tables, every cell of the week
 * heatmap, its headline figures and the summary list's "Incidents".
 */
function pageCounts(html: string): Array<{ where: string; n: number | null }> {
  const out: Array<{ where: string; n: number | null }> = [];
  for (const name of tables(html)) {
    const t = table(html, name);
    t.headers.forEach((header, col) => {
      if (name !== 'heatmap' && !COUNT_HEADERS.test(header)) return;
      if (name === 'heatmap' && col === 0) return;
      for (const [i, row] of t.rows.entries()) {
        const cell = row[col];
        // Rows are named by their first cell: tables sorted by rate order rows differently when rates are hidden.
        if (cell && row.length === t.headers.length) out.push({ where: `${name}[${row[0]!.text || i}].${header}`, n: shown(cell.text) });
      }
    });
  }
  for (const name of ['total', 'ae', 'police']) {
    if (html.includes(`data-figure="${name}"`)) out.push({ where: `figure ${name}`, n: shown(figure(html, name)) });
  }
  if (/<dt[^>]*>\s*Incidents\s*<\/dt>/.test(html)) out.push({ where: 'summary Incidents', n: shown(summaryValue(html, 'Incidents')) });
  return out;
}

function csv(body: string): RawRow[] {
  return parse(body, { columns: true, bom: true }) as RawRow[];
}

describe.skipIf(!hasSharedData)('analysis counts kept on import (needs ../shared/data)', () => {
  let handle: TestDatabase;
  let p: TestPartnership;
  const uploads = new Map<string, number[]>();

  const importOne = async (f: string) => {
    const result: ImportResult = await importFile(handle, { actor: p.actorFor('police'), partnershipId: p.id, kind: 'police-uk', fileName: f, input: createReadStream(join(CITY_POLICE_DIR, f)), channel: 'cli' });
    expect(result.status, `${f}: ${result.message}`).toBe('imported');
    uploads.set(f, [...(uploads.get(f) ?? []), result.uploadId]);
    return result;
  };

  beforeAll(async () => {
    handle = await createTestDatabase();
    p = await buildPartnership(handle, { slug: 'city' });
    await buildAgreement(handle, p, { retentionMonths: 84 });
    await loadCityGeography(handle, p);
    for (const f of files) await importOne(f);
  });
  afterAll(async () => handle?.drop());

  /** Each table's counts grouped by a key, as a Map. */
  async function grouped(query: ReturnType<typeof sql<{ k: string; n: number }>>): Promise<Map<string, number>> {
    const { rows } = await query.execute(handle.db);
    return new Map(rows.map((r) => [r.k, Number(r.n)]));
  }
  const countsByMonthType = () => grouped(sql<{ k: string; n: number }>`SELECT to_char(month, 'YYYY-MM') || '|' || source_category AS k, sum(n)::int AS n FROM incident_counts WHERE partnership_id = ${p.id} GROUP BY 1`);
  const countsByLsoa = () => grouped(sql<{ k: string; n: number }>`SELECT a.code AS k, sum(c.n)::int AS n FROM incident_counts c JOIN areas a ON a.id = c.lsoa11_id WHERE c.partnership_id = ${p.id} GROUP BY 1`);
  const squaresByMonth = () => grouped(sql<{ k: string; n: number }>`SELECT to_char(month, 'YYYY-MM') || '|' || cell_e || '|' || cell_n AS k, sum(n)::int AS n FROM incident_cell_counts WHERE partnership_id = ${p.id} GROUP BY 1`);

  /** The counts tables against the incidents they summarise, on every column they keep. */
  async function expectCountsMatchIncidents() {
    await expectUploadCountsMatchIncidents(handle.db, p.id);
  }

  /** The counts tables against the raw files, for the rows the store should now hold. */
  async function expectCountsMatchRaw(rows: RawRow[]) {
    expect(await countsByMonthType()).toEqual(tally(rows, (r) => `${r.Month}|${r['Crime type']}`));
    // Every City LSOA code is the same in both census vintages, so the file's code is the 2011 one.
    expect(await countsByLsoa()).toEqual(tally(rows.filter((r) => CITY_LSOAS.includes(r['LSOA code']!)), (r) => r['LSOA code']!));
    expect(await squaresByMonth()).toEqual(tally(rows.filter(isLocated), (r) => {
      const [e, n] = bngOf(r);
      return `${r.Month}|${Math.floor(e / 50)}|${Math.floor(n / 50)}`;
    }));
  }

  it('holds, after importing every file, the counts of the raw files by month and crime type, by LSOA and by 50 m square', async () => {
    expect(raw.length).toBe(19_950);
    await expectCountsMatchRaw(raw);
    await expectCountsMatchIncidents();
    // Rows are grouped, not copied: the counts table is much smaller than the incidents.
    const { rows } = await sql<{ counts: number; cells: number }>`SELECT (SELECT count(*) FROM incident_counts WHERE partnership_id = ${p.id})::int AS counts,
      (SELECT count(*) FROM incident_cell_counts WHERE partnership_id = ${p.id})::int AS cells`.execute(handle.db);
    expect(rows[0]!.counts).toBeLessThan(raw.length / 2);
    expect(rows[0]!.cells).toBeGreaterThan(0);
  });

  it('keeps them when two files are imported again, replacing their batches', async () => {
    for (const f of ['2024-03-city-of-london-street.csv', '2024-11-city-of-london-street.csv']) {
      const result = await importOne(f);
      expect(result.replaced).toBe(rawByFile.get(f)!.length);
    }
    await expectCountsMatchRaw(raw);
    await expectCountsMatchIncidents();
  });

  it('removes exactly a withdrawn upload\'s counts, and nothing for an upload whose rows were all replaced', async () => {
    const replaced = uploads.get('2024-11-city-of-london-street.csv')![0]!;
    expect((await withdrawUpload(handle.db, p.actorFor('police'), replaced)).deleted).toBe(0);
    await expectCountsMatchRaw(raw);

    const latest = uploads.get('2024-03-city-of-london-street.csv')!.at(-1)!;
    const { deleted } = await withdrawUpload(handle.db, p.actorFor('police'), latest);
    expect(deleted).toBe(rawByFile.get('2024-03-city-of-london-street.csv')!.length);
    await expectCountsMatchRaw(raw.filter((r) => r.Month !== '2024-03'));
    await expectCountsMatchIncidents();
  });

  it('removes the counts of months past their retention period with the incidents', async () => {
    // Retention 84 months (7 years): on 1 August 2030, months ending on or before 31 July 2030
    // less 7 years (May, June and July 2023) have expired; August 2023 has not.
    const results = await runRetentionJob(handle.db, '2030-08-01');
    const expired = ['2023-05', '2023-06', '2023-07'];
    const expiredRows = raw.filter((r) => expired.includes(r.Month!)).length;
    expect(results.reduce((s, r) => s + r.deleted, 0)).toBe(expiredRows);
    await expectCountsMatchRaw(raw.filter((r) => r.Month !== '2024-03' && !expired.includes(r.Month!)));
    await expectCountsMatchIncidents();
  });
});

describe.skipIf(!hasSharedData)('analysis pages and downloads (needs ../shared/data)', () => {
  let handle: TestDatabase;
  let app: FastifyInstance;
  let city: TestPartnership;
  let open: TestPartnership;
  const browsers: Record<string, Browser> = {};
  // The second partnership's agreement allows record-level export; it holds six months.
  const openFiles = files.filter((f) => f >= '2024-01' && f < '2024-07');
  const openRaw = openFiles.flatMap((f) => rawByFile.get(f)!);

  beforeAll(async () => {
    handle = await createTestDatabase();
    city = await buildPartnership(handle, { slug: 'city' });
    open = await buildPartnership(handle, { slug: 'open' });
    await buildAgreement(handle, city);
    await buildAgreement(handle, open, { recordLevelExport: true });
    for (const [p, list] of [[city, files], [open, openFiles]] as const) {
      await loadCityGeography(handle, p);
      for (const f of list) {
        const result = await importFile(handle, { actor: p.actorFor('police'), partnershipId: p.id, kind: 'police-uk', fileName: f, input: createReadStream(join(CITY_POLICE_DIR, f)), channel: 'cli' });
        expect(result.status, `${f}: ${result.message}`).toBe('imported');
      }
    }
    app = await buildTestApp(handle);
    for (const [name, p, role] of [['analyst', city, 'analyst'], ['viewer', city, 'viewer'], ['openAnalyst', open, 'analyst'], ['openViewer', open, 'viewer']] as const) {
      browsers[name] = new Browser(app);
      const response = await browsers[name].signIn(p.emails[role], TEST_PASSWORD);
      expect(response.statusCode).toBe(302);
    }
  });
  afterAll(async () => {
    await app?.close();
    await handle?.drop();
  });

  const page = async (who: string, url: string, status = 200) => {
    const response = await browsers[who]!.get(url);
    expect(response.statusCode, `${who} ${url}: ${text(response.body).slice(0, 400)}`).toBe(status);
    return response.body;
  };

  describe('overview page', () => {
    it('shows the total, the months and the categories of the raw files, and the exact year-on-year test', async () => {
      const from = '2024-06';
      const to = '2025-05';
      const current = raw.filter(inPeriod(from, to));
      const previous = raw.filter(inPeriod(addMonths(from, -12), addMonths(to, -12)));
      const html = await page('analyst', `/analysis?from=${from}&to=${to}`);
      expect(shown(figure(html, 'total'))).toBe(current.length);

      const trend = table(html, 'trend');
      const byMonth = tally(current, (r) => r.Month!);
      const byMonthBefore = tally(previous, (r) => r.Month!);
      expect(trend.rows.map((r) => [shown(r[1]!.text), shown(r[2]!.text)])).toEqual(months(from, to).map((m) => [byMonth.get(m) ?? 0, byMonthBefore.get(addMonths(m, -12)) ?? 0]));

      const categories = table(html, 'categories');
      const onPage = new Map(categories.rows.map((r) => [/category=([a-z-]+)/.exec(r[0]!.html)![1]!, shown(r[1]!.text)!] as const).filter(([, n]) => n > 0));
      expect(onPage).toEqual(tally(current, (r) => CATEGORY_OF[r['Crime type']!]!));

      // The verdict quotes p to three decimals (or "< 0.001").
      const pValue = binomTestHalf(current.length, current.length + previous.length);
      const quoted = pValue < 0.001 ? 'p = < 0.001' : `p = ${pValue.toFixed(3)}`;
      const verdict = figure(html, 'total-verdict');
      expect(verdict).toContain(quoted);
      const percent = Math.abs((current.length / previous.length - 1) * 100).toFixed(0);
      expect(verdict).toContain(`${current.length >= previous.length ? 'up' : 'down'} ${percent}%`);
    });

    it('says a year-on-year change is not comparable when the earlier months are missing, and still counts the months', async () => {
      const html = await page('analyst', '/analysis?from=2024-01&to=2024-06');
      const current = raw.filter(inPeriod('2024-01', '2024-06'));
      expect(shown(figure(html, 'total'))).toBe(current.length);
      expect(figure(html, 'total-verdict')).toContain('Not comparable: months a year earlier are missing');
      const byMonth = tally(current, (r) => r.Month!);
      expect(table(html, 'trend').rows.map((r) => shown(r[1]!.text))).toEqual(months('2024-01', '2024-06').map((m) => byMonth.get(m)!));
    });

    it('narrows by category and by area exactly as the raw files do', async () => {
      const current = raw.filter(inPeriod('2024-01', '2024-06'));
      const cases: Array<{ query: string; keep: (r: RawRow) => boolean }> = [
        { query: 'category=violence', keep: (r) => r['Crime type'] === 'Violence and sexual offences' },
        { query: 'area=lsoa11:E01032740', keep: (r) => r['LSOA code'] === 'E01032740' },
        { query: 'category=violence&area=lsoa11:E01032740&area=lsoa11:E01000001', keep: (r) => r['Crime type'] === 'Violence and sexual offences' && ['E01032740', 'E01000001'].includes(r['LSOA code']!) },
      ];
      for (const { query, keep } of cases) {
        const html = await page('analyst', `/analysis?from=2024-01&to=2024-06&${query}`);
        const rows = current.filter(keep);
        expect(rows.length, query).toBeGreaterThan(20);
        expect(shown(figure(html, 'total')), query).toBe(rows.length);
        const byMonth = tally(rows, (r) => r.Month!);
        expect(table(html, 'trend').rows.map((r) => shown(r[1]!.text)), query).toEqual(months('2024-01', '2024-06').map((m) => byMonth.get(m) ?? 0));
      }
    });
  });

  describe('suppression', () => {
    const small = findOneSmallCategory(raw, { first: '2024-06', last: '2025-05' });

    it('hides a second category on the page when exactly one is small, for a viewer only', async () => {
      expect(small).not.toBeNull();
      const { lsoa, from, to, counts, smallKey } = small!;
      const url = `/analysis?from=${from}&to=${to}&area=lsoa11:${lsoa}`;
      const read = (html: string) => new Map(table(html, 'categories').rows.map((r) => [/category=([a-z-]+)/.exec(r[0]!.html)![1]!, shown(r[1]!.text)] as const));
      const asViewer = read(await page('viewer', url));
      const hidden = [...asViewer].filter(([, n]) => n === null).map(([k]) => k);
      expect(hidden).toHaveLength(2);
      expect(hidden).toContain(smallKey);
      const smallestOther = Math.min(...[...counts].filter(([k]) => k !== smallKey).map(([, n]) => n));
      expect(counts.get(hidden.find((k) => k !== smallKey)!)).toBe(smallestOther);
      for (const [k, n] of asViewer) if (n !== null && n > 0) expect(n).toBe(counts.get(k));

      const asAnalyst = read(await page('analyst', url));
      expect(new Map([...asAnalyst].filter(([, n]) => n! > 0))).toEqual(counts);
    });

    it('never shows a viewer a count from 1 to 4 on any view, where the analyst sees them', async () => {
      const cell = await busiestCell('2025-05', '2025-05');
      const urls = [
        `/analysis?from=${small!.from}&to=${small!.to}&area=lsoa11:${small!.lsoa}`,
        '/analysis?from=2025-05&to=2025-05&category=robbery&level=lsoa11',
        '/analysis/map?from=2025-05&to=2025-05&method=count&cell=250',
        '/analysis/map?from=2025-05&to=2025-05&method=gi&cell=250&category=drugs',
        '/analysis/map?from=2025-05&to=2025-05&layer=areas&level=lsoa11&category=weapons',
        '/analysis/hidden-violence?from=2025-01&to=2025-05&level=lsoa11',
        '/analysis/deprivation?from=2025-05&to=2025-05&category=drugs',
        `/analysis/areas/lsoa11/E01000003?from=2025-01&to=2025-05`,
        `/analysis/cells/250/${cell.col}/${cell.row}?from=2025-01&to=2025-05`,
      ];
      for (const url of urls) {
        const seen = pageCounts(await page('viewer', url));
        const truth = pageCounts(await page('analyst', url));
        const truthAt = new Map(truth.map((t) => [t.where, t.n]));
        expect(truthAt.size, `${url}: rows named uniquely`).toBe(truth.length);
        expect(seen.map((s) => s.where).sort(), url).toEqual([...truthAt.keys()].sort());
        expect(truth.some((t) => t.n! > 0 && t.n! < THRESHOLD), `${url} holds small numbers`).toBe(true);
        expect(truth.every((t) => t.n !== null), url).toBe(true);
        for (const s of seen) {
          if (s.n === null) continue;
          expect(s.n > 0 && s.n < THRESHOLD, `${url} ${s.where} = ${s.n}`).toBe(false);
          expect(s.n, `${url} ${s.where}`).toBe(truthAt.get(s.where));
        }
        expect(seen.some((s) => s.n === null), url).toBe(true);
      }
    });

    it('suppresses the viewer\'s download, and the analyst\'s where the agreement does not allow record-level export', async () => {
      const { lsoa, from, to, smallKey, counts } = small!;
      const url = `/analysis/overview/export.csv?table=category&from=${from}&to=${to}&area=lsoa11:${lsoa}`;
      for (const who of ['viewer', 'analyst']) {
        const response = await browsers[who]!.get(url);
        expect(response.statusCode, who).toBe(200);
        expect(response.headers['content-type']).toContain('text/csv');
        expect(response.headers['content-disposition']).toContain('attachment; filename="city-overview-by-category-');
        const rows = csv(response.body);
        expect(rows.find((r) => r.category === smallKey)!.incidents, who).toBe('suppressed');
        for (const r of rows) {
          if (r.incidents !== 'suppressed') {
            const n = Number(r.incidents);
            expect(n > 0 && n < THRESHOLD, `${who} ${r.category} = ${n}`).toBe(false);
            expect(n).toBe(counts.get(r.category!) ?? 0);
          }
        }
      }
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_events WHERE partnership_id = ${city.id} AND action = 'analysis.export' AND detail->>'suppressed' = 'true'`.execute(handle.db);
      expect(rows[0]!.n).toBe(2);
    });

    it('refuses the record-level download when an agreement does not allow it, saying why', async () => {
      const cell = await busiestCell('2025-05', '2025-05');
      const url = `/analysis/cells/250/${cell.col}/${cell.row}/incidents.csv?from=2025-05&to=2025-05`;
      const refused = await browsers.analyst!.get(url);
      expect(refused.statusCode).toBe(403);
      expect(text(refused.body)).toContain('do not allow record-level export');
      // A viewer may not even ask.
      expect((await browsers.viewer!.get(url)).statusCode).toBe(404);
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_events WHERE partnership_id = ${city.id} AND action = 'analysis.export-records'`.execute(handle.db);
      expect(rows[0]!.n).toBe(0);
    });

    it('gives the analyst real counts and the incidents where every agreement allows record-level export, and audits both', async () => {
      const found = findOneSmallCategory(openRaw, { first: '2024-01', last: '2024-06' });
      expect(found).not.toBeNull();
      const { lsoa, from, to, smallKey, counts } = found!;
      const response = await browsers.openAnalyst!.get(`/analysis/overview/export.csv?table=category&from=${from}&to=${to}&area=lsoa11:${lsoa}`);
      expect(response.statusCode).toBe(200);
      expect(response.body).not.toContain('suppressed');
      const rows = csv(response.body);
      expect(new Map(rows.filter((r) => Number(r.incidents) > 0).map((r) => [r.category!, Number(r.incidents)]))).toEqual(counts);
      expect(Number(rows.find((r) => r.category === smallKey)!.incidents)).toBeLessThan(THRESHOLD);
      // The same download is still suppressed for the partnership's viewer.
      const forViewer = await browsers.openViewer!.get(`/analysis/overview/export.csv?table=category&from=${from}&to=${to}&area=lsoa11:${lsoa}`);
      expect(csv(forViewer.body).find((r) => r.category === smallKey)!.incidents).toBe('suppressed');

      // The incidents of one 250 m cell, read from the cell page's square and counted in the raw files.
      const detail = await page('openAnalyst', `/analysis/map?from=2024-06&to=2024-06&method=count&cell=250`);
      const links = [...detail.matchAll(/href="\/analysis\/cells\/250\/(\d+)\/(\d+)\?/g)].map((m) => ({ col: Number(m[1]), row: Number(m[2]) }));
      expect(links.length).toBeGreaterThan(5);
      const month = openRaw.filter(inPeriod('2024-06', '2024-06')).filter(isLocated);
      let checked = 0;
      for (const { col, row } of links.slice(0, 3)) {
        const cellPage = await page('openAnalyst', `/analysis/cells/250/${col}/${row}?from=2024-06&to=2024-06`);
        const [minE, minN, maxE, maxN] = summaryValue(cellPage, 'Square \\(easting, northing\\)').split(/,? to |, /).map(Number) as [number, number, number, number];
        expect(maxE - minE).toBe(250);
        const inside = month.filter((r) => {
          const [e, n] = bngOf(r);
          return e >= minE && e < maxE && n >= minN && n < maxN;
        });
        if (inside.length > 500) continue;
        expect(shown(summaryValue(cellPage, 'Incidents'))).toBe(inside.length);
        const download = await browsers.openAnalyst!.get(`/analysis/cells/250/${col}/${row}/incidents.csv?from=2024-06&to=2024-06`);
        expect(download.statusCode).toBe(200);
        const incidents = csv(download.body);
        expect(incidents).toHaveLength(inside.length);
        expect(tally(incidents, (r) => r.source_category!)).toEqual(tally(inside, (r) => r['Crime type']!));
        expect(incidents.every((r) => r.month === '2024-06')).toBe(true);
        checked += 1;
      }
      expect(checked).toBeGreaterThan(0);

      // A cell holding more incidents than the page lists: the download still has every one.
      const bigMap = await page('openAnalyst', `/analysis/map?from=2024-01&to=2024-06&method=count&cell=500`);
      const top = table(bigMap, 'cells').rows[0]!;
      const [, bigCol, bigRow] = /\/analysis\/cells\/500\/(\d+)\/(\d+)/.exec(top[0]!.html)!;
      const bigPage = await page('openAnalyst', `/analysis/cells/500/${bigCol}/${bigRow}?from=2024-01&to=2024-06`);
      const [bMinE, bMinN, bMaxE, bMaxN] = summaryValue(bigPage, 'Square \\(easting, northing\\)').split(/,? to |, /).map(Number) as [number, number, number, number];
      const bigInside = openRaw.filter(isLocated).filter((r) => {
        const [e, n] = bngOf(r);
        return e >= bMinE && e < bMaxE && n >= bMinN && n < bMaxN;
      });
      expect(bigInside.length).toBeGreaterThan(500);
      expect(shown(summaryValue(bigPage, 'Incidents'))).toBe(bigInside.length);
      expect(table(bigPage, 'incidents').rows).toHaveLength(500);
      const bigDownload = await browsers.openAnalyst!.get(`/analysis/cells/500/${bigCol}/${bigRow}/incidents.csv?from=2024-01&to=2024-06`);
      expect(bigDownload.statusCode).toBe(200);
      const bigRows = csv(bigDownload.body);
      expect(bigRows).toHaveLength(bigInside.length);
      expect(tally(bigRows, (r) => `${r.month}|${r.source_category}`)).toEqual(tally(bigInside, (r) => `${r.Month}|${r['Crime type']}`));

      const audit = await sql<{ action: string; n: number }>`SELECT action, count(*)::int AS n FROM audit_events WHERE partnership_id = ${open.id} AND action LIKE 'analysis.%' GROUP BY 1`.execute(handle.db);
      const byAction = new Map(audit.rows.map((r) => [r.action, r.n]));
      expect(byAction.get('analysis.export')).toBe(2);
      expect(byAction.get('analysis.export-records')).toBe(checked + 1);
      const recorded = await sql<{ rows: number }>`SELECT (detail->>'rows')::int AS rows FROM audit_events WHERE partnership_id = ${open.id} AND action = 'analysis.export-records' ORDER BY id DESC LIMIT 1`.execute(handle.db);
      expect(recorded.rows[0]!.rows).toBe(bigInside.length);
      const unsuppressed = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_events WHERE partnership_id = ${open.id} AND action = 'analysis.export' AND detail->>'suppressed' = 'false'`.execute(handle.db);
      expect(unsuppressed.rows[0]!.n).toBe(1);
    });
  });

  /** The 250 m cell with the most incidents in the period, read off the analyst's map list. */
  async function busiestCell(from: string, to: string) {
    const html = await page('analyst', `/analysis/map?from=${from}&to=${to}&method=count&cell=250`);
    const first = table(html, 'cells').rows[0]!;
    const [, col, row] = /\/analysis\/cells\/250\/(\d+)\/(\d+)/.exec(first[0]!.html)!;
    return { col: Number(col), row: Number(row), count: shown(first[1]!.text)! };
  }

  describe('time filters', () => {
    it('counts nothing from police.uk for a day and hour, and says police.uk records months only', async () => {
      const html = await page('analyst', '/analysis?from=2024-06&to=2025-05&day=6&hour=22');
      expect(shown(figure(html, 'total'))).toBe(0);
      expect(text(html)).toContain('Police recorded crime and ASB (police.uk) records months only, not times, so it is left out while a day or hour filter is set.');
      expect(table(html, 'trend').rows.every((r) => shown(r[1]!.text) === 0)).toBe(true);
      const map = await page('analyst', '/analysis/map?from=2024-06&to=2025-05&day=6&hour=22&method=count&cell=250');
      expect(text(map)).toContain('months only');
      expect(table(map, 'cells').rows).toHaveLength(0);
      // Nothing is left to export, so no agreement stands in the way: the analyst of a
      // partnership whose agreement allows record-level export is not told otherwise.
      const cell = await busiestCell('2025-05', '2025-05');
      const records = await browsers.openAnalyst!.get(`/analysis/cells/250/${cell.col}/${cell.row}/incidents.csv?from=2024-01&to=2024-06&day=6&hour=22`);
      expect(records.statusCode, text(records.body)).toBe(200);
      expect(csv(records.body)).toHaveLength(0);
      const trend = await browsers.openAnalyst!.get('/analysis/overview/export.csv?table=trend&from=2024-01&to=2024-06&day=6&hour=22');
      expect(trend.statusCode).toBe(200);
      expect(csv(trend.body).map((r) => r.incidents)).toEqual(['0', '0', '0', '0', '0', '0']);
      // Without a time filter the note is not there, and the figure is not zero.
      const plain = await page('analyst', '/analysis?from=2024-06&to=2025-05');
      expect(text(plain)).not.toContain('records months only, not times');
      expect(shown(figure(plain, 'total'))).toBeGreaterThan(0);
    });
  });

  describe('every view', () => {
    it('renders each page', async () => {
      const q = 'from=2024-06&to=2025-05';
      const urls = [
        `/analysis?${q}`, `/analysis?${q}&level=lsoa11`, `/analysis?${q}&level=lsoa21`,
        `/analysis/map?${q}&layer=areas`, `/analysis/map?${q}&layer=areas&level=lsoa11`,
        `/analysis/when?${q}`, `/analysis/hidden-violence?${q}`, `/analysis/deprivation?${q}`,
        `/analysis/areas/lsoa11/E01032739?${q}`, `/analysis/areas/lsoa21/E01000001?${q}`,
      ];
      for (const shape of ['square', 'hex']) {
        for (const method of ['count', 'gi', 'emerging', ...(shape === 'square' ? ['kde'] : [])]) urls.push(`/analysis/map?${q}&shape=${shape}&method=${method}&cell=250`);
      }
      for (const url of urls) {
        for (const who of ['analyst', 'viewer']) {
          const html = await page(who, url);
          expect(html, url).toContain('<h1');
        }
      }
      const cell = await busiestCell('2024-06', '2025-05');
      const cellPage = await page('analyst', `/analysis/cells/250/${cell.col}/${cell.row}?${q}`);
      expect(shown(summaryValue(cellPage, 'Incidents'))).toBe(cell.count);
      expect(table(cellPage, 'incidents').rows.length).toBe(Math.min(cell.count, 500));
      const viewerCell = await page('viewer', `/analysis/cells/250/${cell.col}/${cell.row}?${q}`);
      expect(viewerCell).toContain('Incidents one by one are shown to analysts only');
      expect(viewerCell).not.toContain('data-table="incidents"');
    });

    it('opens a hexagon: its breakdown holds the incidents its map cell counts', async () => {
      expect((await browsers.analyst!.get('/analysis/map?shape=hex&method=kde')).statusCode).toBe(200);
      const grid = await browsers.analyst!.get('/analysis/map/export.csv?shape=hex&method=count&cell=250');
      const rows = grid.body.trim().split('\n').slice(1).map((line) => line.split(','));
      const busiest = rows.filter((r) => /^\d+$/.test(r[5]!)).sort((a, b) => Number(b[5]) - Number(a[5]))[0]!;
      expect(Number(busiest[5])).toBeGreaterThan(0);
      const [col, row] = busiest[0]!.split('-');
      const hexPage = await page('analyst', `/analysis/cells/250/${col}/${row}?shape=hex`);
      expect(hexPage).toContain('Hexagon, centre');
      expect(shown(summaryValue(hexPage, 'Incidents'))).toBe(Number(busiest[5]));
      expect(table(hexPage, 'incidents').rows.length).toBe(Math.min(Number(busiest[5]), 500));
    });

    it('answers a bad cell size and an unknown area with a message, not a failure', async () => {
      const badCell = await browsers.analyst!.get('/analysis/map?cell=260');
      expect(badCell.statusCode).toBe(400);
      expect(text(badCell.body)).toContain('multiple of 50 metres');
      expect((await browsers.analyst!.get('/analysis/areas/lsoa11/E01999999')).statusCode).toBe(404);
      expect((await browsers.analyst!.get('/analysis/cells/250/999/999')).statusCode).toBe(404);
    });

    it('gives the map one feature per grid cell, coloured by its class, and each area by its rate', async () => {
      const q = 'from=2024-06&to=2025-05&cell=250';
      for (const shape of ['square', 'hex']) {
        // The page's summary says how many cells the grid has.
        const html = await page('analyst', `/analysis/map?${q}&method=gi&shape=${shape}`);
        const cells = Number(/out of ([\d,]+) cells of 250 m/.exec(text(html))![1]!.replace(/,/g, ''));
        expect(cells).toBeGreaterThan(10);
        for (const method of ['count', 'gi']) {
          const response = await browsers.analyst!.get(`/analysis/map/features.geojson?${q}&method=${method}&shape=${shape}`);
          expect(response.statusCode).toBe(200);
          expect(response.headers['content-type']).toContain('application/geo+json');
          const doc = response.json() as { type: string; features: Array<{ geometry: { type: string; coordinates: number[][][] }; properties: { fill: string | null; label: string; href: string | null } }> };
          expect(doc.type).toBe('FeatureCollection');
          expect(doc.features).toHaveLength(cells);
          for (const f of doc.features) {
            expect(f.geometry.type).toBe('Polygon');
            expect(f.geometry.coordinates[0]).toHaveLength(shape === 'square' ? 5 : 7);
            expect('fill' in f.properties).toBe(true);
            if (f.properties.fill !== null) expect(f.properties.fill).toMatch(/^#[0-9a-f]{6}$/);
            if (method === 'count') {
              const count = Number(/: ([\d,]+) incidents/.exec(f.properties.label)![1]!.replace(/,/g, ''));
              expect(f.properties.fill === null, f.properties.label).toBe(count === 0);
            } else {
              expect(f.properties.fill === null, f.properties.label).toBe(f.properties.label.endsWith('Not significant'));
            }
            expect(f.properties.href).toMatch(shape === 'hex' ? /^\/analysis\/cells\/\d+\/\d+\/\d+.*shape=hex/ : /^\/analysis\/cells\/\d+\/\d+\/\d+/);
          }
          expect(new Set(doc.features.map((f) => f.properties.href)).size).toBe(cells);
        }
      }
      const areas = await browsers.analyst!.get(`/analysis/map/features.geojson?${q}&layer=areas&level=lsoa11`);
      expect(areas.statusCode).toBe(200);
      const doc = areas.json() as { features: Array<{ properties: { fill: string | null; label: string; href: string } }> };
      expect(doc.features).toHaveLength(CITY_LSOAS.length);
      const byLsoa = tally(raw.filter(inPeriod('2024-06', '2025-05')).filter((r) => CITY_LSOAS.includes(r['LSOA code']!)), (r) => r['LSOA code']!);
      for (const f of doc.features) {
        const code = /lsoa11\/(E\d+)/.exec(f.properties.href)![1]!;
        expect(f.properties.label).toContain(`${byLsoa.get(code)!.toLocaleString('en-GB')} incidents`);
        expect(f.properties.fill).toMatch(/^#[0-9a-f]{6}$/);
      }
    });
  });
});

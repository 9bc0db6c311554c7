import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { giStarZ } from '../../src/modules/analysis/hotspots/gi-star.ts';
import { fromBng, toBng } from '../../src/shared/bng.ts';
import { hasSharedData, SHARED_DATA } from '../support/factories.ts';
import { openCityApi, type CityApi } from '../support/city-api.ts';
import { addMonths, binomTestHalf, bngOf, CATEGORY_OF, CITY_LSOAS, findOneSmallCategory, inPeriod, isLocated, months, raw, type RawRow, tally, THRESHOLD } from '../support/city-reference.ts';

/**
 * The analysis API (/api/v1/partnerships/:slug/...) on the real City of London police.uk
 * files, checked against figures computed here from the raw CSV files: counts, the exact
 * year-on-year test, every hotspot grid cell, and small-number suppression by role.
 */

/** Standard normal upper tail by the complementary error function (Numerical Recipes erfcc, relative error < 1.2e-7). */
function twoSidedNormalP(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807
    + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return erfc;
}

/** Benjamini-Hochberg adjusted p-values, written out from the definition. */
function bh(p: number[]): number[] {
  const n = p.length;
  const order = p.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(n);
  let running = 1;
  for (let k = n - 1; k >= 0; k--) {
    running = Math.min(running, (order[k]![0] * n) / (k + 1));
    out[order[k]![1]] = running;
  }
  return out;
}

type Ring = Array<[number, number]>;
/** Even-odd ray casting over a polygon's rings (holes included). */
function inRings(lon: number, lat: number, rings: Ring[]): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** The City's LSOA 2021 polygons (the boundary the grid is laid over), from the open data file. */
function cityPolygons(): Ring[][] {
  const doc = JSON.parse(readFileSync(join(SHARED_DATA, 'boundaries/london-lsoa21.geojson'), 'utf8')) as {
    features: Array<{ properties: Record<string, string>; geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown } }>;
  };
  const polygons: Ring[][] = [];
  for (const f of doc.features) {
    if (f.properties.LAD22CD !== 'E09000001') continue;
    if (f.geometry.type === 'Polygon') polygons.push(f.geometry.coordinates as Ring[]);
    else polygons.push(...(f.geometry.coordinates as Ring[][]));
  }
  return polygons;
}

/** Every number a response publishes as a count (the keys the API documents as "null when suppressed"). */
function publishedCounts(value: unknown, path = ''): Array<{ path: string; n: number | null }> {
  const out: Array<{ path: string; n: number | null }> = [];
  const countKeys = new Set(['count', 'previous', 'ae', 'police', 'outsideGrid', 'total']);
  const walk = (v: unknown, p: string, key: string) => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        if (key === 'values' && Array.isArray(item)) item.forEach((x, j) => out.push({ path: `${p}[${i}][${j}]`, n: x as number | null }));
        else walk(item, `${p}[${i}]`, key);
      });
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) walk(child, `${p}.${k}`, k);
    } else if (countKeys.has(key) && (typeof v === 'number' || v === null)) {
      out.push({ path: p, n: v as number | null });
    }
  };
  walk(value, path, '');
  return out;
}

type HotspotCellJson = { id: string; col: number; row: number; easting: number; northing: number; count: number | null; density: number | null; z: number | null; p: number | null; p_fdr: number | null; class: string | null; pattern: string | null };
type HotspotsJson = { grid: { originEasting: number; originNorthing: number; cellSize: number; cells: number }; cells: HotspotCellJson[]; outsideGrid: number | null; slices: string[] | null; bandwidth: number | null; suppression: { applied: boolean; threshold: number } };

describe.skipIf(!hasSharedData)('analysis API on the real City of London files (needs ../shared/data)', () => {
  let city: CityApi;
  let app: CityApi['app'];
  let analyst: Record<string, string>;
  let viewer: Record<string, string>;
  let outsider: Record<string, string>;

  beforeAll(async () => {
    city = await openCityApi();
    ({ app, analyst, viewer, outsider } = city);
  });
  afterAll(async () => city?.close());

  const get = async (url: string, headers: Record<string, string>) => {
    const response = await app.inject({ method: 'GET', url, headers });
    return { status: response.statusCode, body: response.json() as Record<string, unknown> & { message?: string; error?: string } };
  };

  describe('overview', () => {
    const from = '2024-06';
    const to = '2025-05';
    const current = raw.filter(inPeriod(from, to));
    const previous = raw.filter(inPeriod(addMonths(from, -12), addMonths(to, -12)));

    it('gives the total, the months and the categories of the raw files, and the exact year-on-year test', async () => {
      const { status, body } = await get(`/api/v1/partnerships/city/overview?from=${from}&to=${to}`, analyst);
      expect(status, JSON.stringify(body)).toBe(200);
      const o = body as unknown as {
        suppression: { applied: boolean };
        total: { count: number; previous: number; change: { pValue: number; change: number } | null };
        trend: Array<{ month: string; count: number; previous: number }>;
        byCategory: Array<{ key: string; count: number; previous: number }>;
      };
      expect(o.suppression.applied).toBe(false);
      expect(o.total.count).toBe(current.length);
      expect(o.total.previous).toBe(previous.length);
      const byMonth = tally(current, (r) => r.Month!);
      const byMonthBefore = tally(previous, (r) => r.Month!);
      expect(o.trend.map((t) => t.month)).toEqual(months(from, to));
      for (const t of o.trend) {
        expect(t.count, t.month).toBe(byMonth.get(t.month) ?? 0);
        expect(t.previous, t.month).toBe(byMonthBefore.get(addMonths(t.month, -12)) ?? 0);
      }
      const byCategory = tally(current, (r) => CATEGORY_OF[r['Crime type']!]!);
      const byCategoryBefore = tally(previous, (r) => CATEGORY_OF[r['Crime type']!]!);
      expect(new Map(o.byCategory.filter((c) => c.count > 0).map((c) => [c.key, c.count]))).toEqual(byCategory);
      expect(new Map(o.byCategory.filter((c) => c.previous > 0).map((c) => [c.key, c.previous]))).toEqual(byCategoryBefore);

      const change = o.total.change!;
      expect(change).not.toBeNull();
      expect(change.change).toBeCloseTo(current.length / previous.length - 1, 10);
      const expectedP = binomTestHalf(current.length, current.length + previous.length);
      expect(Math.abs(change.pValue - expectedP)).toBeLessThan(1e-9 + 1e-6 * expectedP);
      // And for a category with a small count, where the test is least forgiving.
      const weapons = o.byCategory.find((c) => c.key === 'weapons')!;
      const wNow = byCategory.get('weapons')!;
      const wBefore = byCategoryBefore.get('weapons')!;
      expect(weapons.count).toBe(wNow);
      const weaponsChange = (weapons as unknown as { change: { pValue: number } }).change;
      expect(weaponsChange.pValue).toBeCloseTo(binomTestHalf(wNow, wNow + wBefore), 10);
    });

    it('narrows by category and by area exactly as the raw files do', async () => {
      const lsoa = 'E01000005';
      const cases: Array<{ query: string; keep: (r: RawRow) => boolean }> = [
        { query: 'category=violence', keep: (r) => r['Crime type'] === 'Violence and sexual offences' },
        { query: `area=lsoa11:${lsoa}`, keep: (r) => r['LSOA code'] === lsoa },
        { query: `category=violence&category=theft&area=lsoa11:${lsoa}`, keep: (r) => r['LSOA code'] === lsoa && ['violence', 'theft'].includes(CATEGORY_OF[r['Crime type']!]!) },
      ];
      for (const { query, keep } of cases) {
        const { status, body } = await get(`/api/v1/partnerships/city/overview?from=${from}&to=${to}&${query}`, analyst);
        expect(status, query).toBe(200);
        const o = body as unknown as { total: { count: number; previous: number }; trend: Array<{ month: string; count: number }> };
        const rows = current.filter(keep);
        expect(rows.length, query).toBeGreaterThan(50);
        expect(o.total.count, query).toBe(rows.length);
        expect(o.total.previous, query).toBe(previous.filter(keep).length);
        const byMonth = tally(rows, (r) => r.Month!);
        for (const t of o.trend) expect(t.count, `${query} ${t.month}`).toBe(byMonth.get(t.month) ?? 0);
      }
    });

    it('gives counts and rates per 1,000 residents by LSOA, ward and authority, and by deprivation decile, as the raw files and the ONS tables do', async () => {
      const readCsv = (file: string) => parse(readFileSync(join(SHARED_DATA, 'areas', file)), { columns: true, bom: true }) as RawRow[];
      const lsoas = new Set(CITY_LSOAS);
      const population = new Map(readCsv('population-lsoa11-mid2020-london.csv').filter((r) => lsoas.has(r.LSOA11CD!)).map((r) => [r.LSOA11CD!, Number(r['Persons_All-Ages']!.replace(/,/g, ''))]));
      const decile = new Map(readCsv('imd2019-lsoa11-london.csv').filter((r) => lsoas.has(r['LSOA code (2011)']!)).map((r) => [r['LSOA code (2011)']!, Number(r['Index of Multiple Deprivation (IMD) Decile'])]));
      const ward = new Map(readCsv('lsoa11-ward2019-lad2019-lookup-london.csv').filter((r) => lsoas.has(r.LSOA11CD!)).map((r) => [r.LSOA11CD!, r.WD19CD!]));
      expect(population.size).toBe(6);
      const byLsoa = tally(current.filter((r) => lsoas.has(r['LSOA code']!)), (r) => r['LSOA code']!);
      const sumBy = (group: (code: string) => string) => {
        const out = new Map<string, { count: number; population: number }>();
        for (const code of lsoas) {
          const g = out.get(group(code)) ?? { count: 0, population: 0 };
          g.count += byLsoa.get(code) ?? 0;
          g.population += population.get(code)!;
          out.set(group(code), g);
        }
        return out;
      };
      for (const [level, group] of [['lsoa11', (c: string) => c], ['ward', (c: string) => ward.get(c)!], ['lad', () => 'E09000001']] as const) {
        const { status, body } = await get(`/api/v1/partnerships/city/areas?from=${from}&to=${to}&level=${level}`, analyst);
        expect(status, level).toBe(200);
        const areas = (body as unknown as { areas: Array<{ code: string; count: number; population: number | null; rate: number | null; lower: number | null; upper: number | null }> }).areas;
        const expected = sumBy(group);
        expect(new Map(areas.map((a) => [a.code, a.count])), level).toEqual(new Map([...expected].map(([k, v]) => [k, v.count])));
        for (const a of areas) {
          const e = expected.get(a.code)!;
          expect(a.population, `${level} ${a.code}`).toBe(e.population);
          expect(a.rate!, `${level} ${a.code}`).toBeCloseTo((e.count / e.population) * 1000, 6);
          expect(a.lower!).toBeLessThan(a.rate!);
          expect(a.upper!).toBeGreaterThan(a.rate!);
        }
      }
      const { body } = await get(`/api/v1/partnerships/city/deprivation?from=${from}&to=${to}`, analyst);
      const deciles = (body as unknown as { deciles: Array<{ decile: number; areas: number; population: number; count: number; rate: number }> }).deciles;
      const expected = sumBy((c) => String(decile.get(c)));
      expect(deciles.map((d) => d.decile).sort((a, b) => a - b)).toEqual([...expected.keys()].map(Number).sort((a, b) => a - b));
      for (const d of deciles) {
        const e = expected.get(String(d.decile))!;
        expect([d.count, d.population], `decile ${d.decile}`).toEqual([e.count, e.population]);
        expect(d.rate).toBeCloseTo((e.count / e.population) * 1000, 6);
      }
    });

    it('refuses an unknown category or area with a message naming it', async () => {
      const category = await get(`/api/v1/partnerships/city/overview?category=nonsense`, analyst);
      expect(category.status).toBe(400);
      expect(category.body.message).toContain('nonsense');
      const area = await get(`/api/v1/partnerships/city/overview?area=lsoa11:E01999999`, analyst);
      expect(area.status).toBe(400);
      expect(area.body.message).toContain('E01999999');
    });
  });

  describe('hotspots', () => {
    const from = '2024-06';
    const to = '2025-05';
    const located = raw.filter(inPeriod(from, to)).filter(isLocated);

    /** Raw points counted into the response's squares: counts by cell id, and points outside every cell. */
    function countPoints(body: HotspotsJson, rows: RawRow[]) {
      const size = body.grid.cellSize;
      const ids = new Set(body.cells.map((c) => c.id));
      const counts = new Map<string, number>(body.cells.map((c) => [c.id, 0]));
      let outside = 0;
      for (const r of rows) {
        // Lantern stores eastings and northings in whole metres; a point 0.4 m from a line
        // would otherwise fall on the other side of it.
        const [e, n] = bngOf(r);
        const id = `${Math.floor((e - body.grid.originEasting) / size)}-${Math.floor((n - body.grid.originNorthing) / size)}`;
        if (ids.has(id)) counts.set(id, counts.get(id)! + 1);
        else outside += 1;
      }
      return { counts, outside };
    }

    // 250 m is the default; the City is small, so 100 m gives enough cells for significant results.
    describe.each([{ cell: 250, significant: false }, { cell: 100, significant: true }])('Gi* on the $cell m grid', ({ cell, significant }) => {
      let gi: HotspotsJson;
      beforeAll(async () => {
        const { status, body } = await get(`/api/v1/partnerships/city/hotspots?method=gi&cell=${cell}&from=${from}&to=${to}`, analyst);
        expect(status, JSON.stringify(body).slice(0, 500)).toBe(200);
        gi = body as unknown as HotspotsJson;
      });

      it('lays the grid by its stated rule: origin rounded down from the boundary, every cell whose centre is inside, empty ones too', () => {
        const polygons = cityPolygons();
        let minE = Infinity;
        let minN = Infinity;
        let maxE = -Infinity;
        let maxN = -Infinity;
        for (const rings of polygons) {
          for (const [lon, lat] of rings[0]!) {
            const [e, n] = toBng(lon, lat);
            minE = Math.min(minE, e); minN = Math.min(minN, n); maxE = Math.max(maxE, e); maxN = Math.max(maxN, n);
          }
        }
        expect(gi.grid.cellSize).toBe(cell);
        expect(gi.grid.originEasting).toBe(Math.floor(minE / cell) * cell);
        expect(gi.grid.originNorthing).toBe(Math.floor(minN / cell) * cell);
        const expected: string[] = [];
        for (let row = 0; gi.grid.originNorthing + row * cell <= maxN; row++) {
          for (let col = 0; gi.grid.originEasting + col * cell <= maxE; col++) {
            const [lon, lat] = fromBng(gi.grid.originEasting + (col + 0.5) * cell, gi.grid.originNorthing + (row + 0.5) * cell);
            if (polygons.some((rings) => inRings(lon, lat, rings))) expected.push(`${col}-${row}`);
          }
        }
        expect(gi.cells.map((c) => c.id).sort()).toEqual(expected.sort());
        expect(gi.grid.cells).toBe(gi.cells.length);
        for (const c of gi.cells) {
          expect(c.easting).toBe(gi.grid.originEasting + (c.col + 0.5) * cell);
          expect(c.northing).toBe(gi.grid.originNorthing + (c.row + 0.5) * cell);
        }
        expect(gi.cells.some((c) => c.count === 0)).toBe(true);
      });

      it('counts every raw point in its square, and the rest as outside the grid', () => {
        const { counts, outside } = countPoints(gi, located);
        for (const c of gi.cells) expect(c.count, `cell ${c.id}`).toBe(counts.get(c.id));
        const inside = [...counts.values()].reduce((s, n) => s + n, 0);
        expect(gi.cells.reduce((s, c) => s + c.count!, 0)).toBe(inside);
        expect(gi.outsideGrid).toBe(outside);
        expect(inside + outside).toBe(located.length);
        expect(outside).toBeGreaterThan(0);
      });

      it('gives Gi* z of these counts, p-values from z, Benjamini-Hochberg p_fdr and classes at the stated thresholds', () => {
        const { counts } = countPoints(gi, located);
        const cells = gi.cells.map((c) => ({ col: c.col, row: c.row }));
        const cols = Math.max(...cells.map((c) => c.col)) + 1;
        const rows = Math.max(...cells.map((c) => c.row)) + 1;
        const cellIndex = new Int32Array(cols * rows).fill(-1);
        cells.forEach((c, i) => { cellIndex[c.row * cols + c.col] = i; });
        const z = giStarZ({ cols, rows, cellIndex, cells }, gi.cells.map((c) => counts.get(c.id)!));
        gi.cells.forEach((c, i) => {
          expect(c.z, `z of ${c.id}`).toBeCloseTo(z[i]!, 5);
          expect(Math.abs(c.p! - twoSidedNormalP(c.z!)), `p of ${c.id}`).toBeLessThan(1e-6);
          expect(c.p_fdr!).toBeGreaterThanOrEqual(c.p!);
          expect(c.p_fdr!).toBeLessThanOrEqual(1);
        });
        const adjusted = bh(gi.cells.map((c) => c.p!));
        gi.cells.forEach((c, i) => expect(c.p_fdr!, `p_fdr of ${c.id}`).toBeCloseTo(adjusted[i]!, 12));
        for (const c of gi.cells) {
          const side = c.z! > 0 ? 'hot' : 'cold';
          const expected = c.p_fdr! < 0.01 ? `${side}-99` : c.p_fdr! < 0.05 ? `${side}-95` : c.p_fdr! < 0.1 ? `${side}-90` : 'none';
          expect(c.class, `class of ${c.id}`).toBe(c.z === 0 ? 'none' : expected);
        }
        // Raw p below 0.05 in some cells, yet (at 250 m) none survives the correction: the point of it.
        expect(gi.cells.some((c) => c.p! < 0.05)).toBe(true);
        expect(gi.cells.some((c) => c.class!.startsWith('hot-'))).toBe(significant);
      });
    });

    it('counts hexagons by the hexagon holding each 50 m square\'s centre, on the national lattice it states', async () => {
      const w = 250;
      const { status, body } = await get(`/api/v1/partnerships/city/hotspots?method=count&shape=hex&cell=${w}&from=${from}&to=${to}`, analyst);
      expect(status).toBe(200);
      const hex = body as unknown as HotspotsJson;
      // Lattice: centre (C, R) at ((2C + R mod 2)·w/2, 3R·h), h = w / (2√3); a point's hexagon is its nearest centre.
      const h = w / (2 * Math.sqrt(3));
      const key = (e: number, n: number) => `${e.toFixed(2)}|${n.toFixed(2)}`;
      const byCentre = new Map(hex.cells.map((c) => [key(c.easting, c.northing), c.id]));
      expect(byCentre.size).toBe(hex.cells.length);
      /** The nearest lattice centres: one, or two or three where the point lies on an edge or corner. */
      const nearestCentres = (e: number, n: number): string[] => {
        const found: Array<{ k: string; d: number }> = [];
        const r0 = Math.floor(n / (3 * h));
        for (let R = r0 - 1; R <= r0 + 2; R++) {
          const odd = ((R % 2) + 2) % 2;
          const c0 = Math.round((e / (w / 2) - odd) / 2);
          for (let C = c0 - 1; C <= c0 + 1; C++) {
            const ce = (2 * C + odd) * (w / 2);
            const cn = 3 * R * h;
            found.push({ k: key(ce, cn), d: Math.hypot(ce - e, cn - n) });
          }
        }
        const best = Math.min(...found.map((f) => f.d));
        return found.filter((f) => f.d - best < 1e-6).map((f) => f.k);
      };
      // 50 m square centres (…25 m) can lie exactly on a 250 m hexagon's edge (…125 m); Lantern
      // settles those ties north-east by a millimetre, so the same nudge gives one cell each.
      const expected = new Map(hex.cells.map((c) => [c.id, 0]));
      let outside = 0;
      let ties = 0;
      for (const r of located) {
        const [e, n] = bngOf(r);
        const cx = Math.floor(e / 50) * 50 + 25;
        const cy = Math.floor(n / 50) * 50 + 25;
        if (nearestCentres(cx, cy).length > 1) ties += 1;
        const ids = nearestCentres(cx + 0.001, cy + 0.001).map((k) => byCentre.get(k));
        expect(ids).toHaveLength(1);
        if (ids[0]) expected.set(ids[0], expected.get(ids[0])! + 1);
        else outside += 1;
      }
      expect(ties).toBeGreaterThan(0);
      for (const c of hex.cells) expect(c.count!, `hexagon ${c.id}`).toBe(expected.get(c.id)!);
      expect(hex.outsideGrid!).toBe(outside);
      expect(hex.cells.reduce((s, c) => s + c.count!, 0) + hex.outsideGrid!).toBe(located.length);
      expect(hex.cells.filter((c) => c.count! > 0).length).toBeGreaterThan(20);
    });

    it('counts only the chosen area and category in the grid cells', async () => {
      const lsoa = 'E01032740';
      const keep = (r: RawRow) => r['LSOA code'] === lsoa && r['Crime type'] === 'Theft from the person';
      const { status, body } = await get(`/api/v1/partnerships/city/hotspots?method=count&cell=100&from=${from}&to=${to}&area=lsoa11:${lsoa}&category=theft&sourceCategory=Theft%20from%20the%20person`, analyst);
      expect(status).toBe(200);
      const grid = body as unknown as HotspotsJson;
      const { counts, outside } = countPoints(grid, located.filter(keep));
      for (const c of grid.cells) expect(c.count, `cell ${c.id}`).toBe(counts.get(c.id));
      expect(grid.outsideGrid).toBe(outside);
      expect(grid.cells.reduce((s, c) => s + c.count!, 0)).toBeGreaterThan(20);
    });

    it('gives kernel densities that integrate to about the incidents on the grid', async () => {
      const { status, body } = await get(`/api/v1/partnerships/city/hotspots?method=kde&cell=250&from=${from}&to=${to}`, analyst);
      expect(status).toBe(200);
      const kde = body as unknown as HotspotsJson;
      expect(kde.bandwidth).toBe(2 * 250);
      expect(kde.cells.every((c) => typeof c.density === 'number' && c.density >= 0)).toBe(true);
      const inside = kde.cells.reduce((s, c) => s + c.count!, 0);
      const mass = kde.cells.reduce((s, c) => s + c.density!, 0) * (250 / 1000) ** 2;
      expect(Math.abs(mass - inside) / inside).toBeLessThan(0.15);
      // At the densest cells, the quartic kernel K(d) = 3/(πh²)·(1 − d²/h²)² summed over the raw
      // points themselves (Lantern bins them to 50 m squares first, moving each by at most 35 m).
      const bandwidth = kde.bandwidth!;
      const points = located.map((r) => toBng(Number(r.Longitude), Number(r.Latitude)));
      for (const c of [...kde.cells].sort((a, b) => b.density! - a.density!).slice(0, 5)) {
        let density = 0;
        for (const [e, n] of points) {
          const d2 = (e - c.easting) ** 2 + (n - c.northing) ** 2;
          if (d2 < bandwidth ** 2) density += (3 / (Math.PI * bandwidth ** 2)) * (1 - d2 / bandwidth ** 2) ** 2;
        }
        density *= 1_000_000;
        expect(Math.abs(c.density! - density) / density, `cell ${c.id}: ${c.density} against ${density}`).toBeLessThan(0.03);
      }
      // The densest cell is where the points are: among the cells with the most incidents.
      const densest = [...kde.cells].sort((a, b) => b.density! - a.density!)[0]!;
      const byCount = [...kde.cells].sort((a, b) => b.count! - a.count!);
      expect(byCount.slice(0, 10).map((c) => c.id)).toContain(densest.id);
    });

    it('gives every cell an emerging hot spot pattern over twelve monthly slices', async () => {
      const { status, body } = await get(`/api/v1/partnerships/city/hotspots?method=emerging&cell=250&from=${from}&to=${to}`, analyst);
      expect(status).toBe(200);
      const emerging = body as unknown as HotspotsJson;
      expect(emerging.slices).toEqual(months(from, to));
      expect(emerging.cells.length).toBe(emerging.grid.cells);
      expect(emerging.cells.every((c) => c.count !== null)).toBe(true);
      for (const c of emerging.cells) expect(typeof c.pattern === 'string' && c.pattern.length > 0, `pattern of ${c.id}`).toBe(true);
      expect(emerging.cells.some((c) => !/no pattern/i.test(c.pattern!))).toBe(true);
    });

    it('refuses a cell size that is not a multiple of 50 m, saying so', async () => {
      const { status, body } = await get(`/api/v1/partnerships/city/hotspots?method=gi&cell=260`, analyst);
      expect(status).toBe(400);
      expect(body.error).toBe('invalid-input');
      expect(body.message).toMatch(/multiple of 50 metres/);
      expect(body.message).toContain('260');
    });

    it('answers another partnership\'s token as if the partnership did not exist', async () => {
      const theirs = await get(`/api/v1/partnerships/city/hotspots?method=gi&cell=250`, outsider);
      const missing = await get(`/api/v1/partnerships/nowhere/hotspots?method=gi&cell=250`, outsider);
      expect(theirs.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(theirs.body.message).toBe(missing.body.message);
      expect(JSON.stringify(theirs.body)).not.toContain('cells');
    });
  });

  describe('suppression by role', () => {
    // Narrow views, chosen because they hold small numbers (small: true), and two that do not.
    const endpoints: Array<{ endpoint: string; small: boolean }> = [
      { endpoint: 'overview?from=2024-06&to=2025-05', small: false },
      { endpoint: 'overview?from=2025-05&to=2025-05&area=lsoa11:E01000003', small: true },
      { endpoint: 'areas?from=2025-01&to=2025-03&level=lsoa11&category=robbery', small: true },
      // police.uk records no times, so the week heatmap is empty: nothing to hide.
      { endpoint: 'when?from=2024-06&to=2025-05&category=weapons', small: false },
      { endpoint: 'hidden-violence?from=2025-01&to=2025-05', small: true },
      { endpoint: 'deprivation?from=2025-05&to=2025-05&category=drugs', small: true },
      { endpoint: 'hotspots?method=count&cell=250&from=2025-05&to=2025-05', small: true },
      { endpoint: 'hotspots?method=gi&cell=100&from=2025-01&to=2025-05&category=robbery', small: true },
    ];

    it('never shows a viewer a count from 1 to 4, and shows an analyst the same figures unhidden', async () => {
      let hiddenSeen = 0;
      for (const { endpoint, small } of endpoints) {
        const url = `/api/v1/partnerships/city/${endpoint}`;
        const asViewer = await get(url, viewer);
        const asAnalyst = await get(url, analyst);
        expect(asViewer.status, endpoint).toBe(200);
        expect(asAnalyst.status, endpoint).toBe(200);
        expect((asViewer.body.suppression as { applied: boolean; threshold: number })).toEqual({ applied: true, threshold: THRESHOLD });
        const seen = publishedCounts(asViewer.body);
        const truth = publishedCounts(asAnalyst.body);
        expect(seen.length, endpoint).toBe(truth.length);
        expect(seen.length, endpoint).toBeGreaterThan(0);
        for (const [i, s] of seen.entries()) {
          expect(s.path).toBe(truth[i]!.path);
          expect(truth[i]!.n, `${endpoint} ${s.path} for the analyst`).not.toBeNull();
          if (s.n === null) { hiddenSeen += 1; continue; }
          expect(s.n > 0 && s.n < THRESHOLD, `${endpoint} ${s.path} = ${s.n}`).toBe(false);
          expect(s.n, `${endpoint} ${s.path}`).toBe(truth[i]!.n);
        }
        expect(truth.some((t) => t.n! > 0 && t.n! < THRESHOLD), endpoint).toBe(small);
        if (small) expect(seen.some((s) => s.n === null), endpoint).toBe(true);
      }
      expect(hiddenSeen).toBeGreaterThan(0);
    });

    it('hides a second category when exactly one is small, so the hidden one cannot be worked out from the total', async () => {
      // Find, in the raw files, an LSOA and period whose categories hold exactly one count from 1 to 4.
      const found = findOneSmallCategory(raw, { first: '2024-05', last: '2025-05' });
      expect(found).not.toBeNull();
      const { lsoa, from, to, counts } = found!;
      const url = `/api/v1/partnerships/city/overview?from=${from}&to=${to}&area=lsoa11:${lsoa}`;
      const asViewer = (await get(url, viewer)).body as unknown as { total: { count: number | null }; byCategory: Array<{ key: string; count: number | null }> };
      const asAnalyst = (await get(url, analyst)).body as unknown as { total: { count: number | null }; byCategory: Array<{ key: string; count: number | null }> };
      const [smallKey] = [...counts].find(([, n]) => n > 0 && n < THRESHOLD)!;
      const smallestOther = Math.min(...[...counts].filter(([k]) => k !== smallKey).map(([, n]) => n));
      const hidden = asViewer.byCategory.filter((c) => c.count === null).map((c) => c.key);
      expect(hidden).toHaveLength(2);
      expect(hidden).toContain(smallKey);
      const second = hidden.find((k) => k !== smallKey)!;
      expect(counts.get(second)).toBe(smallestOther);
      // The total is published, and the analyst sees every category as the raw files have it.
      expect(asViewer.total.count).toBe([...counts.values()].reduce((s, n) => s + n, 0));
      expect(new Map(asAnalyst.byCategory.filter((c) => c.count! > 0).map((c) => [c.key, c.count]))).toEqual(counts);
    });

    it('suppresses the cells of a grid cell\'s detail for a viewer', async () => {
      const { body } = await get(`/api/v1/partnerships/city/hotspots?method=count&cell=250&from=2025-05&to=2025-05`, analyst);
      const cells = (body as unknown as HotspotsJson).cells;
      const busiest = [...cells].sort((a, b) => b.count! - a.count!)[0]!;
      const url = `/api/v1/partnerships/city/cells/250/${busiest.col}/${busiest.row}?from=2025-01&to=2025-05`;
      const asViewer = await get(url, viewer);
      const asAnalyst = await get(url, analyst);
      expect(asViewer.status).toBe(200);
      const seen = publishedCounts(asViewer.body);
      const truth = publishedCounts(asAnalyst.body);
      expect(truth.some((t) => t.n! > 0 && t.n! < THRESHOLD)).toBe(true);
      for (const s of seen) if (s.n !== null) expect(s.n > 0 && s.n < THRESHOLD, `${s.path} = ${s.n}`).toBe(false);
      expect(seen.some((s) => s.n === null)).toBe(true);
    });
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pointInPolygon from 'point-in-polygon-hao';
import { beforeAll, describe, expect, it } from 'vitest';
import { bestFitLookup, buildAreaIndex, buildAreaIndexes, interiorPoint } from './area-index.ts';
import type { AreaGeometry, AreaRecord, AreaType, Position } from './area.types.ts';
import { GeographyError } from './geography.errors.ts';
import { readBoundaries } from './geojson.loader.ts';

const DATA = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../shared/data');
const LSOA21 = resolve(DATA, 'boundaries/london-lsoa21.geojson');
const LSOA11 = resolve(DATA, 'boundaries/london-lsoa11.geojson');
const POLICE_MONTH = resolve(DATA, 'police-uk/city-of-london/2025-05-city-of-london-street.csv');

function rect(x0: number, y0: number, x1: number, y1: number): Position[] {
  return [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ];
}

function area(code: string, geometry: AreaGeometry | null, type: AreaType = 'lsoa21'): AreaRecord {
  return { type, code, name: code, parentCodes: {}, geometry };
}

/**
 * The definition locate() must agree with: the first area, in order, whose boundary holds
 * the point. A bounding-box check first keeps it fast enough for thousands of points.
 */
function bruteForce(areas: AreaRecord[]): (lon: number, lat: number) => AreaRecord | null {
  const parts = areas.flatMap((a) => {
    if (!a.geometry) return [];
    const polygons = a.geometry.type === 'Polygon' ? [a.geometry.coordinates] : a.geometry.coordinates;
    return polygons.map((rings) => {
      const xs = (rings[0] ?? []).map((p) => p[0]);
      const ys = (rings[0] ?? []).map((p) => p[1]);
      return { a, rings, box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] as const };
    });
  });
  return (lon, lat) => {
    for (const { a, rings, box } of parts) {
      if (lon < box[0] || lat < box[1] || lon > box[2] || lat > box[3]) continue;
      if (pointInPolygon([lon, lat], rings) !== false) return a;
    }
    return null;
  };
}

describe('buildAreaIndex', () => {
  // A: a square with a square hole; B: the island filling part of A's hole plus a detached
  // second part (MultiPolygon); C: the neighbour east of A, sharing its edge.
  const a = area('E01000001', { type: 'Polygon', coordinates: [rect(-0.1, 51.5, -0.09, 51.51), rect(-0.097, 51.503, -0.093, 51.507)] });
  const b = area('E01000002', { type: 'MultiPolygon', coordinates: [[rect(-0.096, 51.504, -0.094, 51.506)], [rect(-0.07, 51.5, -0.06, 51.51)]] });
  const c = area('E01000003', { type: 'Polygon', coordinates: [rect(-0.09, 51.5, -0.08, 51.51)] });
  const areas = [a, b, c, area('E01000004', null)];
  const index = buildAreaIndex(areas);

  it('finds the area containing a point, honouring holes and multi-part areas', () => {
    expect(index.locate(-0.099, 51.501)?.code).toBe('E01000001');
    expect(index.locate(-0.095, 51.505)?.code).toBe('E01000002'); // the island in A's hole
    expect(index.locate(-0.0965, 51.5035)).toBeNull(); // in A's hole, off the island
    expect(index.locate(-0.065, 51.505)?.code).toBe('E01000002'); // B's detached part
    expect(index.locate(-0.085, 51.505)?.code).toBe('E01000003');
  });

  it('gives a shared edge to the first area, and nothing to points outside or without a location', () => {
    expect(index.locate(-0.09, 51.505)?.code).toBe('E01000001');
    expect(index.locate(-0.075, 51.505)).toBeNull();
    expect(index.locate(1, 52)).toBeNull();
    expect(index.locate(Number.NaN, 51.505)).toBeNull();
    expect(index.locate(-0.085, Number.NaN)).toBeNull();
  });

  it('counts the areas it could not index', () => {
    expect(index).toMatchObject({ type: 'lsoa21', size: 3, withoutGeometry: 1 });
    expect(buildAreaIndex([]).locate(-0.1, 51.5)).toBeNull();
  });

  it('agrees with testing every area in turn, whatever the grid size', () => {
    for (const cellsPerPart of [1, 16, 400]) {
      const grid = buildAreaIndex(areas, { cellsPerPart });
      const expected = bruteForce(areas);
      for (let i = 0; i <= 400; i++) {
        for (const lat of [51.4995, 51.5, 51.503, 51.5045, 51.505, 51.507, 51.51]) {
          const lon = -0.101 + (i * 0.042) / 400;
          expect(grid.locate(lon, lat)?.code ?? null).toBe(expected(lon, lat)?.code ?? null);
        }
      }
    }
  });

  it('refuses to mix area types, which buildAreaIndexes separates', () => {
    const ward = area('E05009288', { type: 'Polygon', coordinates: [rect(-0.1, 51.5, -0.08, 51.51)] }, 'ward');
    expect(() => buildAreaIndex([a, ward])).toThrow(GeographyError);
    const indexes = buildAreaIndexes([a, ward, c]);
    expect(indexes.get('lsoa21')?.locate(-0.085, 51.505)?.code).toBe('E01000003');
    expect(indexes.get('ward')?.locate(-0.085, 51.505)?.code).toBe('E05009288');
  });
});

describe('interiorPoint', () => {
  const inside = (p: Position, geometry: AreaGeometry) =>
    (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates).some((rings) => pointInPolygon(p, rings) === true);

  it('finds a point inside a C shape, whose centroid is outside', () => {
    const c: AreaGeometry = {
      type: 'Polygon',
      coordinates: [[[0, 51], [0.01, 51], [0.01, 51.002], [0.002, 51.002], [0.002, 51.008], [0.01, 51.008], [0.01, 51.01], [0, 51.01], [0, 51]]],
    };
    expect(inside(interiorPoint(c), c)).toBe(true);
  });

  it('avoids the hole of a ring-shaped area', () => {
    const ring: AreaGeometry = { type: 'Polygon', coordinates: [rect(0, 51, 0.01, 51.01), rect(0.001, 51.001, 0.009, 51.009)] };
    const p = interiorPoint(ring);
    expect(inside(p, ring)).toBe(true);
  });

  it('uses the largest part of a multi-part area', () => {
    const multi: AreaGeometry = { type: 'MultiPolygon', coordinates: [[rect(0, 51, 0.001, 51.001)], [rect(0.01, 51, 0.02, 51.01)]] };
    const [lon] = interiorPoint(multi);
    expect(lon).toBeGreaterThan(0.01);
  });
});

describe('bestFitLookup', () => {
  it('maps shared codes to themselves and others by their interior point', () => {
    const from = [
      area('E01000001', { type: 'Polygon', coordinates: [rect(0, 51, 0.01, 51.01)] }, 'lsoa11'),
      area('E01000002', { type: 'Polygon', coordinates: [rect(0.01, 51, 0.02, 51.01)] }, 'lsoa11'),
      area('E01000003', { type: 'Polygon', coordinates: [rect(0.5, 51, 0.51, 51.01)] }, 'lsoa11'),
      area('E01000004', null, 'lsoa11'),
    ];
    const to = [
      // A different boundary under the same code still maps to itself: ONS keeps a code only for an unchanged area.
      area('E01000001', { type: 'Polygon', coordinates: [rect(0, 51, 0.012, 51.01)] }),
      area('E01099998', { type: 'Polygon', coordinates: [rect(0.012, 51, 0.02, 51.004)] }),
      area('E01099999', { type: 'Polygon', coordinates: [rect(0.012, 51.004, 0.02, 51.01)] }),
    ];
    const lookup = bestFitLookup(from, to);
    expect(lookup.get('E01000001')).toEqual({ code: 'E01000001', method: 'same-code' });
    expect(lookup.get('E01000002')?.method).toBe('interior-point');
    expect(['E01099998', 'E01099999']).toContain(lookup.get('E01000002')?.code);
    expect(lookup.get('E01000003')).toEqual({ code: null, method: 'none' });
    expect(lookup.get('E01000004')).toEqual({ code: null, method: 'none' });
  });
});

describe.skipIf(!existsSync(LSOA21) || !existsSync(LSOA11))('area index on the real London LSOAs (../shared/data/boundaries)', () => {
  let lsoa21: AreaRecord[];
  let lsoa11: AreaRecord[];
  let index: ReturnType<typeof buildAreaIndex>;

  beforeAll(async () => {
    lsoa21 = await readBoundaries(LSOA21, { type: 'lsoa21' });
    lsoa11 = await readBoundaries(LSOA11, { type: 'lsoa11' });
    index = buildAreaIndex(lsoa21);
  });

  it('agrees with testing every LSOA in turn, at random points and exactly on boundary vertices', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    const city = lsoa21.filter((a) => a.parentCodes.lad === 'E09000001');
    const points: Position[] = [];
    for (let i = 0; i < 3000; i++) points.push([-0.52 + random() * 0.86, 51.28 + random() * 0.42]);
    for (let i = 0; i < 2000; i++) points.push([-0.115 + random() * 0.045, 51.505 + random() * 0.022]); // around the City
    for (const a of city) {
      const rings = a.geometry?.type === 'Polygon' ? a.geometry.coordinates : [];
      for (const ring of rings) points.push(...ring);
    }
    const expected = bruteForce(lsoa21);
    let mismatches = 0;
    for (const [lon, lat] of points) {
      if ((index.locate(lon, lat)?.code ?? null) !== (expected(lon, lat)?.code ?? null)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('finds every LSOA at its own interior point', () => {
    for (const a of lsoa21) {
      const [lon, lat] = interiorPoint(a.geometry as AreaGeometry);
      expect(index.locate(lon, lat)?.code).toBe(a.code);
    }
  });

  it('maps the City of London’s LSOAs 2011 to 2021: unchanged codes to themselves', () => {
    const city11 = lsoa11.filter((a) => a.parentCodes.lad === 'E09000001');
    const codes21 = new Set(lsoa21.map((a) => a.code));
    const lookup = bestFitLookup(city11, lsoa21);
    expect(lookup.size).toBe(city11.length);
    for (const a of city11) {
      if (codes21.has(a.code)) expect(lookup.get(a.code)).toEqual({ code: a.code, method: 'same-code' });
      else expect(lookup.get(a.code)?.method).toBe('interior-point');
    }
  });

  it('maps every changed London LSOA 2011 to a 2021 LSOA in the same borough', () => {
    const lookup = bestFitLookup(lsoa11, lsoa21);
    const byCode21 = new Map(lsoa21.map((a) => [a.code, a]));
    const changed = lsoa11.filter((a) => !byCode21.has(a.code));
    expect(changed.length).toBeGreaterThan(0);
    for (const a of changed) {
      const match = lookup.get(a.code);
      expect(match?.method).toBe('interior-point');
      expect(byCode21.get(match?.code as string)?.parentCodes.lad).toBe(a.parentCodes.lad);
    }
    // And back: 2021 codes that are new map into 2011 LSOAs.
    const back = bestFitLookup(lsoa21, lsoa11);
    expect([...back.values()].every((m) => m.code !== null)).toBe(true);
  });

  it.skipIf(!existsSync(POLICE_MONTH))('places police.uk points in the LSOA police.uk gives (one month, City of London Police)', () => {
    const lines = readFileSync(POLICE_MONTH, 'utf8').split(/\r?\n/).slice(1).filter(Boolean);
    // No field before "LSOA code" is quoted in this file, so a plain split is safe up to it.
    const rows = lines.map((l) => l.split(',')).filter((c) => c[4] !== '' && c[5] !== '');
    const cityCodes = new Set(lsoa21.filter((a) => a.parentCodes.lad === 'E09000001').map((a) => a.code));

    const cityRows = rows.filter((c) => cityCodes.has(c[7] as string)).slice(0, 20);
    expect(cityRows.length).toBe(20);
    const cityHits = cityRows.filter((c) => index.locate(Number(c[4]), Number(c[5]))?.code === c[7]).length;
    expect(cityHits).toBeGreaterThanOrEqual(18);

    let located = 0;
    let same = 0;
    for (const c of rows) {
      const found = index.locate(Number(c[4]), Number(c[5]));
      if (!found) continue;
      located++;
      if (found.code === c[7]) same++;
    }
    const share = same / located;
    console.info(
      `police.uk 2025-05: ${rows.length} rows with a location, ${located} inside a London LSOA 2021, ${same} (${(share * 100).toFixed(2)}%) in the LSOA police.uk gives`,
    );
    // Police snap points often sit on a boundary, and these boundaries are generalised to 20 m.
    expect(share).toBeGreaterThanOrEqual(0.97);
  });
});

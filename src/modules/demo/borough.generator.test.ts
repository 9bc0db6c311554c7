import pointInPolygon from 'point-in-polygon-hao';
import { describe, expect, it } from 'vitest';
import { AGE_BANDS, IMD_LSOA_COUNT, LAD_CODE, generateBorough, findLsoaAt } from './borough.generator.ts';
import { ringBBox, signedArea, type Ring } from './geometry.ts';
import { createRandom } from './random.ts';

const borough = generateBorough(20240601);
const M_PER_DEG_LAT = 111_132;
const mPerDegLon = (lat: number): number => 111_320 * Math.cos((lat * Math.PI) / 180);

/** Which rings contain the point: 'edge' if it lies on any boundary (then it belongs to no single area). */
function containing(rings: Ring[], lon: number, lat: number): number[] | 'edge' {
  const out: number[] = [];
  for (let i = 0; i < rings.length; i++) {
    const r = pointInPolygon([lon, lat], [rings[i]!]);
    if (r === 0) return 'edge';
    if (r) out.push(i);
  }
  return out;
}

describe('generateBorough', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(generateBorough(20240601)).toEqual(borough);
    const other = generateBorough(20240602);
    expect(other.lsoa11[0]!.ring).not.toEqual(borough.lsoa11[0]!.ring);
    expect(other.lsoa11.length).toBe(borough.lsoa11.length);
  });

  it('has one local authority, about twelve wards and about a hundred LSOAs with synthetic codes', () => {
    expect(borough.lad.code).toBe(LAD_CODE);
    expect(borough.lad.name).toBe('Kingsbridge (synthetic)');
    expect(borough.wards).toHaveLength(12);
    expect(borough.lsoa11.length).toBeGreaterThanOrEqual(90);
    expect(borough.lsoa11.length).toBeLessThanOrEqual(110);
    borough.wards.forEach((w, i) => expect(w.code).toBe(`E0599${String(i + 1).padStart(4, '0')}`));
    borough.lsoa11.forEach((l, i) => {
      expect(l.code).toBe(`E0199${String(i + 1).padStart(4, '0')}`);
      expect(l.name).toMatch(/^Kingsbridge \d{3}[A-Z]$/);
      expect(l.msoaCode).toMatch(/^E0299\d{4}$/);
    });
    const wardOfLsoa = borough.wards.flatMap((w) => w.lsoa11Codes);
    expect(new Set(wardOfLsoa).size).toBe(borough.lsoa11.length);
    for (const w of borough.wards) expect(w.lsoa11Codes.length).toBeGreaterThanOrEqual(5);
  });

  it('keeps most LSOAs in 2021 and splits a few into two new codes', () => {
    const split = borough.lsoa21.filter((l) => l.change === 'split');
    expect(split.length).toBeGreaterThanOrEqual(4);
    for (const l of split) expect(l.code).toMatch(/^E01995\d{3}$/);
    const parents = new Set(split.map((l) => l.lsoa11Code));
    for (const p of parents) {
      const parent = borough.lsoa11.find((l) => l.code === p)!;
      expect(parent.lsoa21Codes).toHaveLength(2);
      const halves = borough.lsoa21.filter((l) => l.lsoa11Code === p);
      const sum = halves.reduce((s, h) => s + Math.abs(signedArea(h.ring)), 0);
      expect(sum).toBeCloseTo(Math.abs(signedArea(parent.ring)), 12);
    }
    expect(borough.lsoa21.length).toBe(borough.lsoa11.length + parents.size);
    expect(new Set(borough.lsoa21.map((l) => l.name)).size).toBe(borough.lsoa21.length);
  });

  it('has LSOAs 400-800 m across with anticlockwise closed rings, around lon -1.2 lat 52.9', () => {
    for (const l of borough.lsoa11) {
      expect(l.ring[0]).toEqual(l.ring[l.ring.length - 1]);
      const area = signedArea(l.ring);
      expect(area).toBeGreaterThan(0);
      const lat = l.centroid[1];
      const across = Math.sqrt(area * M_PER_DEG_LAT * mPerDegLon(lat));
      expect(across).toBeGreaterThan(400);
      expect(across).toBeLessThan(800);
    }
    const [lon, lat] = borough.centre;
    expect(Math.abs(lon + 1.2)).toBeLessThan(0.05);
    expect(Math.abs(lat - 52.9)).toBeLessThan(0.05);
  });

  it('tiles the borough outline: areas add up and sampled points fall in exactly one LSOA of each vintage', () => {
    const lad = borough.lad.ring;
    const total11 = borough.lsoa11.reduce((s, l) => s + signedArea(l.ring), 0);
    const total21 = borough.lsoa21.reduce((s, l) => s + signedArea(l.ring), 0);
    expect(total11 / signedArea(lad)).toBeCloseTo(1, 10);
    expect(total21 / signedArea(lad)).toBeCloseTo(1, 10);

    const rings11 = borough.lsoa11.map((l) => l.ring);
    const rings21 = borough.lsoa21.map((l) => l.ring);
    const bb = ringBBox(lad);
    const rng = createRandom('tiling');
    let inside = 0;
    let outside = 0;
    const problems: string[] = [];
    for (let i = 0; i < 8_000; i++) {
      const lon = rng.uniform(bb.minLon - 0.01, bb.maxLon + 0.01);
      const lat = rng.uniform(bb.minLat - 0.01, bb.maxLat + 0.01);
      const inLad = pointInPolygon([lon, lat], [lad]);
      if (inLad === 0) continue;
      const c11 = containing(rings11, lon, lat);
      const c21 = containing(rings21, lon, lat);
      if (c11 === 'edge' || c21 === 'edge') continue;
      const want = inLad ? 1 : 0;
      if (inLad) inside++;
      else outside++;
      if (c11.length !== want || c21.length !== want) problems.push(`${lon},${lat}: ${c11.length} / ${c21.length} areas, want ${want}`);
      else if (inLad && findLsoaAt(borough.lsoa11, lon, lat)?.code !== borough.lsoa11[c11[0]!]!.code) problems.push(`${lon},${lat}: findLsoaAt`);
    }
    expect(problems).toEqual([]);
    expect(inside).toBeGreaterThan(3_000);
    expect(outside).toBeGreaterThan(500);
  });

  it('gives each LSOA 1,200-3,000 residents in five age bands', () => {
    for (const l of borough.lsoa11) {
      const p = l.population;
      expect(p.total).toBeGreaterThanOrEqual(1200);
      expect(p.total).toBeLessThanOrEqual(3000);
      expect(AGE_BANDS.reduce((s, a) => s + p.persons[a], 0)).toBe(p.total);
      for (const a of AGE_BANDS) {
        expect(p.males[a] + p.females[a]).toBe(p.persons[a]);
        expect(p.persons[a]).toBeGreaterThan(0);
      }
    }
  });

  it('clusters deprivation: a deprived centre, affluent edges, unique national ranks', () => {
    const ranks = borough.lsoa11.map((l) => l.imdRank);
    expect(new Set(ranks).size).toBe(ranks.length);
    for (const l of borough.lsoa11) {
      expect(l.imdRank).toBeGreaterThanOrEqual(1);
      expect(l.imdRank).toBeLessThanOrEqual(IMD_LSOA_COUNT);
      expect(l.imdDecile).toBe(Math.min(10, Math.floor(((l.imdRank - 1) * 10) / IMD_LSOA_COUNT) + 1));
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const nte = borough.lsoa11.filter((l) => l.nightTimeEconomy);
    const edge = borough.lsoa11.filter((l) => l.neighbours.length < 4);
    expect(mean(nte.map((l) => l.imdDecile))).toBeLessThanOrEqual(2.5);
    expect(mean(edge.map((l) => l.imdDecile))).toBeGreaterThan(6);
    expect(new Set(borough.lsoa11.map((l) => l.imdDecile)).size).toBeGreaterThanOrEqual(8);
    // Neighbours resemble each other far more than random pairs do.
    const byCode = new Map(borough.lsoa11.map((l) => [l.code, l]));
    const neighbourGap = mean(borough.lsoa11.flatMap((l) => l.neighbours.map((n) => Math.abs(l.deprivation - byCode.get(n)!.deprivation))));
    const rng = createRandom('pairs');
    const randomGap = mean(Array.from({ length: 2000 }, () => Math.abs(rng.pick(borough.lsoa11).deprivation - rng.pick(borough.lsoa11).deprivation)));
    expect(neighbourGap).toBeLessThan(randomGap * 0.6);
  });

  it('puts about 25 licensed premises in two or three central LSOAs, each inside its LSOA', () => {
    expect(borough.premises.length).toBeGreaterThanOrEqual(20);
    expect(borough.premises.length).toBeLessThanOrEqual(30);
    const areas = new Set(borough.premises.map((p) => p.lsoa11Code));
    expect(areas.size).toBeGreaterThanOrEqual(2);
    expect(areas.size).toBeLessThanOrEqual(3);
    for (const p of borough.premises) {
      expect(findLsoaAt(borough.lsoa11, p.lon, p.lat)?.code).toBe(p.lsoa11Code);
      expect(p.postcode).toMatch(/^KB1 \d[A-Z]{2}$/);
      expect(p.aliases.length).toBeGreaterThan(0);
    }
    const names = borough.premises.map((p) => p.name);
    for (const n of ['The Red Lion', 'Liquid Nightclub', 'The Crown', 'Vodka Revolution']) expect(names).toContain(n);
  });

  it('places every snap point inside the LSOA it names, in both vintages, and border points outside', () => {
    for (const s of borough.snapPoints) {
      expect(findLsoaAt(borough.lsoa11, s.lon, s.lat)?.code).toBe(s.lsoa11Code);
      expect(findLsoaAt(borough.lsoa21, s.lon, s.lat)?.code).toBe(s.lsoa21Code);
    }
    expect(borough.outsideSnapPoints.length).toBeGreaterThan(0);
    for (const o of borough.outsideSnapPoints) {
      expect(pointInPolygon([o.lon, o.lat], [borough.lad.ring])).toBe(false);
      expect(borough.lsoa11.some((l) => l.code === o.lsoaCode)).toBe(false);
    }
  });
});

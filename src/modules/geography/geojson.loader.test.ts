import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toBng } from '../../shared/bng.ts';
import { GeographyError } from './geography.errors.ts';
import { readBoundaries, type ReadBoundariesOptions } from './geojson.loader.ts';

const DATA = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../shared/data');
const BOUNDARIES = resolve(DATA, 'boundaries');
const LSOA21 = resolve(BOUNDARIES, 'london-lsoa21.geojson');

type Props = Record<string, unknown>;

function square(lon: number, lat: number, size = 0.005): number[][][] {
  return [
    [
      [lon, lat],
      [lon + size, lat],
      [lon + size, lat + size],
      [lon, lat + size],
      [lon, lat],
    ],
  ];
}

function feature(properties: Props, coordinates: unknown = square(-0.09, 51.51), type = 'Polygon') {
  return { type: 'Feature', properties, geometry: { type, coordinates } };
}

function lsoa(code: string, extra: Props = {}) {
  return { LSOA21CD: code, LSOA21NM: `Area ${code}`, MSOA21CD: 'E02000001', LAD22CD: 'E09000001', LAD22NM: 'City of London', ...extra };
}

function stream(doc: unknown): Readable {
  return Readable.from([typeof doc === 'string' ? doc : JSON.stringify(doc)]);
}

async function readError(doc: unknown, opts: ReadBoundariesOptions = { type: 'lsoa21' }): Promise<GeographyError> {
  try {
    await readBoundaries(stream(doc), opts);
  } catch (err) {
    if (err instanceof GeographyError) return err;
    throw err;
  }
  throw new Error('expected a GeographyError');
}

const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

describe('readBoundaries', () => {
  it('reads LSOA 2021 features with the default ONS property names and their parents', async () => {
    const areas = await readBoundaries(stream(collection(feature(lsoa('E01000001')))), { type: 'lsoa21' });
    expect(areas).toEqual([
      {
        type: 'lsoa21',
        code: 'E01000001',
        name: 'Area E01000001',
        parentCodes: { msoa21: 'E02000001', lad: 'E09000001' },
        geometry: { type: 'Polygon', coordinates: square(-0.09, 51.51) },
      },
    ]);
  });

  it('accepts a byte-order mark, MultiPolygons, and ward and local authority codes of any vintage', async () => {
    const doc = collection(
      feature({ WD22CD: 'E05009288', WD22NM: 'Aldersgate', LAD22CD: 'E09000001' }, [square(-0.09, 51.51), square(-0.08, 51.51)], 'MultiPolygon'),
    );
    const [ward] = await readBoundaries(stream('\uFEFF' + JSON.stringify(doc)), { type: 'ward' });
    expect(ward).toMatchObject({ type: 'ward', code: 'E05009288', name: 'Aldersgate', parentCodes: { lad: 'E09000001' } });
    expect(ward?.geometry?.type).toBe('MultiPolygon');

    const [lad] = await readBoundaries(stream(collection(feature({ LAD21CD: 'E09000001', LAD21NM: 'City of London' }))), { type: 'lad' });
    expect(lad).toMatchObject({ code: 'E09000001', name: 'City of London', parentCodes: {} });
  });

  it('uses explicitly named properties, and neighbourhoods may have the partnership’s own codes', async () => {
    const [area] = await readBoundaries(stream(collection(feature({ ref: 'north-1', label: 'North cluster', LAD22CD: 'E09000001' }))), {
      type: 'neighbourhood',
      codeProperty: 'ref',
      nameProperty: 'label',
    });
    expect(area).toMatchObject({ type: 'neighbourhood', code: 'north-1', name: 'North cluster', parentCodes: { lad: 'E09000001' } });
  });

  it('keeps only the features the filter selects, and does not validate the others', async () => {
    const doc = collection(
      feature(lsoa('E01000001')),
      feature(lsoa('not-a-code', { LAD22CD: 'E09000002' })),
      feature(lsoa('E01000002'), square(-0.08, 51.51)),
    );
    const areas = await readBoundaries(stream(doc), { type: 'lsoa21', filter: { property: 'LAD22CD', values: ['E09000001'] } });
    expect(areas.map((a) => a.code)).toEqual(['E01000001', 'E01000002']);
  });

  it('converts British National Grid coordinates to WGS84 and says so', async () => {
    const lonLat = square(-0.09, 51.51)[0] as number[][];
    const metres = lonLat.map(([lon, lat]) => toBng(lon as number, lat as number));
    const notices: string[] = [];
    const [area] = await readBoundaries(stream(collection(feature(lsoa('E01000001'), [metres]))), {
      type: 'lsoa21',
      onNotice: (m) => notices.push(m),
    });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/British National Grid/);
    const ring = (area?.geometry?.coordinates[0] ?? []) as number[][];
    ring.forEach(([lon, lat], i) => {
      expect(lon).toBeCloseTo(lonLat[i]?.[0] as number, 5);
      expect(lat).toBeCloseTo(lonLat[i]?.[1] as number, 5);
    });
  });

  describe('refuses a bad file with a plain-English reason', () => {
    it('not JSON', async () => {
      expect((await readError('{"type": "FeatureCollection", ')).code).toBe('invalid_json');
    });

    it('not a FeatureCollection', async () => {
      const err = await readError(feature(lsoa('E01000001')));
      expect(err.code).toBe('not_feature_collection');
      expect(err.message).toMatch(/must be a GeoJSON FeatureCollection.*a GeoJSON Feature/);
    });

    it('a geometry that is not a polygon, naming the feature', async () => {
      const err = await readError(collection(feature(lsoa('E01000001')), feature(lsoa('E01000002'), [-0.09, 51.51], 'Point')));
      expect(err).toMatchObject({ code: 'invalid_geometry', details: { featureIndex: 1 } });
      expect(err.message).toBe('Feature 1 has a Point geometry; a boundary must be a Polygon or MultiPolygon.');
    });

    it('a ring that is not closed', async () => {
      const open = [[[-0.09, 51.51], [-0.08, 51.51], [-0.08, 51.52], [-0.09, 51.52]]];
      const err = await readError(collection(feature(lsoa('E01000001'), open)));
      expect(err.code).toBe('invalid_geometry');
      expect(err.message).toMatch(/Feature 0.*ring 0 has 4 positions|Feature 0.*not closed/);
    });

    it('a code that is not an ONS code, naming the feature and property', async () => {
      const err = await readError(collection(feature(lsoa('E01000001')), feature(lsoa('E0100002'))));
      expect(err).toMatchObject({ code: 'invalid_code', details: { featureIndex: 1, property: 'LSOA21CD' } });
      expect(err.message).toMatch(/^Feature 1: property "LSOA21CD" is "E0100002", which is not an ONS code/);
    });

    it('the same code twice', async () => {
      const err = await readError(collection(feature(lsoa('E01000001')), feature(lsoa('E01000002')), feature(lsoa('E01000001'))));
      expect(err).toMatchObject({ code: 'duplicate_code', details: { featureIndex: 2 } });
      expect(err.message).toMatch(/Features 0 and 2 both have LSOA21CD "E01000001"/);
    });

    it('a missing code or name property, listing the properties there are', async () => {
      const err = await readError(collection(feature({ LSOA11CD: 'E01000001', LSOA11NM: 'x' })));
      expect(err).toMatchObject({ code: 'missing_property', details: { featureIndex: 0, property: 'LSOA21CD' } });
      expect(err.message).toMatch(/Feature 0 has no code property LSOA21CD; the properties it has are: LSOA11CD, LSOA11NM/);

      const noName = await readError(collection(feature({ LSOA21CD: 'E01000001', LSOA21NM: '  ' })));
      expect(noName.message).toBe('Feature 0: property "LSOA21NM" is empty.');
    });

    it('a filter on a property the features do not have', async () => {
      const err = await readError(collection(feature(lsoa('E01000001'))), { type: 'lsoa21', filter: { property: 'LAD23CD', values: ['E09000001'] } });
      expect(err).toMatchObject({ code: 'missing_property', details: { property: 'LAD23CD' } });
    });

    it('a point outside the UK, spotting latitude and longitude swapped', async () => {
      const paris = await readError(collection(feature(lsoa('E01000001'), square(2.35, 48.85))));
      expect(paris).toMatchObject({ code: 'outside_uk', details: { featureIndex: 0 } });

      const swapped = await readError(collection(feature(lsoa('E01000001'), square(51.51, -0.09))));
      expect(swapped.message).toMatch(/GeoJSON puts longitude first/);
    });

    it('degrees and grid metres in the same file', async () => {
      const metres = (square(-0.08, 51.51)[0] as number[][]).map(([lon, lat]) => toBng(lon as number, lat as number));
      const err = await readError(collection(feature(lsoa('E01000001')), feature(lsoa('E01000002'), [metres])));
      expect(err.code).toBe('mixed_coordinate_systems');
      expect(err.message).toMatch(/feature 0 has longitude\/latitude degrees but feature 1/);
    });
  });
});

describe.skipIf(!existsSync(LSOA21))('readBoundaries on the real London boundaries (../shared/data/boundaries)', () => {
  it('reads the City of London’s LSOAs 2021, as many as the file has', async () => {
    const raw = JSON.parse(readFileSync(LSOA21, 'utf8')) as { features: { properties: Props }[] };
    const expected = raw.features.filter((f) => f.properties.LAD22CD === 'E09000001').map((f) => f.properties.LSOA21CD);
    expect(expected.length).toBeGreaterThan(0);

    const areas = await readBoundaries(LSOA21, { type: 'lsoa21', filter: { property: 'LAD22CD', values: ['E09000001'] } });
    expect(areas.map((a) => a.code)).toEqual(expected);
    for (const area of areas) {
      expect(area.parentCodes.lad).toBe('E09000001');
      expect(area.parentCodes.msoa21).toMatch(/^E02/);
      expect(area.name).toMatch(/^City of London /);
    }
  });

  it.each([
    ['london-lsoa21.geojson', 'lsoa21', 4994],
    ['london-lsoa11.geojson', 'lsoa11', 4835],
    ['london-msoa21.geojson', 'msoa21', 1002],
    ['london-boroughs.geojson', 'lad', 33],
  ] as const)('reads every feature of %s as %s', async (file, type, count) => {
    const areas = await readBoundaries(resolve(BOUNDARIES, file), { type });
    expect(areas).toHaveLength(count);
    if (type === 'lsoa11') expect(areas[0]?.parentCodes).toEqual({ lad: 'E09000001' });
  });
});

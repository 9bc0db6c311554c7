/**
 * Reads ONS boundary GeoJSON (or a partnership's own neighbourhood boundaries) into
 * AreaRecords. Everything is checked before anything is returned, so a bad file is
 * refused as a whole with a message an analyst can act on.
 */
import { fromBng } from '../../shared/bng.ts';
import type { AreaGeometry, AreaRecord, AreaType, Position } from './area.types.ts';
import { AREA_TYPES, ONS_CODE_PATTERN } from './area.types.ts';
import { GeographyError } from './geography.errors.ts';
import { describeInput, readAllText, sentence, type GeographyInput } from './input.ts';

export type BoundaryFilter = { property: string; values: string[] };

export type ReadBoundariesOptions = {
  type: AreaType;
  /** Property holding the area code; defaults per type (LSOA21CD, LSOA11CD, MSOA21CD, WDyyCD, LADyyCD, code). */
  codeProperty?: string;
  /** Property holding the area name; defaults per type (LSOA21NM, ..., name). */
  nameProperty?: string;
  /** Keep only features whose property is one of the values (e.g. LAD22CD = the partnership's borough). */
  filter?: BoundaryFilter;
  /** Told about anything done silently on the caller's behalf, such as converting from British National Grid. */
  onNotice?: (message: string) => void;
};

type PropertyRule = { label: string; pattern: RegExp };

// ONS names its columns by vintage year (WD19CD, WD22CD, LAD21CD, LAD22CD...), so wards and
// local authorities are matched by pattern rather than one fixed name.
const CODE_RULES: Record<AreaType, PropertyRule> = {
  lsoa11: { label: 'LSOA11CD', pattern: /^LSOA11CD$/i },
  lsoa21: { label: 'LSOA21CD', pattern: /^LSOA21CD$/i },
  msoa21: { label: 'MSOA21CD', pattern: /^MSOA21CD$/i },
  ward: { label: 'WDyyCD (e.g. WD22CD)', pattern: /^WD\d{2}CD$/i },
  lad: { label: 'LADyyCD (e.g. LAD22CD)', pattern: /^LAD\d{2}CD$/i },
  neighbourhood: { label: 'code', pattern: /^code$/i },
};

const NAME_RULES: Record<AreaType, PropertyRule> = {
  lsoa11: { label: 'LSOA11NM', pattern: /^LSOA11NM$/i },
  lsoa21: { label: 'LSOA21NM', pattern: /^LSOA21NM$/i },
  msoa21: { label: 'MSOA21NM', pattern: /^MSOA21NM$/i },
  ward: { label: 'WDyyNM (e.g. WD22NM)', pattern: /^WD\d{2}NM$/i },
  lad: { label: 'LADyyNM (e.g. LAD22NM)', pattern: /^LAD\d{2}NM$/i },
  neighbourhood: { label: 'name', pattern: /^name$/i },
};

// Only parents of a known vintage: an LSOA 2011 file's MSOA11CD is not an msoa21 code,
// so it is deliberately not recorded as one.
const PARENT_RULES: Partial<Record<AreaType, RegExp>> = {
  msoa21: /^MSOA21CD$/i,
  ward: /^WD\d{2}CD$/i,
  lad: /^LAD\d{2}CD$/i,
};

// Custom neighbourhood codes are the partnership's own, so only keep them URL- and CSV-safe.
const NEIGHBOURHOOD_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

// Generous box around the UK (Scilly to Shetland, Northern Ireland to Lowestoft) so that a
// file for the wrong country, or with latitude and longitude swapped, is caught.
const UK_LON_MIN = -8.8;
const UK_LON_MAX = 2.0;
const UK_LAT_MIN = 49.8;
const UK_LAT_MAX = 61.0;

// British National Grid covers eastings 0-700 km and northings 0-1300 km.
const BNG_E_MAX = 700_000;
const BNG_N_MAX = 1_300_000;

type RawFeature = { index: number; code: string; name: string; parentCodes: Partial<Record<AreaType, string>>; polygons: number[][][][]; isMulti: boolean };

export async function readBoundaries(input: GeographyInput, opts: ReadBoundariesOptions): Promise<AreaRecord[]> {
  if (!AREA_TYPES.includes(opts.type)) {
    throw new GeographyError('invalid_value', `Unknown area type "${String(opts.type)}"; expected one of ${AREA_TYPES.join(', ')}.`);
  }
  const source = describeInput(input);
  const text = await readAllText(input);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new GeographyError('invalid_json', `${sentence(source)} is not valid JSON: ${(err as Error).message}`);
  }
  return parseBoundaries(doc, opts, source);
}

/** The same as readBoundaries for a document that is already parsed. */
export function parseBoundaries(doc: unknown, opts: ReadBoundariesOptions, source = 'the boundary file'): AreaRecord[] {
  if (!isObject(doc) || doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) {
    const found = isObject(doc) && typeof doc.type === 'string' ? `a GeoJSON ${doc.type}` : 'something else';
    throw new GeographyError(
      'not_feature_collection',
      `${sentence(source)} must be a GeoJSON FeatureCollection (an object with "type": "FeatureCollection" and a "features" list), but it is ${found}.`,
    );
  }

  const declaredBng = declaresBng(doc.crs);
  const features: unknown[] = doc.features;
  const kept: RawFeature[] = [];
  const firstIndexByCode = new Map<string, number>();
  let firstDegrees: number | null = null;
  let firstMetres: number | null = null;
  let sampleMetres: Position | null = null;

  for (let index = 0; index < features.length; index++) {
    const feature = features[index];
    if (!isObject(feature) || feature.type !== 'Feature') {
      throw new GeographyError('invalid_feature', `Feature ${index} is not a GeoJSON Feature (its "type" must be "Feature").`, { featureIndex: index });
    }
    const properties = isObject(feature.properties) ? feature.properties : {};

    if (opts.filter) {
      const { property, values } = opts.filter;
      if (!(property in properties)) {
        throw new GeographyError(
          'missing_property',
          `Feature ${index} has no property "${property}" to filter on; the properties it has are: ${Object.keys(properties).join(', ') || 'none'}.`,
          { featureIndex: index, property },
        );
      }
      if (!values.includes(String(properties[property]))) continue;
    }

    const codeKey = resolveKey(properties, opts.codeProperty, CODE_RULES[opts.type], index, 'code');
    const nameKey = resolveKey(properties, opts.nameProperty, NAME_RULES[opts.type], index, 'name');
    const code = readString(properties, codeKey, index);
    const name = readString(properties, nameKey, index);

    if (opts.type === 'neighbourhood' ? !NEIGHBOURHOOD_CODE_PATTERN.test(code) : !ONS_CODE_PATTERN.test(code)) {
      const expected =
        opts.type === 'neighbourhood'
          ? 'letters, digits, "-", "_" or "." (at most 64, starting with a letter or digit)'
          : 'an ONS code: a letter E, W, S or N followed by 8 digits, like E01000001';
      throw new GeographyError('invalid_code', `Feature ${index}: property "${codeKey}" is "${code}", which is not ${expected}.`, {
        featureIndex: index,
        property: codeKey,
      });
    }
    const earlier = firstIndexByCode.get(code);
    if (earlier !== undefined) {
      throw new GeographyError('duplicate_code', `Features ${earlier} and ${index} both have ${codeKey} "${code}"; each area must appear once.`, {
        featureIndex: index,
        property: codeKey,
      });
    }
    firstIndexByCode.set(code, index);

    const { polygons, isMulti } = readGeometry(feature.geometry, index);
    for (const polygon of polygons) {
      for (const ring of polygon) {
        for (const position of ring) {
          const x = position[0] as number;
          const y = position[1] as number;
          if (Math.abs(x) > 180 || Math.abs(y) > 90) {
            if (firstMetres === null) {
              firstMetres = index;
              sampleMetres = [x, y];
            }
          } else if (firstDegrees === null) {
            firstDegrees = index;
          }
        }
      }
    }

    kept.push({ index, code, name, parentCodes: readParents(properties, opts.type), polygons, isMulti });
  }

  if (firstMetres !== null && firstDegrees !== null) {
    throw new GeographyError(
      'mixed_coordinate_systems',
      `${sentence(source)} mixes coordinate systems: feature ${firstDegrees} has longitude/latitude degrees but feature ${firstMetres} has values like ${formatPosition(sampleMetres)} that look like British National Grid metres. Export the whole file in one coordinate system (WGS84, EPSG:4326, preferred).`,
      { featureIndex: Math.max(firstDegrees, firstMetres) },
    );
  }
  const isBng = firstMetres !== null || (declaredBng && firstDegrees === null && kept.length > 0);
  if (isBng) {
    for (const feature of kept) convertFromBng(feature);
    opts.onNotice?.(
      `${sentence(source)}: the coordinates are British National Grid metres (EPSG:27700), not longitude/latitude; they were converted to WGS84 (accurate to a few metres).`,
    );
  }
  for (const feature of kept) checkInUk(feature, isBng);

  if (opts.filter && kept.length === 0) {
    opts.onNotice?.(`${sentence(source)}: no feature has ${opts.filter.property} equal to ${opts.filter.values.join(' or ')}, so no areas were read.`);
  }

  return kept.map(
    (f): AreaRecord => ({
      type: opts.type,
      code: f.code,
      name: f.name,
      parentCodes: f.parentCodes,
      geometry: toGeometry(f),
    }),
  );
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function declaresBng(crs: unknown): boolean {
  if (!isObject(crs) || !isObject(crs.properties)) return false;
  const name = crs.properties.name;
  return typeof name === 'string' && /27700/.test(name);
}

function resolveKey(
  properties: Record<string, unknown>,
  explicit: string | undefined,
  rule: PropertyRule,
  index: number,
  what: 'code' | 'name',
): string {
  const keys = Object.keys(properties);
  if (explicit !== undefined) {
    if (explicit in properties) return explicit;
    const folded = keys.find((k) => k.toLowerCase() === explicit.toLowerCase());
    if (folded !== undefined) return folded;
    throw new GeographyError(
      'missing_property',
      `Feature ${index} has no ${what} property "${explicit}"; the properties it has are: ${keys.join(', ') || 'none'}.`,
      { featureIndex: index, property: explicit },
    );
  }
  // When a file carries several vintages (LAD21CD and LAD22CD), the latest year wins.
  const matches = keys.filter((k) => rule.pattern.test(k)).sort();
  const key = matches[matches.length - 1];
  if (key === undefined) {
    throw new GeographyError(
      'missing_property',
      `Feature ${index} has no ${what} property ${rule.label}; the properties it has are: ${keys.join(', ') || 'none'}. Name the ${what} property explicitly if the file uses another one.`,
      { featureIndex: index, property: rule.label },
    );
  }
  return key;
}

function readString(properties: Record<string, unknown>, key: string, index: number): string {
  const value = properties[key];
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  if (text === '') {
    throw new GeographyError('missing_property', `Feature ${index}: property "${key}" is empty.`, { featureIndex: index, property: key });
  }
  return text;
}

function readParents(properties: Record<string, unknown>, ownType: AreaType): Partial<Record<AreaType, string>> {
  const parents: Partial<Record<AreaType, string>> = {};
  const keys = Object.keys(properties).sort();
  for (const [parentType, pattern] of Object.entries(PARENT_RULES) as [AreaType, RegExp][]) {
    if (parentType === ownType) continue;
    for (const key of keys) {
      const value = properties[key];
      // Later (sorted) keys overwrite earlier ones, so the latest vintage wins as for codes.
      if (pattern.test(key) && typeof value === 'string' && ONS_CODE_PATTERN.test(value.trim())) parents[parentType] = value.trim();
    }
  }
  return parents;
}

function readGeometry(geometry: unknown, index: number): { polygons: number[][][][]; isMulti: boolean } {
  if (!isObject(geometry)) {
    throw new GeographyError('invalid_geometry', `Feature ${index} has no geometry; a boundary needs a Polygon or MultiPolygon.`, {
      featureIndex: index,
      property: 'geometry',
    });
  }
  if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') {
    throw new GeographyError(
      'invalid_geometry',
      `Feature ${index} has a ${String(geometry.type)} geometry; a boundary must be a Polygon or MultiPolygon.`,
      { featureIndex: index, property: 'geometry' },
    );
  }
  const isMulti = geometry.type === 'MultiPolygon';
  const fail = (why: string): never => {
    throw new GeographyError('invalid_geometry', `Feature ${index}: the ${geometry.type} coordinates are malformed (${why}).`, {
      featureIndex: index,
      property: 'geometry.coordinates',
    });
  };
  const raw: unknown = geometry.coordinates;
  if (!Array.isArray(raw) || raw.length === 0) fail('no coordinates');
  const rawPolygons = (isMulti ? raw : [raw]) as unknown[];
  const polygons: number[][][][] = [];
  rawPolygons.forEach((rawPolygon, p) => {
    const where = isMulti ? `polygon ${p}, ` : '';
    if (!Array.isArray(rawPolygon) || rawPolygon.length === 0) fail(`${where}no rings`);
    const rings: number[][][] = [];
    (rawPolygon as unknown[]).forEach((rawRing, r) => {
      if (!Array.isArray(rawRing)) return fail(`${where}ring ${r} is not a list of positions`);
      if (rawRing.length < 4) fail(`${where}ring ${r} has ${rawRing.length} positions; a closed ring needs at least 4`);
      const ring: number[][] = [];
      for (const pos of rawRing as unknown[]) {
        if (!Array.isArray(pos) || pos.length < 2 || !Number.isFinite(pos[0]) || !Number.isFinite(pos[1])) {
          fail(`${where}ring ${r} has a position that is not a pair of numbers`);
        }
        // Heights are dropped: area assignment is two-dimensional.
        ring.push([(pos as number[])[0] as number, (pos as number[])[1] as number]);
      }
      const first = ring[0] as number[];
      const last = ring[ring.length - 1] as number[];
      if (first[0] !== last[0] || first[1] !== last[1]) fail(`${where}ring ${r} is not closed: its last position must repeat its first`);
      rings.push(ring);
    });
    polygons.push(rings);
  });
  return { polygons, isMulti };
}

function convertFromBng(feature: RawFeature): void {
  for (const polygon of feature.polygons) {
    for (const ring of polygon) {
      for (const position of ring) {
        const e = position[0] as number;
        const n = position[1] as number;
        if (e < 0 || e > BNG_E_MAX || n < 0 || n > BNG_N_MAX) {
          throw new GeographyError(
            'outside_uk',
            `Feature ${feature.index} (${feature.code}) has the point ${formatPosition([e, n])}, which is outside the British National Grid (eastings 0-700,000 m, northings 0-1,300,000 m).`,
            { featureIndex: feature.index, property: 'geometry.coordinates' },
          );
        }
        const [lon, lat] = fromBng(e, n);
        // 6 decimal places is about 10 cm: far below the source generalisation, and it keeps stored geometry small.
        position[0] = Math.round(lon * 1e6) / 1e6;
        position[1] = Math.round(lat * 1e6) / 1e6;
      }
    }
  }
}

function checkInUk(feature: RawFeature, converted: boolean): void {
  for (const polygon of feature.polygons) {
    for (const ring of polygon) {
      for (const position of ring) {
        const lon = position[0] as number;
        const lat = position[1] as number;
        if (lon >= UK_LON_MIN && lon <= UK_LON_MAX && lat >= UK_LAT_MIN && lat <= UK_LAT_MAX) continue;
        const swapped = lat >= UK_LON_MIN && lat <= UK_LON_MAX && lon >= UK_LAT_MIN && lon <= UK_LAT_MAX;
        const hint = swapped
          ? ' The values look like latitude, longitude: GeoJSON puts longitude first.'
          : converted
            ? ''
            : ' Boundaries must be WGS84 longitude/latitude (EPSG:4326) or British National Grid metres.';
        throw new GeographyError(
          'outside_uk',
          `Feature ${feature.index} (${feature.code}) has the point ${formatPosition([lon, lat])} (longitude, latitude), which is outside the UK.${hint}`,
          { featureIndex: feature.index, property: 'geometry.coordinates' },
        );
      }
    }
  }
}

function toGeometry(feature: RawFeature): AreaGeometry {
  const polygons = feature.polygons as Position[][][];
  return feature.isMulti ? { type: 'MultiPolygon', coordinates: polygons } : { type: 'Polygon', coordinates: polygons[0] as Position[][] };
}

function formatPosition(position: Position | null): string {
  return position ? `[${position[0]}, ${position[1]}]` : '';
}

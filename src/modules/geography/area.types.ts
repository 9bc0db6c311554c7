/**
 * The geography every feed is assigned to. Boundaries come from ONS GeoJSON; population
 * and deprivation come from separate ONS/MHCLG tables keyed by LSOA 2011 and are joined on
 * afterwards, which is why they are optional here.
 */

/**
 * Area vintages the partnership works with. LSOAs exist in two vintages because police.uk
 * moved from 2011 to 2021 codes part way through its history; 'neighbourhood' is a custom
 * area (a ward or a cluster of wards) with a partnership-chosen code.
 */
export type AreaType = 'lsoa11' | 'lsoa21' | 'msoa21' | 'ward' | 'lad' | 'neighbourhood';

export const AREA_TYPES: readonly AreaType[] = ['lsoa11', 'lsoa21', 'msoa21', 'ward', 'lad', 'neighbourhood'];

/** [longitude, latitude] in WGS84 degrees (GeoJSON order, never lat/lon). */
export type Position = [number, number];

/** First ring is the outer boundary, any further rings are holes (RFC 7946). */
export type PolygonGeometry = { type: 'Polygon'; coordinates: Position[][] };

export type MultiPolygonGeometry = { type: 'MultiPolygon'; coordinates: Position[][][] };

export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;

export type AreaRecord = {
  type: AreaType;
  /** ONS GSS code (E01000001...) for statutory areas; the partnership's own code for neighbourhoods. */
  code: string;
  name: string;
  /** Containing areas as the source file states them (an LSOA 2021 names its MSOA 2021 and LAD). */
  parentCodes: Partial<Record<AreaType, string>>;
  /** Null for areas known only from a lookup table (a ward with no boundary file loaded yet). */
  geometry: AreaGeometry | null;
  population?: number | null;
  /** Keys are the ONS age bands, e.g. '0-15', '65+'. */
  populationByAge?: Record<string, number>;
  /** IMD 2019 rank, 1 = most deprived LSOA in England. */
  imdRank?: number | null;
  /** IMD 2019 decile, 1 = most deprived 10%. */
  imdDecile?: number | null;
};

/** ONS GSS code: country letter then eight digits. */
export const ONS_CODE_PATTERN = /^[EWSN]\d{8}$/;

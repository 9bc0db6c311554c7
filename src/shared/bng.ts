/**
 * WGS84 longitude/latitude <-> British National Grid (EPSG:27700) eastings/northings.
 *
 * Uses the OSGB36 7-parameter Helmert transformation, which OS states is good to a few
 * metres across Great Britain; that is well inside the anonymisation of police.uk points
 * and the 20 m generalisation of ONS boundaries. OSTN15 (sub-metre) would need the grid
 * file and is not worth it for area assignment.
 */
import proj4, { type Converter } from 'proj4';

export const BNG_PROJ4 =
  '+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy ' +
  '+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs';

export const WGS84_PROJ4 = '+proj=longlat +datum=WGS84 +no_defs';

// Parsing the definitions costs far more than a conversion, and imports convert
// hundreds of thousands of points, so the converter is built once on first use.
let converter: Converter | undefined;

function getConverter(): Converter {
  converter ??= proj4(WGS84_PROJ4, BNG_PROJ4);
  return converter;
}

export function toBng(lon: number, lat: number): [easting: number, northing: number] {
  const [e, n] = getConverter().forward([lon, lat]);
  return [e as number, n as number];
}

export function fromBng(easting: number, northing: number): [lon: number, lat: number] {
  const [lon, lat] = getConverter().inverse([easting, northing]);
  return [lon as number, lat as number];
}

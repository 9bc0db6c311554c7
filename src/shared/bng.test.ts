import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { BNG_PROJ4, fromBng, toBng } from './bng.ts';

/** Ground distance in metres between two WGS84 points a few metres apart. */
function metresApart([lon1, lat1]: [number, number], [lon2, lat2]: [number, number]): number {
  const dy = (lat2 - lat1) * 111_320;
  const dx = (lon2 - lon1) * 111_320 * Math.cos((lat1 * Math.PI) / 180);
  return Math.hypot(dx, dy);
}

describe('British National Grid', () => {
  // Caister water tower, the worked example of OS "Transformations and OSGM02/OSTN02 user
  // guide": ETRS89 (≈ WGS84 to within a metre in 2002) 52.658007833 N, 1.716073973 E is
  // OSGB36 651409.792 E, 313177.448 N by OSTN02. The Helmert transformation is good to a
  // few metres, which is all area assignment needs.
  const caister = { lon: 1.716073973, lat: 52.658007833, e: 651409.792, n: 313177.448 };

  it('converts WGS84 to eastings and northings within 5 m of the published OS result', () => {
    const [e, n] = toBng(caister.lon, caister.lat);
    expect(Math.hypot(e - caister.e, n - caister.n)).toBeLessThan(5);
  });

  it('converts eastings and northings back to WGS84 within 5 m of the published OS result', () => {
    expect(metresApart(fromBng(caister.e, caister.n), [caister.lon, caister.lat])).toBeLessThan(5);
  });

  it('uses the exact OS projection constants (worked example of the OS guide to coordinate systems, Annex C)', () => {
    // Annex C projects OSGB36 52°39'27.2531"N 1°43'4.5177"E to 651409.903 E, 313177.270 N.
    // Giving the source the same datum as the grid leaves only the projection to check, to the millimetre.
    const osgb36LonLat = `+proj=longlat +ellps=airy ${/\+towgs84=\S+/.exec(BNG_PROJ4)?.[0]} +no_defs`;
    const [e, n] = proj4(osgb36LonLat, BNG_PROJ4).forward([1 + 43 / 60 + 4.5177 / 3600, 52 + 39 / 60 + 27.2531 / 3600]) as number[];
    expect(e).toBeCloseTo(651409.903, 2);
    expect(n).toBeCloseTo(313177.27, 2);
  });

  it('round-trips a London point to within a centimetre', () => {
    const [e, n] = toBng(-0.0977, 51.5155);
    const [lon, lat] = fromBng(e, n);
    expect(metresApart([lon, lat], [-0.0977, 51.5155])).toBeLessThan(0.01);
    // The City of London lies around 532 km east, 181 km north of the grid's false origin.
    expect(e).toBeGreaterThan(531_000);
    expect(e).toBeLessThan(534_000);
    expect(n).toBeGreaterThan(180_000);
    expect(n).toBeLessThan(182_000);
  });
});

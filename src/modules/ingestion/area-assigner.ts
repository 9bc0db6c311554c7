import type { Db } from '../../db/connection.ts';
import type { LocationStatus } from '../../db/schema.ts';
import { toBng } from '../../shared/bng.ts';
import { buildAreaIndex, type AreaIndex } from '../geography/area-index.ts';
import type { AreaRecord } from '../geography/area.types.ts';
import { listAreaLinks, listAreasWithGeometry } from '../geography/geography.repository.ts';

/** Shared between rows at the same point: read, never change. */
export type AreaAssignment = {
  readonly status: LocationStatus;
  readonly lsoa11Id: number | null;
  readonly lsoa21Id: number | null;
  readonly wardId: number | null;
  readonly ladId: number | null;
  readonly easting: number | null;
  readonly northing: number | null;
};

export type AreaAssigner = {
  /** False when the partnership has no LSOAs loaded: rows are then stored unassigned. */
  hasGeography: boolean;
  assign(lon: number | null, lat: number | null, areaCode: string | null): AreaAssignment;
};

type Vintage = { index: AreaIndex; idByCode: Map<string, number> };

/**
 * Builds, once per import, what assigns a row to the partnership's areas: the LSOA code
 * the row gives when the partnership knows it (either census vintage), else the LSOA
 * containing its point; then the other vintage, the ward and the local authority through
 * the area links. A row whose code or point falls in no area of the partnership lies
 * outside it. The source's own LSOA code wins over our point-in-polygon because the
 * source placed the point on unsimplified boundaries, while ours are generalised.
 */
export async function loadAreaAssigner(db: Db, partnershipId: number): Promise<AreaAssigner> {
  const stored = await listAreasWithGeometry(db, partnershipId, ['lsoa11', 'lsoa21']);
  const vintages = { lsoa11: toVintage(stored.filter((a) => a.type === 'lsoa11')), lsoa21: toVintage(stored.filter((a) => a.type === 'lsoa21')) };
  const [l21to11, l11toWard, l11toLad, wardToLad] = await Promise.all([
    listAreaLinks(db, partnershipId, 'lsoa21', 'lsoa11'),
    listAreaLinks(db, partnershipId, 'lsoa11', 'ward'),
    listAreaLinks(db, partnershipId, 'lsoa11', 'lad'),
    listAreaLinks(db, partnershipId, 'ward', 'lad'),
    ]);
  const lsoa11Of21 = new Map(l21to11.map((l) => [l.child_id, l.parent_id]));
  // The reverse of the best fit: an LSOA 2011 maps back to the 2021 area that fits it,
  // which is unique except where 2011 areas were merged.
  const lsoa21Of11 = new Map<number, number>();
  for (const l of l21to11) if (!lsoa21Of11.has(l.parent_id)) lsoa21Of11.set(l.parent_id, l.child_id);
  const wardOf = new Map(l11toWard.map((l) => [l.child_id, l.parent_id]));
  const ladOfWard = new Map(wardToLad.map((l) => [l.child_id, l.parent_id]));
  const ladOf = new Map(l11toLad.map((l) => [l.child_id, l.parent_id]));
  const hasGeography = stored.length > 0;
  // A code the partnership does not know is trusted to mean "elsewhere" only when both
  // vintages are loaded; with one, it may be a code of the other vintage, so the point decides.
  const trustUnknownCodes = vintages.lsoa11.idByCode.size > 0 && vintages.lsoa21.idByCode.size > 0;

  const assign = (lon: number | null, lat: number | null, areaCode: string | null): AreaAssignment => {
    const located = lon !== null && lat !== null;
    let l11: number | null = null;
    let l21: number | null = null;
    if (areaCode) {
      l11 = vintages.lsoa11.idByCode.get(areaCode) ?? null;
      l21 = vintages.lsoa21.idByCode.get(areaCode) ?? null;
    }
    const codeSaysElsewhere = areaCode !== null && l11 === null && l21 === null && trustUnknownCodes;
    if (l11 === null && l21 === null && located && !codeSaysElsewhere) {
      l21 = idOf(vintages.lsoa21, vintages.lsoa21.index.locate(lon, lat));
      l11 = idOf(vintages.lsoa11, vintages.lsoa11.index.locate(lon, lat));
    }
    if (l11 === null && l21 !== null) l11 = lsoa11Of21.get(l21) ?? null;
    if (l21 === null && l11 !== null) {
      l21 = located ? idOf(vintages.lsoa21, vintages.lsoa21.index.locate(lon, lat)) ?? lsoa21Of11.get(l11) ?? null : lsoa21Of11.get(l11) ?? null;
    }
    let easting: number | null = null;
    let northing: number | null = null;
    if (located) [easting, northing] = toBng(lon, lat).map(Math.round) as [number, number];
    const wardId = l11 !== null ? wardOf.get(l11) ?? null : null;
    const ladId = l11 !== null ? ladOf.get(l11) ?? (wardId !== null ? ladOfWard.get(wardId) ?? null : null) : null;
    let status: LocationStatus;
    if (l11 !== null || l21 !== null) status = 'located';
    else if (!located && !areaCode) status = 'no-location';
    else status = hasGeography ? 'outside-area' : 'located';
    return { status, lsoa11Id: l11, lsoa21Id: l21, wardId, ladId, easting, northing };
  };
  return { hasGeography, assign: remembered(assign) };
}

const REMEMBERED_POINTS = 200_000;

/**
 * Police.uk moves every crime to one of a fixed set of anonymised map points (502 in all
 * the City of London's files), so the same few points recur through a file: each is placed
 * once, which saves the polygon search and the projection on nearly every row. Keyed by
 * the exact coordinates; a row giving another area code for a point is placed afresh.
 */
function remembered(assign: AreaAssigner['assign']): AreaAssigner['assign'] {
  // Keyed by whole microdegrees (small integers, cheap to look up); the exact coordinates
  // are checked on every hit.
  const byLon = new Map<number, Map<number, Array<{ lon: number; lat: number; areaCode: string | null; place: AreaAssignment }>>>();
  const byCode = new Map<string | null, AreaAssignment>();
  let size = 0;
  return (lon, lat, areaCode) => {
    if (lon === null || lat === null) {
      // Without a point, only the area code (if any) decides.
      if (lon !== null || lat !== null) return assign(lon, lat, areaCode);
      let place = byCode.get(areaCode);
      if (place === undefined) {
        place = assign(null, null, areaCode);
        if (byCode.size < REMEMBERED_POINTS) byCode.set(areaCode, place);
      }
      return place;
    }
    const lonKey = Math.round(lon * 1e6);
    const latKey = Math.round(lat * 1e6);
    let byLat = byLon.get(lonKey);
    const near = byLat?.get(latKey);
    if (near !== undefined) {
      for (const known of near) if (known.lon === lon && known.lat === lat && known.areaCode === areaCode) return known.place;
    }
    const place = assign(lon, lat, areaCode);
    if (size < REMEMBERED_POINTS) {
      if (byLat === undefined) byLon.set(lonKey, byLat = new Map());
      if (near === undefined) byLat.set(latKey, [{ lon, lat, areaCode, place }]);
      else near.push({ lon, lat, areaCode, place });
      size++;
    }
    return place;
  };
}
function toVintage(areas: Array<{ id: number; type: string; code: string; name: string; geometry: AreaRecord['geometry'] }>): Vintage {
  const withGeometry = areas.filter((a) => a.geometry);
  const index = buildAreaIndex(withGeometry.map((a) => ({ type: a.type as AreaRecord['type'], code: a.code, name: a.name, parentCodes: {}, geometry: a.geometry })));
  return { index, idByCode: new Map(areas.map((a) => [a.code, a.id])) };
}

function idOf(vintage: Vintage, area: AreaRecord | null): number | null {
  return area ? vintage.idByCode.get(area.code) ?? null : null;
}

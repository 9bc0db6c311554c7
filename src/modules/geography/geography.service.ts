import type { Db } from '../../db/connection.ts';
import { requireAccess, type Actor } from '../../shared/authorization.ts';
import { LanternError } from '../../shared/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { ImdEntry, PopulationEntry, WardLookupRow } from './area-csv.loader.ts';
import { bestFitLookup } from './area-index.ts';
import type { AreaRecord, AreaType } from './area.types.ts';
import * as repo from './geography.repository.ts';

const PARENT_TYPES: AreaType[] = ['msoa21', 'ward', 'lad'];

/**
 * Loads boundaries of one area type into the partnership (replacing geometry of areas
 * with the same code), links each to the parents its file names, and, when both LSOA
 * vintages are present, recomputes the 2021 → 2011 best fit used to translate codes.
 */
export async function loadBoundaries(db: Db, actor: Actor, records: AreaRecord[], sourceName: string) {
  const partnershipId = requireAccess(actor, 'geography:manage', actor.partnershipId);
  if (records.length === 0) throw new LanternError('geography-invalid', `${sourceName} has no areas in it (check the filter).`);
  const type = records[0]!.type;
  return db.transaction().execute(async (tx) => {
    const parents: AreaRecord[] = [];
    for (const record of records) {
      for (const parentType of PARENT_TYPES) {
        const code = record.parentCodes[parentType];
        if (code && parentType !== type) parents.push({ type: parentType, code, name: code, parentCodes: {}, geometry: null });
      }
    }
    const uniqueParents = [...new Map(parents.map((p) => [`${p.type}:${p.code}`, p])).values()];
    const existingParents = new Set((await repo.listAreas(tx, partnershipId)).map((a) => `${a.type}:${a.code}`));
    const ids = await repo.upsertAreas(tx, partnershipId, [...records, ...uniqueParents.filter((p) => !existingParents.has(`${p.type}:${p.code}`))]);
    const allIds = new Map((await repo.listAreas(tx, partnershipId)).map((a) => [`${a.type}:${a.code}`, a.id]));
    const links: Array<{ childId: number; parentId: number }> = [];
    for (const record of records) {
      const childId = ids.get(`${record.type}:${record.code}`)!;
      for (const parentType of PARENT_TYPES) {
        const code = record.parentCodes[parentType];
        const parentId = code ? allIds.get(`${parentType}:${code}`) : undefined;
        if (parentId && parentType !== type) links.push({ childId, parentId });
      }
    }
    await repo.insertAreaLinks(tx, partnershipId, links);
    const bestFit = type === 'lsoa11' || type === 'lsoa21' ? await relinkLsoaVintages(tx, partnershipId) : null;
    await recordAudit(tx, actor, { action: 'geography.load-boundaries', recordType: 'areas', recordId: type, detail: { source: sourceName, type, areas: records.length, bestFit } });
    return { type, areas: records.length, parentsCreated: uniqueParents.filter((p) => !existingParents.has(`${p.type}:${p.code}`)).length, bestFit };
  });
}

/** Recomputes which LSOA 2011 each LSOA 2021 best fits (same code, else the one holding its interior point). */
async function relinkLsoaVintages(tx: Db, partnershipId: number) {
  const areas = await repo.listAreasWithGeometry(tx, partnershipId, ['lsoa11', 'lsoa21']);
  const toRecord = (a: (typeof areas)[number]): AreaRecord => ({ type: a.type, code: a.code, name: a.name, parentCodes: {}, geometry: a.geometry });
  const l21 = areas.filter((a) => a.type === 'lsoa21');
  const l11 = areas.filter((a) => a.type === 'lsoa11');
  await repo.deleteAreaLinks(tx, partnershipId, 'lsoa21', 'lsoa11');
  if (l21.length === 0 || l11.length === 0) return null;
  const fit = bestFitLookup(l21.map(toRecord), l11.filter((a) => a.geometry).map(toRecord));
  const id11 = new Map(l11.map((a) => [a.code, a.id]));
  const links = [];
  let sameCode = 0;
  let interior = 0;
  for (const area of l21) {
    const match = fit.get(area.code);
    const parentId = match?.code ? id11.get(match.code) : undefined;
    if (!parentId) continue;
    links.push({ childId: area.id, parentId });
    if (match!.method === 'same-code') sameCode++;
    else interior++;
  }
  await repo.insertAreaLinks(tx, partnershipId, links);
  return { sameCode, interiorPoint: interior, unmatched: l21.length - links.length };
}

/**
 * Loads the LSOA 2011 → ward → local authority lookup for the LSOAs the partnership
 * holds (other rows of a national file are ignored), creating the wards and authorities.
 */
export async function loadWardLookup(db: Db, actor: Actor, rows: WardLookupRow[], sourceName: string) {
  const partnershipId = requireAccess(actor, 'geography:manage', actor.partnershipId);
  return db.transaction().execute(async (tx) => {
    const lsoas = new Map((await repo.listAreas(tx, partnershipId, 'lsoa11')).map((a) => [a.code, a.id]));
    const relevant = rows.filter((r) => lsoas.has(r.lsoa11));
    if (relevant.length === 0) {
      throw new LanternError('geography-invalid', `None of the ${rows.length} rows of ${sourceName} names an LSOA 2011 the partnership holds. Load the LSOA 2011 boundaries first.`);
    }
    const wards = new Map(relevant.map((r) => [r.ward, { type: 'ward' as const, code: r.ward, name: r.wardName, parentCodes: { lad: r.lad }, geometry: null }]));
    const lads = new Map(relevant.map((r) => [r.lad, { type: 'lad' as const, code: r.lad, name: r.ladName, parentCodes: {}, geometry: null }]));
    const ids = await repo.upsertAreas(tx, partnershipId, [...wards.values(), ...lads.values()]);
    await repo.deleteAreaLinks(tx, partnershipId, 'lsoa11', 'ward');
    await repo.deleteAreaLinks(tx, partnershipId, 'lsoa11', 'lad');
    await repo.deleteAreaLinks(tx, partnershipId, 'ward', 'lad');
    const links: Array<{ childId: number; parentId: number }> = [];
    for (const r of relevant) {
      const lsoaId = lsoas.get(r.lsoa11)!;
      links.push({ childId: lsoaId, parentId: ids.get(`ward:${r.ward}`)! }, { childId: lsoaId, parentId: ids.get(`lad:${r.lad}`)! });
    }
    for (const ward of wards.values()) links.push({ childId: ids.get(`ward:${ward.code}`)!, parentId: ids.get(`lad:${ward.parentCodes.lad}`)! });
    await repo.insertAreaLinks(tx, partnershipId, links);
    await recordAudit(tx, actor, { action: 'geography.load-wards', recordType: 'areas', recordId: 'ward', detail: { source: sourceName, lsoas: relevant.length, wards: wards.size, authorities: lads.size } });
    return { lsoas: relevant.length, wards: wards.size, authorities: lads.size, lsoasWithoutWard: lsoas.size - new Set(relevant.map((r) => r.lsoa11)).size };
  });
}

/** Attaches population (total and by age band) to the partnership's LSOAs 2011, and sums it to wards and authorities. */
export async function loadPopulation(db: Db, actor: Actor, population: Map<string, PopulationEntry>, sourceName: string) {
  return loadLsoaStatistics(db, actor, sourceName, 'geography.load-population', (code) => {
    const entry = population.get(code);
    return entry ? { population: entry.total, populationByAge: entry.byAge } : null;
  });
}

/** Attaches IMD 2019 rank and decile to the partnership's LSOAs 2011. */
export async function loadDeprivation(db: Db, actor: Actor, imd: Map<string, ImdEntry>, sourceName: string) {
  return loadLsoaStatistics(db, actor, sourceName, 'geography.load-deprivation', (code) => {
    const entry = imd.get(code);
    return entry ? { imdRank: entry.rank, imdDecile: entry.decile } : null;
  });
}

async function loadLsoaStatistics(db: Db, actor: Actor, sourceName: string, action: string,
  valuesFor: (code: string) => Parameters<typeof repo.updateAreaStatistics>[4] | null) {
  const partnershipId = requireAccess(actor, 'geography:manage', actor.partnershipId);
  return db.transaction().execute(async (tx) => {
    const lsoas = await repo.listAreas(tx, partnershipId, 'lsoa11');
    if (lsoas.length === 0) throw new LanternError('geography-invalid', 'Load the LSOA 2011 boundaries before population or deprivation.');
    let matched = 0;
    for (const lsoa of lsoas) {
      const values = valuesFor(lsoa.code);
      if (values && await repo.updateAreaStatistics(tx, partnershipId, 'lsoa11', lsoa.code, values)) matched++;
    }
    if (action === 'geography.load-population') await repo.rollUpPopulation(tx, partnershipId);
    await recordAudit(tx, actor, { action, recordType: 'areas', recordId: 'lsoa11', detail: { source: sourceName, matched, missing: lsoas.length - matched } });
    return { matched, missing: lsoas.length - matched };
  });
}

/** A custom neighbourhood or ward cluster: a named group of the partnership's areas. */
export async function defineNeighbourhood(db: Db, actor: Actor, input: { code: string; name: string; memberCodes: string[] }) {
  const partnershipId = requireAccess(actor, 'geography:manage', actor.partnershipId);
  if (!/^[A-Za-z0-9-]{2,40}$/.test(input.code)) throw new LanternError('invalid-input', 'A neighbourhood code has 2 to 40 letters, digits or hyphens.');
  if (input.name.trim().length < 2) throw new LanternError('invalid-input', 'Enter the neighbourhood name.');
  return db.transaction().execute(async (tx) => {
    const areas = await repo.listAreas(tx, partnershipId);
    const byCode = new Map<string, (typeof areas)[number]>();
    for (const a of areas) if (a.type !== 'neighbourhood' && !byCode.has(a.code)) byCode.set(a.code, a);
    const unknown = input.memberCodes.filter((c) => !byCode.has(c));
    if (unknown.length) throw new LanternError('invalid-input', `These areas are not in the partnership: ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? '…' : ''}.`);
    if (input.memberCodes.length === 0) throw new LanternError('invalid-input', 'Choose at least one area for the neighbourhood.');
    const ids = await repo.upsertAreas(tx, partnershipId, [{ type: 'neighbourhood', code: input.code, name: input.name.trim(), parentCodes: {}, geometry: null }]);
    const neighbourhoodId = ids.get(`neighbourhood:${input.code}`)!;
    await repo.replaceNeighbourhoodMembers(tx, partnershipId, neighbourhoodId, input.memberCodes.map((c) => byCode.get(c)!.id));
    await recordAudit(tx, actor, { action: 'geography.define-neighbourhood', recordType: 'area', recordId: neighbourhoodId, detail: { code: input.code, name: input.name, members: input.memberCodes } });
    return { id: neighbourhoodId, members: input.memberCodes.length };
  });
}

export async function describeGeography(db: Db, actor: Actor) {
  const partnershipId = requireAccess(actor, 'overview:read', actor.partnershipId);
  const [counts, wards, neighbourhoods, lads] = await Promise.all([
    repo.countAreasByType(db, partnershipId), repo.listAreas(db, partnershipId, 'ward'), repo.listAreas(db, partnershipId, 'neighbourhood'), repo.listAreas(db, partnershipId, 'lad'),
  ]);
  return { counts, wards, neighbourhoods, lads };
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorOf, pageAccess } from '../../server/guards.ts';
import { renderPage } from '../../server/render.ts';
import { eachUploadedFile, type UploadedFile } from '../../server/multipart.ts';
import type { Db } from '../../db/connection.ts';
import type { Actor } from '../../shared/authorization.ts';
import { LanternError, notFoundOrNoAccess } from '../../shared/errors.ts';
import { readImd, readPopulation, readWardLookup } from './area-csv.loader.ts';
import type { AreaType } from './area.types.ts';
import { readBoundaries } from './geojson.loader.ts';
import { defineNeighbourhood, describeGeography, loadBoundaries, loadDeprivation, loadPopulation, loadWardLookup } from './geography.service.ts';

const BOUNDARY_TYPES: Array<{ value: AreaType; text: string }> = [
  { value: 'lsoa21', text: 'LSOA 2021 (LSOA21CD, LSOA21NM)' },
  { value: 'lsoa11', text: 'LSOA 2011 (LSOA11CD, LSOA11NM)' },
  { value: 'msoa21', text: 'MSOA 2021 (MSOA21CD)' },
  { value: 'ward', text: 'Electoral wards (WDyyCD, WDyyNM)' },
  { value: 'lad', text: 'Local authorities (LADyyCD, LADyyNM)' },
];

const GEOGRAPHY_FILES = ['boundaries', 'wards', 'population', 'deprivation'];

export async function geographyRoutes(app: FastifyInstance) {
  const db = app.handle.db;

  const page = async (request: FastifyRequest, reply: Parameters<typeof renderPage>[1], extra: Record<string, unknown> = {}, status = 200) => {
    const geography = await describeGeography(db, actorOf(request));
    return renderPage(request, reply, 'admin/geography.njk', { title: 'Geography', ...geography, boundaryTypes: BOUNDARY_TYPES, ...extra }, status);
  };

  app.get('/admin/geography', { preHandler: pageAccess('geography:manage') }, async (request, reply) => page(request, reply));

  app.post('/admin/geography/:what', { preHandler: [pageAccess('geography:manage'), app.csrfProtection] }, async (request, reply) => {
    const { what } = request.params as { what: string };
    if (!GEOGRAPHY_FILES.includes(what)) throw notFoundOrNoAccess();
    const actor = actorOf(request);
    try {
      let message = '';
      await eachUploadedFile(request, async (upload) => {
        message = await loadGeographyFile(db, actor, what, upload);
      });
      return page(request, reply, { flash: message });
    } catch (error) {
      if (error instanceof Error && (error.name === 'GeographyError' || error instanceof LanternError)) {
        return page(request, reply, { errors: [{ text: error.message, href: `#${what}`, field: what }] }, 422);
      }
      throw error;
    }
  });

  app.post('/admin/geography-neighbourhoods', { preHandler: pageAccess('geography:manage'), preValidation: app.csrfProtection }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, string>;
    try {
      const result = await defineNeighbourhood(db, actorOf(request), {
        code: (body.code ?? '').trim(), name: body.name ?? '', memberCodes: (body.members ?? '').split(/[\s,]+/).filter(Boolean),
      });
      return page(request, reply, { flash: `Neighbourhood saved with ${result.members} areas.` });
    } catch (error) {
      if (error instanceof LanternError && error.code === 'invalid-input') return page(request, reply, { errors: [{ text: error.message, href: '#neighbourhood-name', field: 'neighbourhood' }], values: body }, 400);
      throw error;
    }
  });
}

/** Reads one uploaded geography file of the kind the form is for and loads it; returns what to tell the user. */
async function loadGeographyFile(db: Db, actor: Actor, what: string, upload: UploadedFile): Promise<string> {
  switch (what) {
    case 'boundaries': {
      const type = upload.fields.type as AreaType;
      if (!BOUNDARY_TYPES.some((t) => t.value === type)) throw new LanternError('invalid-input', 'Choose the type of area in the file.');
      const filterProperty = upload.fields.filterProperty?.trim();
      const filterValues = (upload.fields.filterValues ?? '').split(/[\s,]+/).filter(Boolean);
      const records = await readBoundaries(upload.stream, { type, ...(filterProperty && filterValues.length ? { filter: { property: filterProperty, values: filterValues } } : {}) });
      const result = await loadBoundaries(db, actor, records, upload.fileName);
      return `Loaded ${result.areas} ${type} boundaries from ${upload.fileName}.`;
    }
    case 'wards': {
      const result = await loadWardLookup(db, actor, await readWardLookup(upload.stream), upload.fileName);
      return `Linked ${result.lsoas} LSOAs to ${result.wards} wards in ${result.authorities} local authorit${result.authorities === 1 ? 'y' : 'ies'}.`;
    }
    case 'population': {
      const result = await loadPopulation(db, actor, await readPopulation(upload.stream), upload.fileName);
      return `Population loaded for ${result.matched} LSOAs${result.missing ? `; ${result.missing} had no row in the file` : ''}.`;
    }
    case 'deprivation': {
      const result = await loadDeprivation(db, actor, await readImd(upload.stream), upload.fileName);
      return `Deprivation loaded for ${result.matched} LSOAs${result.missing ? `; ${result.missing} had no row in the file` : ''}.`;
    }
    default:
      throw notFoundOrNoAccess();
  }
}

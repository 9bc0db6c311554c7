import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { apiHeaders, buildAgreement, buildPartnership, importCityPoliceFiles, loadCityGeography, type TestPartnership } from './factories.ts';
import { buildTestApp } from './http.ts';

/**
 * The partnership `city` holding every City of London police.uk file with the City's
 * geography, another partnership `elsewhere`, API tokens for both, and the app: what the
 * API suites on real data start from.
 */
export type CityApi = {
  handle: TestDatabase;
  app: FastifyInstance;
  p: TestPartnership;
  analyst: Record<string, string>;
  viewer: Record<string, string>;
  outsider: Record<string, string>;
  close: () => Promise<void>;
};

export async function openCityApi(): Promise<CityApi> {
  const handle = await createTestDatabase();
  const p = await buildPartnership(handle, { slug: 'city' });
  await buildAgreement(handle, p);
  await loadCityGeography(handle, p);
  await importCityPoliceFiles(handle, p);
  const headers = await apiHeaders(handle, p, await buildPartnership(handle, { slug: 'elsewhere' }));
  const app = await buildTestApp(handle);
  return {
    handle, app, p, ...headers,
    close: async () => {
      await app.close();
      await handle.drop();
    },
  };
}

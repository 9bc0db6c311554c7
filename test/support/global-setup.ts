import pg from 'pg';
import { rm } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { migrate } from '../../src/db/migrate.ts';

export const TEMPLATE_DATABASE = 'lantern_test_template';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
  }
}

/**
 * One PostgreSQL for the whole run: the embedded one in a throw-away folder, or the
 * server named by DATABASE_URL. A migrated template database is made once; each test
 * file then copies it into a database of its own.
 */
export default async function setup(project: TestProject) {
  let adminUrl: string;
  let stop: (() => Promise<void>) | undefined;
  const dir = `.tmp/test-pg-${process.pid}`;
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = '/postgres';
    adminUrl = url.toString();
  } else {
    const embedded = await startEmbeddedPostgres(dir, 54400 + (process.pid % 500));
    adminUrl = embedded.adminUrl;
    stop = embedded.stop;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${TEMPLATE_DATABASE}`;
  const pool = new pg.Pool({ connectionString: templateUrl.toString(), max: 1 });
  await migrate(pool);
  await pool.end();
  project.provide('adminUrl', adminUrl);
  return async () => {
    await stop?.();
    if (stop) await rm(dir, { recursive: true, force: true });
  };
}

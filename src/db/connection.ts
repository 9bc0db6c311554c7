import pg from 'pg';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import type { Database } from './schema.ts';
import { startEmbeddedPostgres } from './embedded.ts';
import { migrate } from './migrate.ts';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

export type DatabaseHandle = {
  db: Db;
  pool: pg.Pool;
  url: string;
  embedded: boolean;
  close: () => Promise<void>;
};

// DATE columns come back as 'YYYY-MM-DD' strings rather than local-midnight Dates.
pg.types.setTypeParser(1082, (value: string) => value);
// bigint counts (COUNT(*), SUM) fit comfortably in a double for our volumes.
pg.types.setTypeParser(20, (value: string) => Number(value));

export type OpenOptions = {
  /** An external PostgreSQL; when absent the embedded cluster is started. */
  databaseUrl?: string | undefined;
  dataDir?: string;
  port?: number;
  databaseName?: string;
};

/** Opens the database Lantern runs on (migrating it), embedded unless DATABASE_URL is set. */
export async function openDatabase(options: OpenOptions = {}): Promise<DatabaseHandle> {
  const external = options.databaseUrl ?? process.env.DATABASE_URL;
  let url: string;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (external) {
    url = external;
  } else {
    const embedded = await startEmbeddedPostgres(
      options.dataDir ?? process.env.LANTERN_DATA_DIR ?? './data',
      options.port ?? Number(process.env.LANTERN_DB_PORT ?? 54329),
    );
    stopEmbedded = embedded.stop;
    url = await ensureDatabase(embedded.adminUrl, options.databaseName ?? 'lantern');
  }
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    await stopEmbedded?.();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    url,
    embedded: !external,
    close: async () => {
      await db.destroy();
      await stopEmbedded?.();
    },
  };
}

/**
 * A Kysely bound to one checked-out client, for work that mixes COPY streams (which need
 * the raw client) with typed queries inside one transaction the caller controls.
 */
export function kyselyOnClient(client: pg.PoolClient): Db {
  // The caller releases the client; Kysely's release after each query must not.
  const unreleasable = new Proxy(client, {
    get(target, prop) {
      if (prop === 'release') return () => undefined;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const single = { connect: async () => unreleasable, end: async () => undefined };
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: single as unknown as pg.Pool }) });
}

/** Creates `name` on the cluster behind adminUrl when it does not exist; returns its URL. */
export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      const from = template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : '';
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}${from}`);
    }
  } finally {
    await admin.end();
  }
  const target = new URL(adminUrl);
  target.pathname = `/${name}`;
  return target.toString();
}

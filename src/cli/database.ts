import { openDatabase, type DatabaseHandle } from '../db/connection.ts';

/** Runs a command against the database (embedded unless DATABASE_URL is set) and closes it after. */
export async function withDatabase<T>(work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = await openDatabase();
  try {
    return await work(handle);
  } finally {
    await handle.close();
  }
}

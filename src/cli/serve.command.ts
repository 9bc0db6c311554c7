import { openDatabase } from '../db/connection.ts';
import { buildApp } from '../server/app.ts';
import { listPartnerships } from '../modules/partnerships/partnership.repository.ts';
import { loadDemoPartnership, printDemoSignIns, publishDemoAssessment } from '../modules/demo/demo.service.ts';
import { runRetentionJob } from '../modules/agreements/retention.service.ts';

const DAY_MS = 24 * 3600 * 1000;

export async function runServe(options: { port: number; host: string; demo?: boolean }): Promise<void> {
  const started = Date.now();
  const handle = await openDatabase();
  console.log(`Database: ${handle.embedded ? 'embedded PostgreSQL' : 'external PostgreSQL'} ready in ${Date.now() - started} ms.`);
  if (options.demo && (await listPartnerships(handle.db)).length === 0) {
    console.log('Empty database: loading the synthetic demo partnership (about a minute, once)…');
    await loadDemoPartnership(handle, { log: (line) => console.log(`  ${line}`) });
    await publishDemoAssessment(handle, (line) => console.log(`  ${line}`));
  }
  const app = await buildApp({ handle, logger: process.env.LANTERN_LOG === '1' });
  await app.listen({ port: options.port, host: options.host });
  console.log(`Lantern is running at http://localhost:${options.port}`);
  if (options.demo) await printDemoSignIns(handle);
  // Retention runs at start and then daily, so expired data never outlives its agreement by more than a day.
  const retention = () => runRetentionJob(handle.db).then((results) => {
    for (const r of results) console.log(`Retention: deleted ${r.deleted} rows of "${r.agreement}" (${r.partnership}).`);
  }).catch((error: unknown) => console.error('Retention job failed:', error));
  await retention();
  const timer = setInterval(retention, DAY_MS);
  const stop = async () => {
    clearInterval(timer);
    await app.close();
    await handle.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

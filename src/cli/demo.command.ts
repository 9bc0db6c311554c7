import type { DatabaseHandle } from '../db/connection.ts';
import { loadDemoPartnership, loadRealPartnership, printDemoSignIns } from '../modules/demo/demo.service.ts';

export async function runDemo(handle: DatabaseHandle, options: { real?: string; seed: string }): Promise<void> {
  const log = (line: string) => console.log(line);
  if (options.real) await loadRealPartnership(handle, options.real, log);
  else await loadDemoPartnership(handle, { seed: options.seed, log });
  await printDemoSignIns(handle);
}

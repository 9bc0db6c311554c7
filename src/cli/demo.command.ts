import type { DatabaseHandle } from '../db/connection.ts';
import { loadDemoPartnership, loadRealPartnership, printDemoSignIns, publishDemoAssessment } from '../modules/demo/demo.service.ts';

export async function runDemo(handle: DatabaseHandle, options: { real?: string; seed: string }): Promise<void> {
  const log = (line: string) => console.log(line);
  if (options.real) await loadRealPartnership(handle, options.real, log);
  else {
    await loadDemoPartnership(handle, { seed: options.seed, log });
    await publishDemoAssessment(handle, log);
  }
  await printDemoSignIns(handle);
}

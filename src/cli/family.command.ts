import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { DatabaseHandle } from '../db/connection.ts';
import { FamilyFileRefused, loadFamilyFile, loadMetFamily, type FamilyLoadResult } from '../modules/family/family.service.ts';
import { requirePartnershipBySlug } from '../modules/partnerships/partnership.service.ts';
import { systemActor } from '../shared/authorization.ts';

/**
 * `lantern family load` and `lantern family load-met`: progress on stderr, a closing
 * summary line on stdout. Returns the exit code: 0 when loaded, 1 when the file was
 * refused (its problems, by line and column, on stderr; nothing loaded).
 */
export async function runFamilyLoad(handle: DatabaseHandle, options: { partnership: string; file?: string; metDir?: string; quiet?: boolean }): Promise<number> {
  const partnership = await requirePartnershipBySlug(handle.db, options.partnership);
  const actor = systemActor(partnership.id, `cli:${process.env.USER ?? 'operator'}`);
  const progress = (message: string) => { if (!options.quiet) console.error(message); };
  let result: FamilyLoadResult;
  try {
    if (options.metDir) {
      progress(`loading the Met recorded-crime files from ${options.metDir} into ${partnership.slug}`);
      result = await loadMetFamily(handle.db, actor, options.metDir, { onProgress: progress });
    } else {
      progress(`loading ${options.file} into ${partnership.slug}`);
      result = await loadFamilyFile(handle.db, actor, { fileName: basename(options.file!), input: createReadStream(options.file!) });
    }
  } catch (error) {
    if (!(error instanceof FamilyFileRefused)) throw error;
    console.error(`REFUSED. ${error.message}`);
    for (const p of error.problems.slice(0, 200)) console.error(`  line ${p.line}, ${p.field}: ${p.reason}`);
    if (error.problems.length > 200) console.error(`  … and ${error.problems.length - 200} more problems`);
    console.log('loaded 0, replaced 0');
    return 1;
  }
  for (const note of result.notes) progress(`  - ${note}`);
  const what = result.kind === 'characteristics' ? `characteristics of ${result.areas} areas` : `${result.rows} figures for ${result.areas} areas (${result.indicators.join(', ')}${result.periods ? `, ${result.periods.first} to ${result.periods.last}` : ''})`;
  progress(`${what}`);
  console.log(`loaded ${result.rows}, replaced ${result.replaced}`);
  return 0;
}

import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DatabaseHandle } from '../db/connection.ts';
import type { AssessmentTemplate } from '../db/schema.ts';
import { parsePeriod } from '../modules/assessments/assessment.schema.ts';
import { generateAssessment, publishAssessment } from '../modules/assessments/assessment.service.ts';
import { requirePartnershipBySlug } from '../modules/partnerships/partnership.service.ts';
import { systemActor } from '../shared/authorization.ts';
import { LanternError } from '../shared/errors.ts';

/**
 * Generates the assessment for a period from the data shared now (a new version of the
 * document if it exists, keeping its words), publishes it, and writes its HTML and PDF.
 */
export async function runAssessmentPublish(handle: DatabaseHandle, options: { partnership: string; period: string; out: string; template: AssessmentTemplate; quiet?: boolean }): Promise<void> {
  let period: { from: string; to: string };
  try {
    period = parsePeriod(options.period);
  } catch (error) {
    throw new LanternError('invalid-input', `--period: ${(error as Error).message}`);
  }
  const log = (line: string) => { if (!options.quiet) process.stderr.write(`${line}\n`); };
  const started = Date.now();
  const partnership = await requirePartnershipBySlug(handle.db, options.partnership);
  const actor = systemActor(partnership.id, 'cli');
  log(`Gathering the figures for ${period.from} to ${period.to}…`);
  const { assessment, version } = await generateAssessment(handle.db, actor, { template: options.template, ...period });
  log('Rendering the document and its PDF…');
  const published = await publishAssessment(handle.db, actor, assessment.id, { version: version.version });
  const dir = resolve(options.out);
  await mkdir(dir, { recursive: true });
  const base = `${partnership.slug}-${options.template}-${period.from}-to-${period.to}`;
  const htmlPath = join(dir, `${base}.html`);
  const pdfPath = join(dir, `${base}.pdf`);
  await writeFile(htmlPath, published.html);
  await writeFile(pdfPath, published.pdf);
  console.log(`published "${assessment.title}" version ${published.version.version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(htmlPath);
  console.log(pdfPath);
}

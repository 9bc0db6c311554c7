import { z } from 'zod';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export const ASSESSMENT_TEMPLATES = ['strategic-assessment', 'violence-problem-profile'] as const;

export const ZCreateAssessmentSchema = z.object({
  template: z.enum(ASSESSMENT_TEMPLATES, { error: 'Choose a template' }),
  from: z.string().regex(MONTH, 'Enter the first month as YYYY-MM, for example 2024-04'),
  to: z.string().regex(MONTH, 'Enter the last month as YYYY-MM, for example 2025-03'),
  title: z.string().trim().max(200, 'Title must be 200 characters or fewer').optional(),
});
export type TCreateAssessment = z.output<typeof ZCreateAssessmentSchema>;

export const ZVersionSchema = z.object({ version: z.coerce.number().int().min(1) });

export const ZSectionTextSchema = ZVersionSchema.extend({
  text: z.string().max(20_000, 'Words must be 20,000 characters or fewer').default(''),
});

/** concern[category]=0..5 from the form; blank means not entered. */
export const ZConcernSchema = ZVersionSchema.extend({
  concern: z.record(z.string().max(80), z.string().trim().regex(/^[0-5]?$/, 'Public concern must be a whole number from 0 to 5, or blank')).default({}),
});

/** `2024-04..2025-03`, as the CLI and API take a period. */
export function parsePeriod(value: string): { from: string; to: string } {
  const match = /^(\d{4}-\d{2})\.\.(\d{4}-\d{2})$/.exec(value.trim());
  if (!match || !MONTH.test(match[1]!) || !MONTH.test(match[2]!)) throw new RangeError(`Give the period as YYYY-MM..YYYY-MM, for example 2024-04..2025-03 (got "${value}")`);
  return { from: match[1]!, to: match[2]! };
}

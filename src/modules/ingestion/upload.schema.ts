import { z } from 'zod';
import type { FeedOptions } from './feed-parser.ts';

export const SOURCE_KIND_LABELS = {
  'police-uk': 'police.uk street-level crime (CSV)',
  istv: 'A&E assault attendances, ISTV minimum dataset (CSV)',
  incidents: 'Other incident list (CSV or XLSX, with a column mapping)',
} as const;

const isoDate = z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter dates as YYYY-MM-DD');

/** The fields that come with an uploaded file, from the web form, the CLI or the API. */
export const ZUploadFieldsSchema = z.object({
  kind: z.enum(['police-uk', 'istv', 'incidents'], { message: 'Choose what kind of data this is' }),
  source: z.string().trim().max(63).optional(),
  mode: z.enum(['all-or-nothing', 'quarantine']).default('all-or-nothing'),
  periodStart: isoDate.optional().or(z.literal('').transform(() => undefined)),
  periodEnd: isoDate.optional().or(z.literal('').transform(() => undefined)),
  siteCode: z.string().trim().toUpperCase().optional(),
}).superRefine((value, ctx) => {
  if (value.kind === 'istv') {
    if (!value.periodStart) ctx.addIssue({ code: 'custom', path: ['periodStart'], message: 'Enter the reporting period start date' });
    if (!value.periodEnd) ctx.addIssue({ code: 'custom', path: ['periodEnd'], message: 'Enter the reporting period end date' });
    if (!value.siteCode) ctx.addIssue({ code: 'custom', path: ['siteCode'], message: 'Enter the site code of the A&E department' });
  }
  if (value.kind === 'incidents' && !value.source) ctx.addIssue({ code: 'custom', path: ['source'], message: 'Choose the source of this incident list' });
});
export type TUploadFields = z.infer<typeof ZUploadFieldsSchema>;

export function feedOptionsFromFields(fields: TUploadFields, fileName: string): FeedOptions {
  return {
    fileName,
    format: /\.xlsx$/i.test(fileName) ? 'xlsx' : 'csv',
    ...(fields.kind === 'istv' ? { istv: { periodStart: fields.periodStart!, periodEnd: fields.periodEnd!, siteCode: fields.siteCode! } } : {}),
  };
}

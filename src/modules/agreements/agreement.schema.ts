import { z } from 'zod';

function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** One message per date field: missing, or not a real date. */
const isoDate = (label: string) => z.string().trim().superRefine((value, ctx) => {
  if (value === '' || value === '0000-00-00') ctx.addIssue({ code: 'custom', message: `Enter the ${label}` });
  else if (!isRealDate(value)) ctx.addIssue({ code: 'custom', message: `The ${label} must be a real date` });
});

export const LEGAL_BASES = [
  'Crime and Disorder Act 1998 s.115',
  'Crime and Disorder Act 1998 s.17A and the Crime and Disorder (Prescribed Information) Regulations 2007',
  'UK GDPR Article 6(1)(e) public task',
  'UK GDPR Article 6(1)(c) legal obligation',
  'Data Protection Act 2018 Part 3 (law enforcement processing)',
  'Health and Social Care Act 2012 s.251B (duty to share)',
] as const;

export const ZAgreementSchema = z.object({
  title: z.string().trim().min(3, 'Enter a title').max(200),
  purpose: z.string().trim().min(10, 'Describe the purpose of sharing in a sentence or more').max(4000),
  legalBasis: z.string().trim().min(5, 'Enter the legal basis').max(500),
  partyAgencyIds: z.array(z.coerce.number().int().positive()).min(1, 'Choose at least one agency that shares under this agreement'),
  datasets: z.array(z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'Dataset names are lower-case letters, digits and hyphens, e.g. police-uk')).min(1, 'Name at least one dataset'),
  fieldsShared: z.string().trim().min(3, 'List the fields shared').max(4000),
  retentionMonths: z.coerce.number({ message: 'Enter the retention period in months' }).int('Enter a whole number of months').min(1, 'Retention must be at least 1 month').max(600, 'Retention can be at most 600 months'),
  recordLevelExport: z.boolean().default(false),
  startDate: isoDate('start date'),
  reviewDate: isoDate('review date'),
  endDate: isoDate('end date').optional(),
}).superRefine((value, ctx) => {
  if (value.reviewDate < value.startDate) ctx.addIssue({ code: 'custom', path: ['reviewDate'], message: 'The review date must be on or after the start date' });
  if (value.endDate && value.endDate < value.startDate) ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'The end date must be on or after the start date' });
});
export type TAgreement = z.infer<typeof ZAgreementSchema>;

import { z } from 'zod';

const month = z.string().trim().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Enter a month as YYYY-MM, for example 2025-05');
const optionalMonth = month.optional().or(z.literal('').transform(() => undefined));

/** The ranking's period: both ends optional (the latest 12 months of A&E data by default). */
export const ZVenuePeriodSchema = z.object({ from: optionalMonth, to: optionalMonth })
  .refine((p) => !p.from || !p.to || p.from <= p.to, { path: ['from'], message: 'The first month must be before the last month' });
export type TVenuePeriod = z.infer<typeof ZVenuePeriodSchema>;

/** A decision from the review page: confirm one premises, or say it is no licensed premises. */
export const ZVenueDecisionFormSchema = z.object({
  description: z.string().trim().min(1).max(1000),
  choice: z.string({ message: 'Choose the premises this description means, or that it is not a licensed premises' })
    .regex(/^(none|other|\d+)$/, 'Choose the premises this description means, or that it is not a licensed premises'),
  otherPremisesId: z.string().optional(),
}).transform((form, ctx) => {
  if (form.choice === 'none') return { description: form.description, premisesId: null };
  const id = Number(form.choice === 'other' ? form.otherPremisesId : form.choice);
  if (!Number.isInteger(id) || id <= 0) {
    ctx.addIssue({ code: 'custom', path: ['otherPremisesId'], message: 'Choose the premises from the register' });
    return z.NEVER;
  }
  return { description: form.description, premisesId: id };
});

export const ZVenueDecisionSchema = z.object({
  description: z.string().min(1).max(1000).describe('The location description as written, or its normalised form from the review queue'),
  premisesId: z.number().int().positive().nullable().describe('The premises it means; null for "not a licensed premises"'),
});

const ZFigure = z.number().int().nullable().describe('null when withheld (small-number suppression)');

export const ZVenueRankingSchema = z.object({
  partnership: z.string(),
  period: z.object({ from: z.string(), to: z.string() }).nullable(),
  suppressed: z.boolean().describe('Whether counts from 1 to threshold − 1 were withheld (every role but analyst)'),
  threshold: z.number().int(),
  totalAttendances: ZFigure.describe('A&E assault attendances matched to licensed premises in the period'),
  allAttendances: ZFigure.describe('All A&E assault attendances in the period'),
  premisesWithoutAttendances: z.number().int(),
  venues: z.array(z.object({
    premisesId: z.number().int(),
    name: z.string(),
    address: z.string(),
    postcode: z.string(),
    licensedHours: z.string().nullable(),
    onRegister: z.boolean(),
    attendances: ZFigure,
    share: z.number().nullable().describe('Share of all attendances matched to licensed premises (0 to 1)'),
    fridaySaturdayShare: z.number().nullable().describe('Share of this venue\'s attendances on Friday and Saturday nights, 18:00 to 06:00 (0 to 1)'),
    peakHours: z.string().nullable(),
    night: z.array(z.object({ hour: z.number().int(), attendances: ZFigure })).describe('Attendances by hour of the night, London time'),
  })),
});

export const ZReviewQueueSchema = z.object({
  partnership: z.string(),
  items: z.array(z.object({
    description: z.string(),
    examples: z.array(z.string()),
    attendances: ZFigure,
    candidates: z.array(z.object({ premisesId: z.number().int(), name: z.string(), address: z.string(), postcode: z.string(), score: z.number() })),
  })),
});

export const ZMatchSummarySchema = z.object({
  descriptions: z.number().int(), scored: z.number().int(), matched: z.number().int(), review: z.number().int(), noMatch: z.number().int(),
  decidedByPeople: z.number().int(), changed: z.number().int(),
});

export const ZRegisterImportSchema = z.object({
  fileName: z.string(), premises: z.number().int(), added: z.number().int(), updated: z.number().int(), restored: z.number().int(),
  removed: z.number().int(), ignoredColumns: z.array(z.string()), matching: ZMatchSummarySchema,
});

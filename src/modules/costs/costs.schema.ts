/** Input of the cost of crime pages and API: the edit forms and the calculator. */
import { z } from 'zod';
import { AREA_LEVELS } from '../analysis/filters.ts';
import { COMPONENT_KEYS, COST_CATEGORY_KEYS, type CostComponent } from './unit-costs.data.ts';

/** "£14,050", "14050" or "14,050.00" as a number; blank as undefined. */
const money = (label: string) => z.preprocess(
  (v) => (typeof v === 'string' ? (v.replace(/[£,\s]/g, '') === '' ? undefined : v.replace(/[£,\s]/g, '')) : v),
  z.coerce.number({ error: `Enter ${label} in pounds, for example 14050` }).min(0, `${label} cannot be negative`).max(100_000_000, `${label} is too large`).optional(),
);

const componentFields = Object.fromEntries(COMPONENT_KEYS.map((k) => [k, money('the amount')])) as Record<CostComponent, ReturnType<typeof money>>;

export const ZUnitCostFormSchema = z.object({
  total: money('the unit cost'),
  ...componentFields,
  source: z.string().trim().min(1, 'Say where the figures come from, for example "Home Office Research Report 99, Table 1, page 15"').max(500, 'Keep the source to 500 characters'),
});
export type TUnitCostForm = z.infer<typeof ZUnitCostFormSchema>;

const percent = (label: string) => z.preprocess(
  (v) => (typeof v === 'string' ? (v.replace(/[%\s]/g, '') === '' ? undefined : v.replace(/[%\s]/g, '')) : v),
  z.coerce.number({ error: `Enter ${label} as a percentage, for example 25` }).min(0, `${label} cannot be below 0%`).max(100, `${label} cannot be over 100%`).optional(),
);

export const ZCostRuleFormSchema = z.object({
  key: z.string().min(3).max(260),
  treatment: z.enum(['total', 'note'], { error: 'Choose whether the cost adds to the total or is shown beside it' }),
  basis: z.string().trim().min(1, 'Say what the mapping assumes, so that readers know what the figures rest on').max(1000, 'Keep the basis to 1,000 characters'),
  ...Object.fromEntries(COST_CATEGORY_KEYS.map((k) => [`share_${k}`, percent('the share')])),
});
export type TCostRuleForm = z.infer<typeof ZCostRuleFormSchema>;

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const ZInflationFormSchema = z.object({
  base: z.preprocess(blankToUndefined, z.coerce.number({ error: 'Enter the 2015-16 index value, for example 85.2' }).positive('The 2015-16 index value must be more than 0')),
  current: z.preprocess(blankToUndefined, z.coerce.number({ error: 'Enter the index value for the year to show, for example 105.3' }).positive('The index value must be more than 0')),
  currentLabel: z.string().trim().regex(/^\d{4}-\d{2}$/, 'Enter the financial year as YYYY-YY, for example 2024-25'),
  source: z.string().trim().min(1, 'Say which release the values come from').max(500, 'Keep the source to 500 characters'),
});
export type TInflationForm = z.infer<typeof ZInflationFormSchema>;

export const ZCostsLevelSchema = z.object({ level: z.enum(AREA_LEVELS).optional() });

const stripPercent = (v: unknown) => (typeof v === 'string' ? (v.replace(/[%\s]/g, '') === '' ? undefined : v.replace(/[%\s]/g, '')) : v);
const reductionNumber = () => z.coerce.number({ error: 'Enter the fall as a percentage, for example 10' }).gt(0, 'Enter a fall of more than 0%').max(100, 'A fall cannot be more than 100%');

/** A fall in per cent, required (the API). */
export const ZReductionSchema = z.preprocess(stripPercent, reductionNumber()).describe('The fall, in per cent (10 = 10%)');

/** The calculator: which cost category, how big a fall; areas and period are the workspace's. Both may be blank before the form is sent. */
export const ZAvoidedSchema = z.object({
  category: z.enum(COST_CATEGORY_KEYS, { error: 'Choose a Home Office cost category' }).optional(),
  reduction: z.preprocess(stripPercent, reductionNumber().optional()),
});
export type TAvoided = z.infer<typeof ZAvoidedSchema>;

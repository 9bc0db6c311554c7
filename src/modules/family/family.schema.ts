import { z } from 'zod';
import { INDICATOR_CODE_PATTERN } from './indicator-codes.ts';
import { CHARACTERISTIC_KEYS, DEFAULT_K, type CharacteristicKey } from './similarity.ts';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** A form's checkboxes arrive as nothing, one string, or several. */
const list = <T extends z.ZodType>(item: T) => z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item));

export const ZFamilyQuerySchema = z.object({
  indicator: z.string().regex(INDICATOR_CODE_PATTERN, 'Choose an indicator from the list.').optional().describe('One indicator code (B12a, B12b, B12c, ASB, ROBBERY, ...); all when absent'),
  from: z.string().regex(MONTH, 'Give the first month as YYYY-MM.').optional().describe('Only periods starting in or after this month (YYYY-MM)'),
  to: z.string().regex(MONTH, 'Give the last month as YYYY-MM.').optional().describe('Only periods ending in or before this month (YYYY-MM)'),
});
export type TFamilyQuery = z.infer<typeof ZFamilyQuerySchema>;

export const ZFamilyDefinitionFormSchema = z.object({
  method: z.enum(['nearest', 'chosen'], { message: 'Choose how the family is chosen.' }),
  k: z.coerce.number({ message: 'Give the number of members as a whole number.' }).int('Give the number of members as a whole number.')
    .min(3, 'A family has at least 3 members.').max(30, 'A family has at most 30 members.').default(DEFAULT_K),
  characteristics: list(z.enum(CHARACTERISTIC_KEYS as [CharacteristicKey, ...CharacteristicKey[]])).refine((v) => v.length > 0, 'Choose at least one characteristic.'),
  members: list(z.string().max(32)),
}).superRefine((value, ctx) => {
  if (value.method === 'chosen' && value.members.length === 0) ctx.addIssue({ code: 'custom', path: ['members'], message: 'Choose at least one member of the family.' });
});
export type TFamilyDefinitionForm = z.infer<typeof ZFamilyDefinitionFormSchema>;

import { z } from 'zod';
import { LanternError } from '../../shared/errors.ts';
import { AREA_LEVELS, type AreaLevel } from '../analysis/filters.ts';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** A form or query value that may be repeated or comma-separated, as a list. */
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((value) => {
    if (value === undefined || value === null || value === '') return [];
    return (Array.isArray(value) ? value : [value]).map((v) => String(v).trim()).filter((v) => v !== '');
  }, z.array(item).max(200));

export const ZIndicatorSchema = z.object({
  code: z.string().trim()
    .min(1, { message: 'Enter a short code for the indicator, for example LOCAL-1', abort: true })
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,19}$/, 'The code must start with a letter and use only letters, digits and hyphens, at most 20 characters'),
  name: z.string().trim().min(1, 'Enter the indicator’s name, for example "Robbery offences per 1,000"').max(120, 'The name must be 120 characters or fewer'),
  sourceSlugs: list(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/)),
  categories: list(z.string().max(80)),
  sourceCategories: list(z.string().max(200)),
  multiplier: z.coerce.number().refine((n) => n === 1000 || n === 100_000, 'Choose per 1,000 or per 100,000 residents'),
  polarity: z.enum(['low-is-good', 'high-is-good', 'none'], { error: 'Choose whether a low value is good, a high value is good, or neither' }),
  note: z.string().trim().max(2000, 'The note must be 2,000 characters or fewer').default(''),
}).superRefine((value, ctx) => {
  if (value.categories.length + value.sourceCategories.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['categories'], message: 'Choose at least one category or source category to count' });
  }
});

export type TIndicatorInput = z.input<typeof ZIndicatorSchema>;
export type TIndicator = z.output<typeof ZIndicatorSchema>;

/**
 * What an indicator is compared with. 'family' (the most similar partnerships' average) is
 * supplied by src/modules/family and is not wired in yet: the union leaves room for it.
 */
export type Benchmark =
  | { kind: 'partnership' }
  /** Each area against the area of this type that contains it (its ward, local authority, ...). */
  | { kind: 'parent'; type: ParentLevel }
  /** A value the user enters, in the indicator's own units (a target, or a published national figure). */
  | { kind: 'value'; value: number }
  | { kind: 'family' };

export const PARENT_LEVELS = ['lad', 'ward', 'msoa21', 'neighbourhood'] as const satisfies readonly AreaLevel[];
export type ParentLevel = (typeof PARENT_LEVELS)[number];

/** Reads `partnership`, `parent:lad`, `value:12.5` or `family`; `value` alone takes its number from `benchmarkValue` (the page form). */
export function parseBenchmark(text: string | undefined, valueField?: string): Benchmark {
  const raw = (text ?? '').trim();
  if (raw === '' || raw === 'partnership') return { kind: 'partnership' };
  if (raw === 'family') return { kind: 'family' };
  const parent = /^parent:(.+)$/.exec(raw);
  if (parent) {
    const type = PARENT_LEVELS.find((l) => l === parent[1]);
    if (!type) throw new LanternError('invalid-input', `A parent benchmark must be one of ${PARENT_LEVELS.map((l) => `parent:${l}`).join(', ')}.`);
    return { kind: 'parent', type };
  }
  const value = /^value(?::(.*))?$/.exec(raw);
  if (value) {
    const given = (value[1] ?? valueField ?? '').trim().replace(/,/g, '');
    const number = Number(given);
    if (given === '' || !Number.isFinite(number) || number < 0) throw new LanternError('invalid-input', 'Enter the benchmark value as a number of 0 or more, in the indicator’s units (for example 12.5 per 1,000).');
    return { kind: 'value', value: number };
  }
  throw new LanternError('invalid-input', 'The benchmark must be partnership, parent:<area type>, value:<number> or family.');
}

/** The benchmark written back as it is read, for links. */
export function benchmarkParam(b: Benchmark): string {
  switch (b.kind) {
    case 'partnership': return 'partnership';
    case 'family': return 'family';
    case 'parent': return `parent:${b.type}`;
    case 'value': return `value:${b.value}`;
  }
}

/** `2024-06..2025-05`, the API's period. */
export const ZPeriodParam = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])\.\.\d{4}-(0[1-9]|1[0-2])$/, 'Give the period as YYYY-MM..YYYY-MM, for example 2024-06..2025-05');

/** The pages' query string: the period, the area type and area, the benchmark and the trend. */
export const ZIndicatorQuerySchema = z.object({
  from: z.string().regex(MONTH, 'Enter the first month as YYYY-MM, for example 2024-06').optional(),
  to: z.string().regex(MONTH, 'Enter the last month as YYYY-MM, for example 2025-05').optional(),
  type: z.enum(AREA_LEVELS).optional(),
  area: z.string().regex(/^(lad|ward|lsoa21|lsoa11|msoa21|neighbourhood):[A-Za-z0-9_-]{1,40}$/, 'Area must be type:code, for example ward:E05000001').optional(),
  benchmark: z.string().max(60).optional(),
  benchmarkValue: z.string().max(30).optional(),
  trend: z.enum(['rolling', 'year']).default('rolling'),
});

export type TIndicatorQuery = z.output<typeof ZIndicatorQuerySchema>;

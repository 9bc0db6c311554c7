/**
 * What each outcome indicator counts. The built-in indicators are the Public Health
 * Outcomes Framework violence indicators (B12a, B12b, B12c) and ASB; a partnership adds its
 * own. A definition's numerator is resolved against the partnership's sources, because
 * what can honestly be counted depends on what has been shared: B12a falls back to a stated
 * proxy, and B12c is "not available" rather than a wrong number when no source separates
 * sexual offences.
 */
import type { Source } from '../../db/schema.ts';
import type { AreaLevel } from '../analysis/filters.ts';
import type { Polarity } from '../analysis/stats/compare.ts';

export type Multiplier = 1000 | 100_000;

export type IndicatorDefinition = {
  code: string;
  name: string;
  multiplier: Multiplier;
  polarity: Polarity;
  /**
   * 'esp2013': the published indicator is directly age-standardised to the 2013 European
   * Standard Population; Lantern does so when age-banded numerators exist (none of the
   * analysis counts carry ages today, so such indicators are given as crude rates and say so).
   */
  standardisation: 'crude' | 'esp2013';
  /** What the figure is and is not, shown beside it wherever it appears. */
  note: string;
  builtIn: boolean;
  /** How a custom indicator counts, as stored; null for the built-in ones. */
  filter: { sourceSlugs: string[]; categories: string[]; sourceCategories: string[] } | null;
};

/** One part of a numerator: the counts of these sources matching these filters (the workspace's AND semantics). */
export type NumeratorTerm = { sourceIds: number[]; categories: string[]; sourceCategories: string[] };

export type ResolvedNumerator =
  /** proxy: counted from something else than the indicator names (A&E attendances for admissions), so never compared with published or other partnerships' figures. */
  | { available: true; terms: NumeratorTerm[]; sources: Source[]; notes: string[]; proxy?: boolean }
  | { available: false; reason: string };

/** Each source with its own categories (police.uk crime types, ISTV methods, list categories). */
export type SourceCatalogue = Array<{ source: Source; sourceCategories: string[] }>;

export const BUILT_IN_INDICATORS: readonly IndicatorDefinition[] = [
  {
    code: 'B12a', name: 'Violence: hospital admissions for violence per 100,000', multiplier: 100_000, polarity: 'low-is-good', standardisation: 'esp2013', builtIn: true, filter: null,
    note: 'PHOF B12a counts emergency hospital admissions for violence (including sexual violence), directly age-standardised. '
      + 'Where no hospital admissions are shared with the partnership, Lantern uses A&E assault attendances (ISTV) as a local proxy: '
      + 'attendances are more numerous than admissions, so the proxy is higher than the published B12a and the two must not be compared. '
      + 'It is a crude rate, not age-standardised, because the shared data carries no ages.',
  },
  {
    code: 'B12b', name: 'Violence offences per 1,000', multiplier: 1000, polarity: 'low-is-good', standardisation: 'crude', builtIn: true, filter: null,
    note: 'Police-recorded violence against the person per 1,000 residents. police.uk publishes "Violence and sexual offences" as one crime type, '
      + 'so B12b from police.uk includes sexual offences and runs higher than the published PHOF figure.',
  },
  {
    code: 'B12c', name: 'Sexual offences per 1,000', multiplier: 1000, polarity: 'low-is-good', standardisation: 'crude', builtIn: true, filter: null,
    note: 'Police-recorded sexual offences per 1,000 residents, counted only from a source whose own categories separate sexual offences from other violence.',
  },
  {
    code: 'ASB', name: 'Anti-social behaviour incidents per 1,000', multiplier: 1000, polarity: 'low-is-good', standardisation: 'crude', builtIn: true, filter: null,
    note: 'Anti-social behaviour incidents per 1,000 residents: police.uk ASB and any council or other ASB source, added together. '
      + 'An incident reported to both the police and the council is counted once by each, as Lantern does not match records across sources.',
  },
];

export const BUILT_IN_CODES = new Set(BUILT_IN_INDICATORS.map((d) => d.code.toLowerCase()));

/** A source supplies hospital admissions when its slug says so (e.g. "hospital-admissions"): no feed format carries them yet. */
const ADMISSIONS = /admission/i;
/** A source category naming sexual offences on their own; police.uk's combined "Violence and sexual offences" does not. */
const SEXUAL_ONLY = /\b(sexual|rape)\b/i;
const COMBINED_WITH_VIOLENCE = /violen/i;

function names(sources: readonly Source[]): string {
  return sources.map((s) => s.name).join(', ');
}

/** What a definition counts in this partnership, or why it cannot be counted. */
export function resolveNumerator(definition: IndicatorDefinition, catalogue: SourceCatalogue): ResolvedNumerator {
  const sources = catalogue.map((c) => c.source);
  if (definition.filter) {
    const bySlug = new Map(sources.map((s) => [s.slug, s]));
    const missing = definition.filter.sourceSlugs.filter((slug) => !bySlug.has(slug));
    if (missing.length) return { available: false, reason: `The source${missing.length === 1 ? '' : 's'} ${missing.join(', ')} this indicator counts ${missing.length === 1 ? 'is' : 'are'} no longer in the partnership.` };
    const chosen = definition.filter.sourceSlugs.length ? definition.filter.sourceSlugs.map((slug) => bySlug.get(slug)!) : sources;
    if (chosen.length === 0) return { available: false, reason: 'No data has been shared with the partnership yet.' };
    return {
      available: true, sources: chosen, notes: [],
      terms: [{ sourceIds: chosen.map((s) => s.id), categories: definition.filter.categories, sourceCategories: definition.filter.sourceCategories }],
    };
  }
  switch (definition.code) {
    case 'B12a': {
      const admissions = sources.filter((s) => ADMISSIONS.test(s.slug));
      if (admissions.length) {
        return { available: true, sources: admissions, notes: [`Counted from hospital admissions: ${names(admissions)}.`], terms: [{ sourceIds: admissions.map((s) => s.id), categories: ['violence'], sourceCategories: [] }] };
      }
      const istv = sources.filter((s) => s.kind === 'istv');
      if (istv.length === 0) return { available: false, reason: 'Not available from the shared data: no source supplies hospital admissions for violence, or A&E assault attendances (ISTV) to use as a proxy.' };
      return {
        available: true, proxy: true, sources: istv, terms: [{ sourceIds: istv.map((s) => s.id), categories: ['violence'], sourceCategories: [] }],
        notes: [`Local proxy, not hospital admissions (which are not shared with the partnership): counted from ${names(istv)}.`],
      };
    }
    case 'B12b': {
      const police = sources.filter((s) => s.kind === 'police-uk');
      if (police.length === 0) return { available: false, reason: 'Not available from the shared data: no police.uk crime data has been shared with the partnership.' };
      return {
        available: true, sources: police, terms: [{ sourceIds: police.map((s) => s.id), categories: ['violence'], sourceCategories: [] }],
        notes: [`Counted from ${names(police)}: "Violence and sexual offences", which includes sexual offences.`],
      };
    }
    case 'B12c': {
      const separating = catalogue
        .filter((c) => c.source.kind !== 'istv')
        .map((c) => ({ source: c.source, categories: c.sourceCategories.filter((v) => SEXUAL_ONLY.test(v) && !COMBINED_WITH_VIOLENCE.test(v)) }))
        .filter((c) => c.categories.length > 0);
      if (separating.length === 0) {
        return { available: false, reason: 'Not available from the shared data: no source separates sexual offences from other violence (police.uk publishes them together as "Violence and sexual offences").' };
      }
      return {
        available: true, sources: separating.map((c) => c.source),
        terms: separating.map((c) => ({ sourceIds: [c.source.id], categories: [], sourceCategories: c.categories })),
        notes: separating.map((c) => `Counted from ${c.source.name}: ${c.categories.map((v) => `"${v}"`).join(', ')}.`),
      };
    }
    case 'ASB': {
      const asb = catalogue.filter((c) => c.source.kind !== 'istv').map((c) => c.source);
      if (asb.length === 0) return { available: false, reason: 'Not available from the shared data: no police.uk or council data has been shared with the partnership.' };
      return { available: true, sources: asb, terms: [{ sourceIds: asb.map((s) => s.id), categories: ['asb'], sourceCategories: [] }], notes: [] };
    }
    default:
      return { available: false, reason: `Lantern does not know how to count ${definition.code}.` };
  }
}

/** Area types as table headings. */
export const AREA_TYPE_LABELS: Record<AreaLevel, string> = {
  lad: 'Local authority', ward: 'Ward', lsoa21: 'LSOA 2021', lsoa11: 'LSOA 2011', msoa21: 'MSOA 2021', neighbourhood: 'Neighbourhood',
};

/** How area types read in a sentence: "every ward", "the partnership's LSOAs (2011)". */
export const AREA_TYPE_NAMES: Record<AreaLevel, { one: string; plural: string }> = {
  lad: { one: 'local authority', plural: 'local authorities' }, ward: { one: 'ward', plural: 'wards' },
  lsoa11: { one: 'LSOA (2011)', plural: 'LSOAs (2011)' }, lsoa21: { one: 'LSOA (2021)', plural: 'LSOAs (2021)' },
  msoa21: { one: 'MSOA (2021)', plural: 'MSOAs (2021)' }, neighbourhood: { one: 'neighbourhood', plural: 'neighbourhoods' },
};

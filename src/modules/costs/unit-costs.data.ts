/**
 * The Home Office unit costs of crime, as data, with the source of every figure.
 *
 * Heeks, M., Reed, S., Tafsiri, M. and Prince, S. (2018) "The economic and social costs of
 * crime, second edition", Home Office Research Report 99, July 2018: average cost per
 * crime in England and Wales in 2015/16 prices, split into costs in anticipation of crime,
 * as a consequence of it and in response to it.
 *
 * Only figures that could be read in a stored copy of a source are here. The report's own
 * text was found (its title page and contents, which give the cost components below and
 * place "Table 1: Unit costs of crimes by category" on page 15), but its tables could not
 * be read; the totals and the few component figures below were read in a newspaper's report
 * of the Home Office figures. Every other figure is null: "not verified", never guessed.
 * A partnership can enter the missing figures from its own copy of the report on the unit
 * costs page; its entries are stored apart (cost_unit_overrides) and audited.
 *
 * Where a commonly quoted figure differs from the stored source, the source wins and
 * the difference is noted beside the figure (criminal damage – arson).
 */

/** Where a figure was read. */
export const SOURCES = {
  'ho-rr99': {
    title: 'Heeks, Reed, Tafsiri and Prince (2018), The economic and social costs of crime, second edition, Home Office Research Report 99',
    url: 'https://readkong.com/page/the-economic-and-social-costs-of-crime-second-edition-9971269',
  },
  'south-wales-echo-2019': {
    title: '"Revealed: the cost of crime", South Wales Echo, 2 August 2019, reporting the Home Office figures (2015/16 prices) published the year before',
    url: 'https://www.pressreader.com/uk/south-wales-echo/20190802/282020443907609',
  },
} as const;

export type SourceId = keyof typeof SOURCES;

/** A figure in pounds, 2015/16 prices, with where it was read and the words it was read in. */
export type SourcedFigure = {
  value: number;
  source: SourceId;
  quote: string;
  /** "rounded": the source gives the figure rounded (e.g. "£3.2m"), so it is not exact. */
  precision?: 'rounded';
  note?: string;
};

/**
 * The report's cost components (its sections 4.1–6.2, read in the stored contents page), in
 * the order the report sets them out.
 */
export const COST_COMPONENTS = [
  { key: 'defensiveExpenditure', label: 'Defensive expenditure', stage: 'anticipation' },
  { key: 'insuranceAdministration', label: 'Insurance administration', stage: 'anticipation' },
  { key: 'propertyStolenDamaged', label: 'Property stolen and damaged', stage: 'consequence' },
  { key: 'physicalEmotionalHarm', label: 'Physical and emotional harms', stage: 'consequence' },
  { key: 'lostOutput', label: 'Lost output', stage: 'consequence' },
  { key: 'healthServices', label: 'Health services', stage: 'consequence' },
  { key: 'victimServices', label: 'Victim services', stage: 'consequence' },
  { key: 'policeCosts', label: 'Police costs', stage: 'response' },
  { key: 'criminalJustice', label: 'Criminal justice system', stage: 'response' },
] as const;

export type CostComponent = (typeof COST_COMPONENTS)[number]['key'];
export const COMPONENT_KEYS: readonly CostComponent[] = COST_COMPONENTS.map((c) => c.key);

export const COST_CATEGORY_KEYS = [
  'homicide', 'violence-with-injury', 'violence-without-injury', 'rape', 'other-sexual-offences', 'robbery',
  'domestic-burglary', 'theft-of-vehicle', 'theft-from-vehicle', 'theft-from-person',
  'criminal-damage-arson', 'criminal-damage-other', 'commercial-burglary', 'shoplifting',
] as const;

export type CostCategory = (typeof COST_CATEGORY_KEYS)[number];

export type PublishedUnitCost = {
  key: CostCategory;
  label: string;
  /** Crimes against individuals and households, or against businesses. */
  victim: 'individual' | 'business';
  /** Cost per crime, all components; null when it could not be verified. */
  total: SourcedFigure | null;
  /** Each component's cost per crime; a component left out could not be verified. */
  components: Partial<Record<CostComponent, SourcedFigure>>;
  /** Why figures are missing, said on the page. */
  gap?: string;
};

const ECHO = 'south-wales-echo-2019' as const;
const NOT_READ = 'The figure could not be read in any stored source, so it is left out rather than guessed. Enter it from your copy of Table 1 of the report.';

/** One row per Home Office cost category Lantern maps incidents to. */
export const PUBLISHED_UNIT_COSTS: readonly PublishedUnitCost[] = [
  {
    key: 'homicide', label: 'Homicide', victim: 'individual',
    total: {
      value: 3_200_000, source: ECHO, quote: 'Every murder costs society an estimated £3.2m', precision: 'rounded',
      note: 'Read only rounded to £0.1 million; the exact figure in the report could not be read.',
    },
    components: {
      policeCosts: { value: 11_960, source: ECHO, quote: 'It costs officers an estimated £11,960 on average per homicide' },
      criminalJustice: { value: 800_980, source: ECHO, quote: 'Murder costs the criminal justice system a further £800,980 on average' },
    },
    gap: 'Only the police and criminal justice costs could be read; the rest of the total is not split between agencies.',
  },
  {
    key: 'violence-with-injury', label: 'Violence with injury', victim: 'individual',
    total: { value: 14_050, source: ECHO, quote: '£14,050 for violence with injury' },
    components: {},
    gap: 'The split between cost components could not be read.',
  },
  { key: 'violence-without-injury', label: 'Violence without injury', victim: 'individual', total: null, components: {}, gap: NOT_READ },
  {
    key: 'rape', label: 'Rape', victim: 'individual',
    total: { value: 39_360, source: ECHO, quote: '£39,360 for rape' },
    components: { policeCosts: { value: 6_360, source: ECHO, quote: 'followed by £6,360 for rape' } },
    gap: 'Only the police cost could be read.',
  },
  {
    key: 'other-sexual-offences', label: 'Other sexual offences', victim: 'individual',
    total: { value: 6_520, source: ECHO, quote: 'a sexual offence - not including rape - costs £6,520' },
    components: {},
    gap: 'The split between cost components could not be read.',
  },
  {
    key: 'robbery', label: 'Robbery', victim: 'individual',
    total: { value: 11_320, source: ECHO, quote: '£11,320 for a robbery' },
    components: {},
    gap: 'The split between cost components could not be read.',
  },
  { key: 'domestic-burglary', label: 'Domestic burglary', victim: 'individual', total: null, components: {}, gap: NOT_READ },
  {
    key: 'theft-of-vehicle', label: 'Theft of vehicle', victim: 'individual',
    total: { value: 10_290, source: ECHO, quote: 'Vehicle theft costs an estimated £10,290 each time' },
    components: { policeCosts: { value: 2_030, source: ECHO, quote: 'and £2,030 for vehicle theft' } },
    gap: 'Only the police cost could be read.',
  },
  {
    key: 'theft-from-vehicle', label: 'Theft from vehicle', victim: 'individual',
    total: { value: 870, source: ECHO, quote: 'Theft from a vehicle costs an average £870' },
    components: {},
    gap: 'The split between cost components could not be read.',
  },
  { key: 'theft-from-person', label: 'Theft from the person', victim: 'individual', total: null, components: {}, gap: NOT_READ },
  {
    key: 'criminal-damage-arson', label: 'Criminal damage – arson', victim: 'individual',
    total: {
      value: 8_420, source: ECHO, quote: 'criminal damage from an arson attack costs £8,420',
      note: 'A figure of £8,460 is also quoted for this category; the stored source reads £8,420, which is used. Check it against Table 1 of the report.',
    },
    components: {},
    gap: 'The split between cost components could not be read.',
  },
  {
    key: 'criminal-damage-other', label: 'Criminal damage – other', victim: 'individual',
    total: { value: 1_350, source: ECHO, quote: 'criminal damage apart from arson costs £1,350' },
    components: {},
    gap: 'The split between cost components could not be read.',
  },
  { key: 'commercial-burglary', label: 'Commercial burglary', victim: 'business', total: null, components: {}, gap: NOT_READ },
  { key: 'shoplifting', label: 'Shoplifting', victim: 'business', total: null, components: {}, gap: NOT_READ },
];

export const PRICE_BASE = '2015/16';

export function isCostCategory(value: string): value is CostCategory {
  return (COST_CATEGORY_KEYS as readonly string[]).includes(value);
}

export function costCategoryLabel(key: CostCategory): string {
  return PUBLISHED_UNIT_COSTS.find((u) => u.key === key)!.label;
}

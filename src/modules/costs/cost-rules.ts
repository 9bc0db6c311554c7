/**
 * How incidents are costed: each rule says which Home Office cost categories an incident
 * type stands for, in what shares, and whether its cost adds to the total or is shown
 * beside it. Every rule carries its basis in words, shown on the page beside the figures
 * that rest on it. Partnerships replace any rule (cost_rules); these are the defaults.
 *
 * A count row finds its rule by its source's own category first (`police-uk:Robbery`),
 * then any category of its source kind (`istv:*`), then its partnership category
 * (`category:violence`); with none it is not costed.
 *
 * Double counting: police-recorded crime is the basis of the total, one count per crime,
 * as the unit costs are per crime. A&E assault attendances and other agencies' incident
 * lists may record the same events the police recorded, so by default their cost is shown
 * beside the total, never added to it.
 */
import type { SourceKind } from '../../db/schema.ts';
import { POLICE_UK_CRIME_TYPES } from '../ingestion/parsers/police-uk.parser.ts';
import { DEFAULT_CATEGORIES } from '../ingestion/taxonomy.ts';
import { isCostCategory, type CostCategory } from './unit-costs.data.ts';

export type MixPart = { costCategory: CostCategory; share: number };
export type Treatment = 'total' | 'note';
export type CostRule = { key: string; mix: MixPart[]; treatment: Treatment; basis: string };

type PoliceUkCrimeType = (typeof POLICE_UK_CRIME_TYPES)[number];

const VIOLENCE_MIX: MixPart[] = [
  { costCategory: 'violence-with-injury', share: 0.25 },
  { costCategory: 'violence-without-injury', share: 0.35 },
  { costCategory: 'rape', share: 0.03 },
  { costCategory: 'other-sexual-offences', share: 0.07 },
];
const VIOLENCE_BASIS = 'Assumption, not a published figure: police.uk does not split violence and sexual offences, so Lantern starts from 25% violence with injury, '
  + '35% violence without injury, 3% rape and 7% other sexual offences, meant to resemble the national make-up of police-recorded violence but not checked against a published table. '
  + 'The other 30% (mostly stalking and harassment, which has no Home Office unit cost) is not costed. Replace the shares with your own area\'s breakdown, from your force or '
  + 'the ONS recorded-crime tables for your Community Safety Partnership.';
const SOCIETY_BASIS = 'Not costed: Lantern treats it as a crime against society (no individual victim), which the Home Office estimates leave out, as they do possession of drugs.';
const NO_UNIT_COST = 'Not costed: no Home Office unit cost for this type is in Lantern\'s table.';

/** Every police.uk crime type has a rule (typed, so none is missed). */
const POLICE_UK_RULES: Record<PoliceUkCrimeType, Omit<CostRule, 'key'>> = {
  'Anti-social behaviour': { mix: [], treatment: 'total', basis: 'Not costed: anti-social behaviour is not a crime in the Home Office estimates and has no unit cost. It is never given a made-up figure.' },
  'Bicycle theft': { mix: [], treatment: 'total', basis: NO_UNIT_COST },
  Burglary: {
    mix: [{ costCategory: 'domestic-burglary', share: 1 }], treatment: 'total',
    basis: 'police.uk "burglary" covers homes and businesses alike; all are costed as domestic burglary.',
  },
  'Criminal damage and arson': {
    mix: [{ costCategory: 'criminal-damage-other', share: 1 }], treatment: 'total',
    basis: 'police.uk does not separate arson from other criminal damage, so all are costed at the lower "criminal damage – other" unit cost: arson is undercounted and the figure is a floor. Give arson a share if your force can say how many there were.',
  },
  Drugs: { mix: [], treatment: 'total', basis: SOCIETY_BASIS },
  'Other crime': { mix: [], treatment: 'total', basis: 'Not costed: "other crime" mixes offences that have no single unit cost.' },
  'Other theft': { mix: [], treatment: 'total', basis: NO_UNIT_COST },
  'Possession of weapons': { mix: [], treatment: 'total', basis: SOCIETY_BASIS },
  'Public order': { mix: [], treatment: 'total', basis: SOCIETY_BASIS },
  Robbery: {
    mix: [{ costCategory: 'robbery', share: 1 }], treatment: 'total',
    basis: 'police.uk "robbery" includes robbery of businesses; all are costed at the unit cost of robbery of individuals.',
  },
  Shoplifting: { mix: [{ costCategory: 'shoplifting', share: 1 }], treatment: 'total', basis: 'Each shoplifting offence is costed as one shoplifting.' },
  'Theft from the person': { mix: [{ costCategory: 'theft-from-person', share: 1 }], treatment: 'total', basis: 'Each offence is costed as one theft from the person.' },
  'Vehicle crime': {
    mix: [{ costCategory: 'theft-from-vehicle', share: 1 }], treatment: 'total',
    basis: 'police.uk "vehicle crime" mixes thefts of and from vehicles and interference with them; all are costed as thefts from a vehicle, the lowest of these unit costs, so thefts of vehicles are undercounted. Give theft of vehicles a share if your force can say how many there were.',
  },
  'Violence and sexual offences': { mix: VIOLENCE_MIX, treatment: 'total', basis: VIOLENCE_BASIS },
};

const OTHER_SOURCE_NOTE = 'Shown beside the total, not added: other agencies\' records may be the same events the police recorded. Choose "add to the total" only for a source that records crimes the police data does not hold.';

/**
 * Partnership categories, for sources matched by no rule of their own (other agencies'
 * incident lists). All are shown beside the total, so that the total is police-recorded
 * crime alone.
 */
const CATEGORY_RULES: Record<string, Omit<CostRule, 'key'>> = {
  violence: { mix: VIOLENCE_MIX, treatment: 'note', basis: `${OTHER_SOURCE_NOTE} Mix as for police violence: ${VIOLENCE_BASIS}` },
  robbery: { mix: [{ costCategory: 'robbery', share: 1 }], treatment: 'note', basis: `${OTHER_SOURCE_NOTE} Costed as robbery.` },
  burglary: { mix: [{ costCategory: 'domestic-burglary', share: 1 }], treatment: 'note', basis: `${OTHER_SOURCE_NOTE} Costed as domestic burglary.` },
  'vehicle-crime': { mix: [{ costCategory: 'theft-from-vehicle', share: 1 }], treatment: 'note', basis: `${OTHER_SOURCE_NOTE} Costed as theft from a vehicle, the lowest vehicle unit cost.` },
  'criminal-damage-arson': { mix: [{ costCategory: 'criminal-damage-other', share: 1 }], treatment: 'note', basis: `${OTHER_SOURCE_NOTE} Costed as other criminal damage, the lower unit cost.` },
  'deliberate-fire': { mix: [], treatment: 'note', basis: 'Not costed: fire service records of deliberate fires may be the same fires the police recorded as arson.' },
  asb: { mix: [], treatment: 'note', basis: 'Not costed: anti-social behaviour has no Home Office unit cost. It is never given a made-up figure.' },
  theft: { mix: [], treatment: 'note', basis: NO_UNIT_COST },
  drugs: { mix: [], treatment: 'note', basis: SOCIETY_BASIS },
  weapons: { mix: [], treatment: 'note', basis: SOCIETY_BASIS },
  'public-order': { mix: [], treatment: 'note', basis: SOCIETY_BASIS },
  other: { mix: [], treatment: 'note', basis: 'Not costed: no single unit cost fits "other".' },
};

/** The default rules, in the order the unit costs page lists them. */
export const DEFAULT_COST_RULES: readonly CostRule[] = [
  ...POLICE_UK_CRIME_TYPES.map((t) => ({ key: `police-uk:${t}`, ...POLICE_UK_RULES[t] })),
  {
    key: 'istv:*', mix: [{ costCategory: 'violence-with-injury', share: 1 }], treatment: 'note',
    basis: 'Every A&E assault attendance involved an injury, so the violence with injury unit cost applies. Shown beside the total, not added: many are the same assaults the police recorded, and the unit cost already includes health service costs for them. Choose "add to the total" only if you judge your A&E attendances to be assaults the police did not record.',
  },
  ...DEFAULT_CATEGORIES.map((c) => ({ key: `category:${c.code}`, ...(CATEGORY_RULES[c.code] ?? { mix: [], treatment: 'note' as const, basis: NO_UNIT_COST }) })),
];

const KIND_LABELS: Record<SourceKind, string> = { 'police-uk': 'police.uk', istv: 'A&E (ISTV)', incidents: 'Incident list' };

/** A rule key in words, for tables: "police.uk: Robbery", "A&E (ISTV): any method", "Any other source: category Violence". */
export function ruleLabel(key: string, categoryLabels: ReadonlyMap<string, string> = new Map()): string {
  if (key.startsWith('category:')) {
    const code = key.slice('category:'.length);
    return `Other sources: ${categoryLabels.get(code) ?? code}`;
  }
  const [kind, ...rest] = key.split(':');
  const value = rest.join(':');
  const kindLabel = KIND_LABELS[kind as SourceKind] ?? kind;
  return value === '*' ? `${kindLabel}: every category` : `${kindLabel}: ${value}`;
}

/** Whether a key names a rule a partnership may set: a source kind's category, a whole kind, or a partnership category. */
export function isRuleKey(key: string): boolean {
  return /^(police-uk|istv|incidents):.{1,200}$/.test(key) || /^category:[a-z0-9][a-z0-9-]{0,79}$/.test(key);
}

/** The key a count row looks up, most specific first. */
export function ruleKeysFor(row: { sourceKind: SourceKind; sourceCategory: string; category: string }): string[] {
  return [`${row.sourceKind}:${row.sourceCategory}`, `${row.sourceKind}:*`, `category:${row.category}`];
}

export function findRule(rules: ReadonlyMap<string, CostRule>, row: { sourceKind: SourceKind; sourceCategory: string; category: string }): CostRule | null {
  for (const key of ruleKeysFor(row)) {
    const rule = rules.get(key);
    if (rule) return rule;
  }
  return null;
}

/** Problems with a mix, in words; none means it can be saved. */
export function mixProblems(mix: readonly MixPart[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const part of mix) {
    if (!isCostCategory(part.costCategory)) problems.push(`"${part.costCategory}" is not a Home Office cost category.`);
    if (seen.has(part.costCategory)) problems.push(`${part.costCategory} is given twice.`);
    seen.add(part.costCategory);
    if (!(part.share > 0 && part.share <= 1)) problems.push(`The share for ${part.costCategory} must be more than 0% and at most 100%.`);
  }
  const sum = mix.reduce((s, p) => s + p.share, 0);
  // Shares are entered as percentages with decimals, so allow rounding of the sum.
  if (sum > 1 + 1e-9) problems.push(`The shares add up to ${(sum * 100).toFixed(1)}%; they can add up to at most 100%.`);
  return problems;
}

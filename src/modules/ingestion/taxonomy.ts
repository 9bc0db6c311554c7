/**
 * The default partnership taxonomy: categories that span sources, so that police
 * violence, A&E assaults and ambulance assault call-outs can be counted together while
 * each row keeps the source's own category. An incident list's column mapping says where
 * its own categories fall (a default and exceptions).
 */
import type { POLICE_UK_CRIME_TYPES } from './parsers/police-uk.parser.ts';

type PoliceUkCrimeType = (typeof POLICE_UK_CRIME_TYPES)[number];

export const DEFAULT_CATEGORIES: ReadonlyArray<{ code: string; label: string }> = [
  { code: 'violence', label: 'Violence (including sexual offences)' },
  { code: 'asb', label: 'Anti-social behaviour' },
  { code: 'robbery', label: 'Robbery' },
  { code: 'burglary', label: 'Burglary' },
  { code: 'theft', label: 'Theft' },
  { code: 'vehicle-crime', label: 'Vehicle crime' },
  { code: 'criminal-damage-arson', label: 'Criminal damage and arson' },
  { code: 'deliberate-fire', label: 'Deliberate fires' },
  { code: 'drugs', label: 'Drugs' },
  { code: 'weapons', label: 'Possession of weapons' },
  { code: 'public-order', label: 'Public order' },
  { code: 'other', label: 'Other' },
];

/** Where each of the 14 police.uk crime types falls in the default taxonomy (typed so that none is missed). */
export const POLICE_UK_CATEGORY_MAP: Readonly<Record<PoliceUkCrimeType, string>> = {
  'Anti-social behaviour': 'asb',
  'Bicycle theft': 'theft',
  Burglary: 'burglary',
  'Criminal damage and arson': 'criminal-damage-arson',
  Drugs: 'drugs',
  'Other crime': 'other',
  'Other theft': 'theft',
  'Possession of weapons': 'weapons',
  'Public order': 'public-order',
  Robbery: 'robbery',
  Shoplifting: 'theft',
  'Theft from the person': 'theft',
  'Vehicle crime': 'vehicle-crime',
  'Violence and sexual offences': 'violence',
};

/** Every A&E assault attendance is violence, whatever the method. */
export const ISTV_CATEGORY = 'violence';

/** Rows of a generic source whose category is not mapped land here and are reported. */
export const FALLBACK_CATEGORY = 'other';

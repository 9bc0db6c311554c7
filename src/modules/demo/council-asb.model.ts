/**
 * A council ASB case list as a council's case-management system exports it: its own
 * reference, UK-style report dates, British National Grid coordinates, ward names and a
 * status. Imported through the generic CSV importer with the saved mapping below.
 */
import { toBng } from '../../shared/bng.ts';
import type { Borough, Lsoa11 } from './borough.generator.ts';
import { dayOfWeek, daysInMonth, parseMonth, wallClockToUtc, type WallClock } from './calendar.ts';
import { randomPointInRing } from './geometry.ts';
import { WeightedTable, type Random } from './random.ts';

export const COUNCIL_ASB_HEADER = ['Reference', 'Reported', 'Category', 'Location', 'Easting', 'Northing', 'Ward', 'Status'] as const;

/** The saved column mapping for the generic importer, in the format the importer reads. */
export const COUNCIL_ASB_MAPPING = {
  dateTime: 'Reported',
  dateFormat: 'dmy',
  category: 'Category',
  reference: 'Reference',
  location: 'Location',
  easting: 'Easting',
  northing: 'Northing',
  keep: ['Status'],
} as const;


export const ASB_CATEGORIES = [
  'Noise',
  'Nuisance neighbours',
  'Street drinking',
  'Drug litter',
  'Graffiti',
  'Fly-tipping',
  'Youth nuisance',
  'Begging',
] as const;
export type AsbCategory = (typeof ASB_CATEGORIES)[number];

const PER_MONTH = 300;
const NO_COORDINATES = 0.03;

type CategorySpec = {
  share: number;
  season: readonly number[];
  /** Relative report volume by hour of day. */
  hours: readonly number[];
  weekendFactor: number;
  area: (l: Lsoa11) => number;
  text: (rng: Random, street: string) => string;
};

const H = (f: (h: number) => number): number[] => Array.from({ length: 24 }, (_, h) => f(h));
const OFFICE = H((h) => (h >= 8 && h <= 17 ? 1 : 0.05));
const popK = (l: Lsoa11): number => l.population.total / 1600;

const SPECS: Record<AsbCategory, CategorySpec> = {
  Noise: {
    share: 30,
    season: [0.8, 0.8, 0.9, 1.0, 1.1, 1.25, 1.3, 1.25, 1.0, 0.95, 0.9, 1.0],
    hours: H((h) => (h >= 19 || h <= 2 ? 3 : h >= 9 ? 1 : 0.3)),
    weekendFactor: 1.5,
    area: (l) => popK(l) * (0.6 + l.deprivation),
    text: (rng, s) => rng.weighted([[s, 4], [`${s} (flats)`, 1], [`rear of ${s}`, 1], [`${s} - party`, 1]] as const),
  },
  'Nuisance neighbours': {
    share: 14,
    season: [1, 1, 1, 1, 1, 1.05, 1.05, 1.05, 1, 1, 1, 1],
    hours: H((h) => (h >= 9 && h <= 21 ? 1 : 0.1)),
    weekendFactor: 1.1,
    area: (l) => popK(l) * (0.5 + 1.2 * l.deprivation),
    text: (rng, s) => rng.weighted([[s, 5], [`${s}, Kingsbridge`, 1]] as const),
  },
  'Street drinking': {
    share: 7,
    season: [0.7, 0.7, 0.85, 1.0, 1.2, 1.3, 1.35, 1.3, 1.1, 0.9, 0.8, 0.8],
    hours: H((h) => (h >= 11 && h <= 21 ? 1 : 0.05)),
    weekendFactor: 1.2,
    area: (l) => 0.1 * popK(l) + 8 * l.centrality,
    text: (rng, s) => rng.pick(['Market Place', `outside shops, ${s}`, 'bus station', `${s} benches`, 'churchyard, Church Street']),
  },
  'Drug litter': {
    share: 6,
    season: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    hours: OFFICE,
    weekendFactor: 0.3,
    area: (l) => popK(l) * (0.2 + 1.5 * l.deprivation) + 2 * l.centrality,
    text: (rng, s) => rng.pick([`alleyway off ${s}`, `${s} car park`, 'park near play area', `stairwell, ${s} flats`]),
  },
  Graffiti: {
    share: 10,
    season: [0.9, 0.9, 1, 1, 1.05, 1.05, 1.1, 1.1, 1, 1, 0.95, 0.9],
    hours: OFFICE,
    weekendFactor: 0.4,
    area: (l) => popK(l) * (0.3 + l.deprivation) + 3 * l.centrality,
    text: (rng, s) => rng.pick([`underpass, ${s}`, `wall on ${s}`, `bus shelter ${s}`, `${s} shop shutters`]),
  },
  'Fly-tipping': {
    share: 22,
    season: [0.85, 0.85, 1.0, 1.1, 1.15, 1.15, 1.1, 1.1, 1.0, 0.95, 0.9, 0.95],
    hours: OFFICE,
    weekendFactor: 0.35,
    area: (l) => popK(l) * (0.4 + 1.2 * l.deprivation) + 0.3 * (1 - l.centrality),
    text: (rng, s) => rng.pick([`rear of ${s}`, `alley behind ${s}`, `${s} lay-by`, `back lane off ${s}`, s]),
  },
  'Youth nuisance': {
    share: 8,
    season: [0.7, 0.7, 0.9, 1.0, 1.1, 1.2, 1.3, 1.3, 0.9, 1.25, 1.3, 0.8],
    hours: H((h) => (h >= 15 && h <= 22 ? 1 : 0.05)),
    weekendFactor: 1.3,
    area: (l) => popK(l) * (0.3 + 1.3 * l.deprivation),
    text: (rng, s) => rng.pick([`${s} park`, `outside shops, ${s}`, `play area off ${s}`, s]),
  },
  Begging: {
    share: 3,
    season: [1.1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.05, 1.2],
    hours: H((h) => (h >= 9 && h <= 19 ? 1 : 0.05)),
    weekendFactor: 1.2,
    area: (l) => 0.02 * popK(l) + 10 * l.centrality,
    text: (rng) => rng.pick(['High Street', 'outside cash machine, High Street', 'Market Place', 'bus station']),
  },
};

export type CouncilAsbRecord = {
  reported: WallClock;
  reportedUtc: number;
  category: AsbCategory;
  location: string;
  easting: number | null;
  northing: number | null;
  ward: string;
  lsoa11: string;
};

export class CouncilAsbModel {
  private readonly areas = new Map<AsbCategory, WeightedTable<Lsoa11>>();
  private readonly streetsByLsoa = new Map<string, string[]>();
  private readonly wardName: Map<string, string>;

  constructor(readonly borough: Borough) {
    for (const c of ASB_CATEGORIES) {
      this.areas.set(
        c,
        new WeightedTable(
          borough.lsoa11,
          borough.lsoa11.map((l) => SPECS[c].area(l)),
        ),
      );
    }
    for (const s of borough.snapPoints) {
      const list = this.streetsByLsoa.get(s.lsoa11Code) ?? [];
      if (!list.includes(s.street)) list.push(s.street);
      this.streetsByLsoa.set(s.lsoa11Code, list);
    }
    this.wardName = new Map(borough.wards.map((w) => [w.code, w.name]));
  }

  /** [easting, northing] in whole metres, as council GIS exports them. */
  bng(lon: number, lat: number): [number, number] {
    const [e, n] = toBng(lon, lat);
    return [Math.round(e!), Math.round(n!)];
  }

  monthRecords(rng: Random, month: string, scale: number): CouncilAsbRecord[] {
    const { year, month: m } = parseMonth(month);
    const days = daysInMonth(year, m);
    const total = ASB_CATEGORIES.reduce((s, c) => s + SPECS[c].share, 0);
    const out: CouncilAsbRecord[] = [];
    for (const c of ASB_CATEGORIES) {
      const spec = SPECS[c];
      const n = rng.poisson((PER_MONTH * spec.share * spec.season[m - 1]! * (days / 30.44) * scale) / total);
      const dayWeights = Array.from({ length: days }, (_, i) => {
        const dow = dayOfWeek(year, m, i + 1);
        return dow === 0 || dow === 6 ? spec.weekendFactor : 1;
      });
      const dayNumbers = dayWeights.map((_, i) => i + 1);
      for (let i = 0; i < n; i++) {
        const l = this.areas.get(c)!.pick(rng);
        const streets = this.streetsByLsoa.get(l.code) ?? ['High Street'];
        const location = spec.text(rng, rng.pick(streets));
        let reported: WallClock = {
          year,
          month: m,
          day: rng.weightedPick(dayNumbers, dayWeights),
          hour: rng.weightedPick(
            spec.hours.map((_, h) => h),
            spec.hours,
          ),
          minute: rng.int(0, 59),
        };
        let utc = wallClockToUtc(reported);
        if (utc === null) {
          reported = { ...reported, hour: reported.hour + 1 };
          utc = wallClockToUtc(reported)!;
        }
        const [lon, lat] = randomPointInRing(rng, l.ring, l.bbox);
        const hasCoords = !rng.chance(NO_COORDINATES);
        const [e, nn] = this.bng(lon, lat);
        out.push({
          reported,
          reportedUtc: utc,
          category: c,
          location,
          easting: hasCoords ? e : null,
          northing: hasCoords ? nn : null,
          ward: this.wardName.get(l.wardCode)!,
          lsoa11: l.code,
        });
      }
    }
    return out.sort((a, b) => a.reportedUtc - b.reportedUtc);
  }

  /** Status as the case list shows it when exported: recent cases are still open. */
  status(rng: Random, monthsAgo: number): string {
    if (monthsAgo === 0) return rng.weighted([['Open', 45], ['Closed', 40], ['Referred to police', 8], ['No further action', 7]] as const);
    if (monthsAgo === 1) return rng.weighted([['Open', 20], ['Closed', 62], ['Referred to police', 8], ['No further action', 10]] as const);
    return rng.weighted([['Open', 3], ['Closed', 80], ['Referred to police', 5], ['No further action', 12]] as const);
  }
}

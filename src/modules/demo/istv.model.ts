/**
 * Synthetic A&E assault attendances shaped by the ISTV minimum dataset (ISB 1594).
 *
 * The shape carries the findings the partnership is meant to discover: night-time-economy
 * assaults on Friday and Saturday nights at a handful of venues (Cardiff Model), domestic
 * assaults at home through the week, and more assaults seen in A&E than the police record
 * in the centre and the estates (hidden violence). Free text is written the way reception
 * staff type it, and never holds a personal identifier or a full postcode.
 */
import type { Borough, LicensedPremises, Lsoa11 } from './borough.generator.ts';
import {
  addDays,
  dayOfWeek,
  daysInMonth,
  formatIsoMinute,
  parseMonth,
  utcToWallClock,
  wallClockToUtc,
  type WallClock,
} from './calendar.ts';
import { WeightedTable, type Random } from './random.ts';

export const ISTV_SITE_CODE = 'XKB01';
export const ISTV_SITE_NAME = 'Kingsbridge General Hospital (synthetic)';
export const ISTV_HEADER = [
  'ARRIVAL DATE AND TIME AT ACCIDENT AND EMERGENCY DEPARTMENT',
  'ASSAULT DATE AND TIME',
  'ASSAULT METHOD',
  'ASSAULT METHOD OTHER DESCRIPTION',
  'ASSAULT LOCATION TYPE',
  'ASSAULT LOCATION DESCRIPTION',
] as const;
/** Optional extra column: the LSOA 2011 of the assault location when A&E could geocode it. Never coordinates. */
export const ISTV_LSOA_COLUMN = 'ASSAULT LOCATION LSOA';

export const ASSAULT_METHODS = ['body-part', 'blunt-object', 'knife-or-sharp-object', 'firearm', 'glass-or-bottle', 'other'] as const;
export type AssaultMethod = (typeof ASSAULT_METHODS)[number];
export const ASSAULT_LOCATION_TYPES = [
  'home',
  'street',
  'licensed-premises',
  'other-public-place',
  'school',
  'workplace',
  'transport',
  'other',
] as const;
export type AssaultLocationType = (typeof ASSAULT_LOCATION_TYPES)[number];

export type IstvRecord = {
  arrival: WallClock;
  arrivalText: string;
  assaultText: string;
  method: AssaultMethod;
  methodOther: string;
  locationType: AssaultLocationType;
  locationDescription: string;
  lsoa11: string;
  /** Arrival UTC instant, for ordering. */
  arrivalUtc: number;
};

type Component = 'nte' | 'domestic' | 'street' | 'school' | 'workplace' | 'transport' | 'other';

/** Mean attendances a month at scale 1, about 175 in all. */
const COMPONENTS: Record<Component, { perMonth: number; season: readonly number[] }> = {
  nte: { perMonth: 80, season: [0.85, 0.82, 0.95, 1.0, 1.05, 1.1, 1.12, 1.08, 1.0, 0.98, 0.95, 1.35] },
  domestic: { perMonth: 46, season: [1.08, 0.95, 0.95, 0.95, 1.0, 1.05, 1.08, 1.05, 0.95, 0.95, 0.95, 1.12] },
  street: { perMonth: 28, season: [0.9, 0.88, 0.95, 1.0, 1.05, 1.1, 1.12, 1.08, 1.0, 0.98, 0.94, 1.0] },
  school: { perMonth: 6, season: [1, 1, 1, 0.8, 1, 1, 0.6, 0, 1, 1, 1, 0.7] },
  workplace: { perMonth: 8, season: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.1] },
  transport: { perMonth: 5, season: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.2] },
  other: { perMonth: 5, season: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] },
};

type MethodMix = readonly (readonly [AssaultMethod, number])[];
const METHODS: Record<Component, MethodMix> = {
  nte: [['body-part', 62], ['glass-or-bottle', 20], ['blunt-object', 5], ['knife-or-sharp-object', 4], ['firearm', 0.1], ['other', 9]],
  domestic: [['body-part', 66], ['blunt-object', 12], ['knife-or-sharp-object', 7], ['glass-or-bottle', 3], ['other', 12]],
  street: [['body-part', 60], ['blunt-object', 12], ['knife-or-sharp-object', 8], ['glass-or-bottle', 5], ['firearm', 0.5], ['other', 14.5]],
  school: [['body-part', 85], ['blunt-object', 8], ['other', 7]],
  workplace: [['body-part', 70], ['blunt-object', 12], ['glass-or-bottle', 3], ['knife-or-sharp-object', 3], ['other', 12]],
  transport: [['body-part', 70], ['blunt-object', 8], ['glass-or-bottle', 6], ['knife-or-sharp-object', 4], ['other', 12]],
  other: [['body-part', 60], ['blunt-object', 15], ['knife-or-sharp-object', 5], ['other', 20]],
};

const OTHER_METHOD_TEXT: Record<Component, readonly string[]> = {
  nte: ['bitten', 'pushed to ground', 'thrown against wall', 'pint thrown in face', 'pepper spray', 'scratched', 'pushed down steps'],
  domestic: ['strangled', 'pushed down stairs', 'hot drink thrown', 'bitten', 'scratched', 'hair pulled', 'burnt'],
  street: ['pushed off bike', 'hit by car door', 'dog set on pt', 'bitten', 'pepper spray', 'pushed into road'],
  school: ['pushed over', 'bitten', 'scratched'],
  workplace: ['bitten', 'spat at and pushed', 'hot liquid thrown', 'pushed over'],
  transport: ['pushed off bus', 'pushed on escalator', 'bitten'],
  other: ['bitten', 'pushed', 'unknown object', 'scratched'],
};

const HOME_TEXT = ['', '', '', 'home', 'at home', 'own home', 'Home', 'HOME', 'partners house', "partner's flat", 'ex partners house', 'friends house', 'family home', 'flat', 'mums house'];
const NTE_STREET_TEXT = ['taxi rank', 'Market Place taxi rank', 'High St', 'high street', 'town centre', 'outside kebab shop', 'castle gate', 'in town', 'town', 'Corn Market'];
const PUBLIC_PLACE_TEXT = ['park', 'the park', 'rec', 'skate park', 'canal towpath', 'car park', 'shopping centre', 'supermarket car park', 'playing fields'];
const SCHOOL_TEXT = ['school', 'at school', 'school playground', 'college', 'school field', 'Kingsbridge Academy', 'outside school gates'];
const WORK_TEXT = ['at work', 'work', 'works in shop', 'care home - staff', 'warehouse', 'at work - security', 'building site'];
const TRANSPORT_TEXT = ['bus', 'on bus', 'bus station', 'train', 'train station', 'taxi', 'taxi rank', 'tram stop'];
const OTHER_TEXT = ['', '', 'unknown', 'pt unsure', 'not stated', 'unk', 'declined to say'];

/** Relative chance that a night out starts on each weekday (0 = Sunday). Fri and Sat dominate. */
const NIGHT_OUT_BY_DOW = [0.07, 0.03, 0.03, 0.04, 0.09, 0.36, 0.38];
const NTE_PEAK_HOURS = [22, 23, 0, 1, 2];
const NTE_PEAK_WEIGHTS = [0.14, 0.22, 0.26, 0.24, 0.14];
const NTE_SHOULDER_HOURS = [19, 20, 21, 3, 4];
const NTE_SHOULDER_WEIGHTS = [0.2, 0.25, 0.25, 0.2, 0.1];
const HOURS = Array.from({ length: 24 }, (_, h) => h);
const DOMESTIC_HOURS = [3, 2, 1.5, 1, 0.7, 0.5, 0.6, 1, 1.5, 2, 2.3, 2.5, 2.8, 3, 3, 3.2, 3.6, 4, 4.6, 5.2, 5.6, 5.6, 5, 4];
const DAYTIME_EVENING = [0.6, 0.4, 0.3, 0.2, 0.2, 0.2, 0.4, 0.8, 1.2, 1.5, 1.8, 2, 2.3, 2.5, 2.7, 3, 3.3, 3.5, 3.5, 3.3, 3, 2.5, 1.8, 1.1];
const SCHOOL_HOURS = HOURS.map((h) => (h >= 8 && h <= 15 ? (h === 12 || h === 15 ? 3 : 1.5) : 0));
const WORK_HOURS = HOURS.map((h) => (h >= 7 && h <= 22 ? 1 + (h >= 17 ? 1 : 0) : 0.15));

export class IstvModel {
  private readonly premises: WeightedTable<LicensedPremises>;
  private readonly domesticArea: WeightedTable<Lsoa11>;
  private readonly publicArea: WeightedTable<Lsoa11>;
  private readonly centreArea: WeightedTable<Lsoa11>;
  private readonly streetsByLsoa = new Map<string, string[]>();

  constructor(readonly borough: Borough) {
    const ls = borough.lsoa11;
    this.premises = new WeightedTable(
      borough.premises,
      borough.premises.map((p) => p.violenceWeight),
    );
    // Domestic violence is the most under-reported: weight the estates heavily so A&E outnumbers police there.
    this.domesticArea = new WeightedTable(
      ls,
      ls.map((l) => (l.population.total / 1600) * (0.15 + 4 * l.deprivation ** 3)),
    );
    this.publicArea = new WeightedTable(
      ls,
      ls.map((l) => (l.population.total / 1600) * (0.4 + 1.5 * l.deprivation) + 2 * l.centrality),
    );
    const nte = ls.filter((l) => l.nightTimeEconomy);
    this.centreArea = new WeightedTable(
      nte,
      nte.map((l) => borough.premises.filter((p) => p.lsoa11Code === l.code).reduce((s, p) => s + p.violenceWeight, 0) + 1),
    );
    for (const s of borough.snapPoints) {
      if (s.kind !== 'street') continue;
      const list = this.streetsByLsoa.get(s.lsoa11Code) ?? [];
      if (!list.includes(s.street)) list.push(s.street);
      this.streetsByLsoa.set(s.lsoa11Code, list);
    }
  }

  /** Assaults that happened in `month` (local time), each with its A&E arrival, which may fall in the next month. */
  assaultsIn(rng: Random, month: string, scale: number): IstvRecord[] {
    const { year, month: m } = parseMonth(month);
    const days = daysInMonth(year, m);
    const out: IstvRecord[] = [];
    for (const c of Object.keys(COMPONENTS) as Component[]) {
      const spec = COMPONENTS[c];
      const n = rng.poisson(spec.perMonth * spec.season[m - 1]! * (days / 30.44) * scale);
      for (let i = 0; i < n; i++) out.push(this.one(rng, c, year, m, days));
    }
    return out;
  }

  private one(rng: Random, c: Component, year: number, month: number, days: number): IstvRecord {
    const assault = this.assaultTime(rng, c, year, month, days);
    const assaultUtc = wallClockToUtc(assault)!;
    const delayMin = Math.round(this.delayMinutes(rng, c));
    const arrivalUtc = assaultUtc + delayMin * 60_000;
    const arrival = utcToWallClock(arrivalUtc);
    const method = rng.weighted(METHODS[c]);
    const methodOther = method === 'other' ? rng.pick(OTHER_METHOD_TEXT[c]) : '';
    const { locationType, locationDescription, lsoa11 } = this.location(rng, c);
    return {
      arrival,
      arrivalText: formatIsoMinute(arrival),
      assaultText: formatIsoMinute(assault),
      method,
      methodOther,
      locationType,
      locationDescription,
      lsoa11,
      arrivalUtc,
    };
  }

  private assaultTime(rng: Random, c: Component, year: number, month: number, days: number): WallClock {
    const dayWeights: number[] = [];
    const dows: number[] = [];
    for (let d = 1; d <= days; d++) dows.push(dayOfWeek(year, month, d));
    const dowCount = new Array<number>(7).fill(0);
    for (const d of dows) dowCount[d]!++;
    let hour: number;
    let shiftDay = 0;
    if (c === 'nte') {
      for (const d of dows) dayWeights.push(NIGHT_OUT_BY_DOW[d]! / dowCount[d]!);
      hour = rng.chance(0.88)
        ? rng.weightedPick(NTE_PEAK_HOURS, NTE_PEAK_WEIGHTS)
        : rng.weightedPick(NTE_SHOULDER_HOURS, NTE_SHOULDER_WEIGHTS);
      // After midnight the night out belongs to the previous evening's date.
      if (hour < 12) shiftDay = 1;
    } else if (c === 'school') {
      for (const d of dows) dayWeights.push(d === 0 || d === 6 ? 0 : 1);
      hour = rng.weightedPick(HOURS, SCHOOL_HOURS);
    } else {
      for (const d of dows) dayWeights.push(d === 0 || d === 6 ? (c === 'domestic' ? 1.2 : 1.1) : 1);
      hour = rng.weightedPick(HOURS, c === 'domestic' ? DOMESTIC_HOURS : c === 'workplace' ? WORK_HOURS : DAYTIME_EVENING);
    }
    const day = rng.weightedPick(
      dows.map((_, i) => i + 1),
      dayWeights,
    );
    let w = addDays({ year, month, day, hour, minute: rng.int(0, 59) }, shiftDay);
    // The hour skipped when the clocks go forward cannot be on anyone's record.
    if (wallClockToUtc(w) === null) w = { ...w, hour: w.hour + 1 };
    return w;
  }

  private delayMinutes(rng: Random, c: Component): number {
    if (c === 'nte') return Math.min(720, Math.max(5, rng.logNormal(45, 0.6)));
    if (c === 'domestic') return Math.min(4320, Math.max(10, rng.logNormal(150, 1.0)));
    return Math.min(1440, Math.max(5, rng.logNormal(70, 0.8)));
  }

  private streetNear(rng: Random, l: Lsoa11): string {
    const list = this.streetsByLsoa.get(l.code);
    return list && list.length > 0 ? rng.pick(list) : 'High Street';
  }

  private location(rng: Random, c: Component): { locationType: AssaultLocationType; locationDescription: string; lsoa11: string } {
    const known = (p: number, code: string): string => (rng.chance(p) ? code : '');
    switch (c) {
      case 'nte': {
        const r = rng.next();
        if (r < 0.55) {
          const p = this.premises.pick(rng);
          return {
            locationType: 'licensed-premises',
            locationDescription: rng.chance(0.07) ? '' : rng.pick(p.aliases),
            lsoa11: known(0.88, p.lsoa11Code),
          };
        }
        if (r < 0.95) {
          if (rng.chance(0.6)) {
            const p = this.premises.pick(rng);
            return { locationType: 'street', locationDescription: rng.pick(p.outsideAliases), lsoa11: known(0.85, p.lsoa11Code) };
          }
          const l = this.centreArea.pick(rng);
          return { locationType: 'street', locationDescription: rng.pick(NTE_STREET_TEXT), lsoa11: known(0.75, l.code) };
        }
        const l = this.centreArea.pick(rng);
        return { locationType: 'transport', locationDescription: rng.pick(['taxi rank', 'taxi', 'bus station', 'in a taxi']), lsoa11: known(0.6, l.code) };
      }
      case 'domestic': {
        const l = this.domesticArea.pick(rng);
        return { locationType: 'home', locationDescription: rng.pick(HOME_TEXT), lsoa11: known(0.75, l.code) };
      }
      case 'street': {
        const l = this.publicArea.pick(rng);
        const r = rng.next();
        if (r < 0.6) {
          const street = this.streetNear(rng, l);
          const text = rng.weighted([
            [street, 3],
            [street.toLowerCase(), 2],
            [`near ${street}`, 1],
            [`outside shops ${street}`, 1],
            ['street', 1],
            ['', 1],
          ] as const);
          return { locationType: 'street', locationDescription: text, lsoa11: known(0.8, l.code) };
        }
        if (r < 0.92) return { locationType: 'other-public-place', locationDescription: rng.pick(PUBLIC_PLACE_TEXT), lsoa11: known(0.7, l.code) };
        return { locationType: 'other', locationDescription: rng.pick(OTHER_TEXT), lsoa11: known(0.3, l.code) };
      }
      case 'school': {
        const l = this.publicArea.pick(rng);
        return { locationType: 'school', locationDescription: rng.pick(SCHOOL_TEXT), lsoa11: known(0.7, l.code) };
      }
      case 'workplace': {
        const l = this.publicArea.pick(rng);
        return { locationType: 'workplace', locationDescription: rng.pick(WORK_TEXT), lsoa11: known(0.5, l.code) };
      }
      case 'transport': {
        const l = rng.chance(0.6) ? this.centreArea.pick(rng) : this.publicArea.pick(rng);
        return { locationType: 'transport', locationDescription: rng.pick(TRANSPORT_TEXT), lsoa11: known(0.6, l.code) };
      }
      case 'other': {
        const l = this.publicArea.pick(rng);
        return { locationType: 'other', locationDescription: rng.pick(OTHER_TEXT), lsoa11: known(0.1, l.code) };
      }
    }
  }
}

/**
 * How police.uk street-level rows for the synthetic borough are drawn: crime mix, seasons,
 * where each crime type happens, outcomes, and the quirks of the real files (no-location
 * rows, rows over the border, repeated Crime IDs, identical ASB rows). Shared by the
 * monthly demo files and the large benchmark file so both look the same.
 */
import type { Borough, Lsoa11, SnapKind, SnapPoint } from './borough.generator.ts';
import { parseMonth, daysInMonth } from './calendar.ts';
import { csvCell } from './csv.ts';
import { WeightedTable, type Random } from './random.ts';

export const POLICE_HEADER =
  'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context';
export const FORCE_NAME = 'Kingsbridge Police (synthetic)';
/** police.uk files end every line, the last included, with CRLF. */
export const POLICE_EOL = '\r\n';

/** In the order police.uk writes them within an LSOA (its category order: "Other crime" last). */
export const CRIME_TYPES = [
  'Anti-social behaviour',
  'Bicycle theft',
  'Burglary',
  'Criminal damage and arson',
  'Drugs',
  'Other theft',
  'Possession of weapons',
  'Public order',
  'Robbery',
  'Shoplifting',
  'Theft from the person',
  'Vehicle crime',
  'Violence and sexual offences',
  'Other crime',
] as const;
export type CrimeType = (typeof CRIME_TYPES)[number];

/** Rows per month at scale 1 before duplicates; the duplicates bring it to about 1,200. */
const BASE_ROWS_PER_MONTH = 1180;

type Profile = {
  share: number;
  /** January..December multipliers. */
  season: readonly number[];
  /** Change per year, so recent months differ from old ones as real series do. */
  trendPerYear: number;
  noLocation: number;
  /** Relative rate in an LSOA (population, deprivation, centre, night-time economy). */
  area: (l: Lsoa11, popK: number) => number;
  kind: Partial<Record<SnapKind, number>>;
  outcomes: readonly (readonly [string, number])[];
};

const FLAT = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
const SUMMER_AND_DECEMBER = [0.92, 0.88, 0.95, 0.98, 1.05, 1.1, 1.13, 1.08, 1.0, 0.98, 0.94, 1.07];
const NTE = (l: Lsoa11): number => (l.nightTimeEconomy ? 1 : 0);

const GENERIC_OUTCOMES: readonly (readonly [string, number])[] = [
  ['Investigation complete; no suspect identified', 48],
  ['Unable to prosecute suspect', 17],
  ['Status update unavailable', 9],
  ['Court result unavailable', 5],
  ['Awaiting court outcome', 3],
  ['Under investigation', 5],
  ['Local resolution', 3],
  ['Offender given a caution', 2],
  ['Formal action is not in the public interest', 1.5],
  ['Further investigation is not in the public interest', 1.5],
  ['Action to be taken by another organisation', 1],
  ['Offender given penalty notice', 0.5],
];

const PROFILES: Record<CrimeType, Profile> = {
  'Anti-social behaviour': {
    share: 26,
    season: [0.8, 0.8, 0.92, 1.0, 1.1, 1.2, 1.3, 1.25, 1.0, 1.08, 1.02, 0.82],
    trendPerYear: -0.05,
    noLocation: 0.08,
    area: (l, k) => k * (0.5 + 1.6 * l.deprivation) + 3 * l.centrality,
    kind: { park: 3, nte: 2, retail: 1.5, parking: 1.5, transport: 2 },
    outcomes: [],
  },
  'Bicycle theft': {
    share: 1.5,
    season: [0.6, 0.6, 0.8, 1.0, 1.2, 1.3, 1.35, 1.3, 1.2, 1.0, 0.8, 0.6],
    trendPerYear: -0.03,
    noLocation: 0.05,
    area: (l, k) => 0.4 * k + 4 * l.centrality,
    kind: { transport: 3, education: 3, parking: 1.5, retail: 1.5 },
    outcomes: [
      ['Investigation complete; no suspect identified', 80],
      ['Unable to prosecute suspect', 8],
      ['Status update unavailable', 8],
      ['Under investigation', 4],
    ],
  },
  Burglary: {
    share: 4.5,
    season: [1.1, 1.0, 0.95, 0.9, 0.9, 0.88, 0.9, 0.92, 0.95, 1.1, 1.2, 1.2],
    trendPerYear: -0.03,
    noLocation: 0.06,
    area: (l, k) => k * (0.7 + 0.8 * l.deprivation + 0.3 * (1 - l.deprivation)),
    kind: { nte: 0.3, retail: 0.6, park: 0.3 },
    outcomes: [
      ['Investigation complete; no suspect identified', 70],
      ['Unable to prosecute suspect', 10],
      ['Status update unavailable', 8],
      ['Court result unavailable', 4],
      ['Under investigation', 5],
      ['Awaiting court outcome', 2],
    ],
  },
  'Criminal damage and arson': {
    share: 7,
    season: [0.95, 0.92, 1.0, 1.0, 1.05, 1.05, 1.05, 1.02, 0.98, 1.02, 1.05, 0.92],
    trendPerYear: -0.02,
    noLocation: 0.07,
    area: (l, k) => k * (0.6 + 1.2 * l.deprivation) + 0.5 * l.centrality,
    kind: { parking: 1.5, park: 1.5 },
    outcomes: GENERIC_OUTCOMES,
  },
  Drugs: {
    share: 3,
    season: FLAT,
    trendPerYear: 0.02,
    noLocation: 0.04,
    area: (l, k) => k * (0.3 + 1.5 * l.deprivation) + 3 * l.centrality,
    kind: { park: 2.5, nte: 2, transport: 1.5 },
    outcomes: [
      ['Offender given a drugs possession warning', 20],
      ['Local resolution', 20],
      ['Court result unavailable', 18],
      ['Offender given a caution', 10],
      ['Under investigation', 14],
      ['Awaiting court outcome', 8],
      ['Unable to prosecute suspect', 6],
      ['Formal action is not in the public interest', 2],
      ['Investigation complete; no suspect identified', 2],
    ],
  },
  'Other theft': {
    share: 7,
    season: [0.95, 0.92, 1.0, 1.0, 1.05, 1.05, 1.05, 1.05, 1.0, 1.0, 1.0, 0.98],
    trendPerYear: 0,
    noLocation: 0.07,
    area: (l, k) => 0.8 * k + 5 * l.centrality,
    kind: { retail: 3, petrol: 2.5, nte: 1.5, education: 2 },
    outcomes: GENERIC_OUTCOMES,
  },
  'Possession of weapons': {
    share: 1,
    season: FLAT,
    trendPerYear: 0.03,
    noLocation: 0.05,
    area: (l, k) => k * (0.3 + 1.2 * l.deprivation) + 2 * l.centrality + NTE(l),
    kind: { nte: 2, park: 1.5, transport: 1.5 },
    outcomes: [
      ['Court result unavailable', 30],
      ['Awaiting court outcome', 20],
      ['Unable to prosecute suspect', 14],
      ['Offender given a caution', 10],
      ['Under investigation', 14],
      ['Local resolution', 5],
      ['Investigation complete; no suspect identified', 7],
    ],
  },
  'Public order': {
    share: 8,
    season: SUMMER_AND_DECEMBER,
    trendPerYear: 0,
    noLocation: 0.08,
    area: (l, k) => k * (0.4 + 1.0 * l.deprivation) + 3 * NTE(l) + 2 * l.centrality,
    kind: { nte: 4, transport: 1.5 },
    outcomes: GENERIC_OUTCOMES,
  },
  Robbery: {
    share: 1.2,
    season: [1.1, 1.0, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 1.0, 1.05, 1.1, 1.1],
    trendPerYear: 0.02,
    noLocation: 0.08,
    area: (l, k) => k * (0.2 + 1.0 * l.deprivation) + 3 * l.centrality,
    kind: { transport: 2, park: 1.3, petrol: 1.5, nte: 1.5 },
    outcomes: GENERIC_OUTCOMES,
  },
  Shoplifting: {
    share: 8,
    season: [0.95, 0.92, 1.0, 0.98, 1.0, 0.98, 1.0, 1.0, 0.98, 1.02, 1.05, 1.15],
    trendPerYear: 0.1,
    noLocation: 0.03,
    area: (l, k) => 0.1 * k + 10 * l.centrality,
    kind: { street: 0.05, retail: 12, petrol: 2, nte: 0.05, parking: 0.05, park: 0, transport: 0.3, education: 0, civic: 0 },
    outcomes: [
      ['Investigation complete; no suspect identified', 42],
      ['Court result unavailable', 15],
      ['Unable to prosecute suspect', 12],
      ['Awaiting court outcome', 8],
      ['Offender given a caution', 5],
      ['Local resolution', 6],
      ['Status update unavailable', 6],
      ['Under investigation', 4],
      ['Offender given penalty notice', 2],
    ],
  },
  'Theft from the person': {
    share: 1.5,
    season: [1.05, 0.95, 0.95, 0.95, 1.0, 1.0, 1.0, 1.0, 0.95, 1.0, 1.05, 1.15],
    trendPerYear: 0.03,
    noLocation: 0.1,
    area: (l, k) => 0.1 * k + 6 * l.centrality + 3 * NTE(l),
    kind: { nte: 3, transport: 3, retail: 3 },
    outcomes: [
      ['Investigation complete; no suspect identified', 85],
      ['Unable to prosecute suspect', 6],
      ['Status update unavailable', 6],
      ['Under investigation', 3],
    ],
  },
  'Vehicle crime': {
    share: 6,
    season: [1.05, 1.0, 0.95, 0.95, 0.95, 0.95, 1.0, 1.0, 1.0, 1.05, 1.1, 1.05],
    trendPerYear: -0.02,
    noLocation: 0.05,
    area: (l, k) => k * (0.8 + 0.6 * l.deprivation),
    kind: { parking: 6, nte: 0.3, park: 0.5 },
    outcomes: [
      ['Investigation complete; no suspect identified', 82],
      ['Unable to prosecute suspect', 6],
      ['Status update unavailable', 6],
      ['Court result unavailable', 2],
      ['Under investigation', 4],
    ],
  },
  'Violence and sexual offences': {
    share: 24,
    season: SUMMER_AND_DECEMBER,
    trendPerYear: 0.04,
    noLocation: 0.16,
    // Estate violence is under-reported to the police (it shows in A&E instead): the hidden-violence finding.
    area: (l, k) => k * (0.6 + 1.1 * l.deprivation) * (1 - 0.55 * l.deprivation * (1 - l.centrality)) + 2 * NTE(l) + 1.2 * l.centrality,
    kind: { nte: 3, transport: 1.5, retail: 1.2, park: 1.2 },
    outcomes: [
      ['Unable to prosecute suspect', 45],
      ['Investigation complete; no suspect identified', 18],
      ['Status update unavailable', 8],
      ['Court result unavailable', 6],
      ['Awaiting court outcome', 4],
      ['Under investigation', 8],
      ['Local resolution', 3],
      ['Offender given a caution', 2],
      ['Further investigation is not in the public interest', 3],
      ['Formal action is not in the public interest', 2],
      ['Action to be taken by another organisation', 1],
    ],
  },
  'Other crime': {
    share: 1.5,
    season: FLAT,
    trendPerYear: 0,
    noLocation: 0.35,
    area: (l, k) => k * (0.6 + 0.6 * l.deprivation),
    kind: {},
    outcomes: GENERIC_OUTCOMES,
  },
};

/** Months before the newest one: most of the newest crimes are still open. */
const STILL_OPEN = [0.45, 0.25, 0.12];
const OUTSIDE_SHARE = 0.005;
const DUPLICATE_ID_SHARE = 0.01;
const IDENTICAL_ASB_SHARE = 0.02;
/** Trends are anchored here so that a month's level does not depend on the range generated. */
const TREND_ANCHOR = 2024 * 12;

export type Vintage = '2011' | '2021';

/** One generated row: the CSV line and what the file order needs. */
export type PoliceRow = { line: string; lsoaName: string; typeIndex: number; crimeType: CrimeType; lsoaCode: string };

export type MonthContext = {
  month: string;
  vintage: Vintage;
  /** 0 for the newest month in the data set. */
  monthsAgo: number;
};

type Place = { frag11: string; frag21: string; name11: string; name21: string; code11: string; code21: string };

const NO_LOCATION: Place = {
  frag11: ',,No Location,,',
  frag21: ',,No Location,,',
  name11: '',
  name21: '',
  code11: '',
  code21: '',
};

export class PoliceModel {
  private readonly places = new Map<string, Place>();
  private readonly snapTables = new Map<CrimeType, WeightedTable<SnapPoint>>();
  private readonly outcomeTables = new Map<CrimeType, WeightedTable<string>>();
  private readonly outside: Place[];
  private readonly snapsByLsoa = new Map<string, SnapPoint[]>();
  private readonly lsoaByCode: Map<string, Lsoa11>;
  private readonly typeIndex = new Map<CrimeType, number>(CRIME_TYPES.map((t, i) => [t, i]));
  readonly typeTable: WeightedTable<CrimeType>;
  private readonly prefix: string;

  constructor(readonly borough: Borough) {
    this.lsoaByCode = new Map(borough.lsoa11.map((l) => [l.code, l]));
    const name21 = new Map(borough.lsoa21.map((l) => [l.code, l.name]));
    this.prefix = `,${csvCell(FORCE_NAME)},${csvCell(FORCE_NAME)},`;
    for (const s of borough.snapPoints) {
      const loc = `${s.lon.toFixed(6)},${s.lat.toFixed(6)},${csvCell(`On or near ${s.name}`)}`;
      const l = this.lsoaByCode.get(s.lsoa11Code)!;
      const n21 = name21.get(s.lsoa21Code)!;
      this.places.set(s.id, {
        frag11: `${loc},${s.lsoa11Code},${csvCell(l.name)}`,
        frag21: `${loc},${s.lsoa21Code},${csvCell(n21)}`,
        name11: l.name,
        name21: n21,
        code11: s.lsoa11Code,
        code21: s.lsoa21Code,
      });
      const list = this.snapsByLsoa.get(s.lsoa11Code) ?? [];
      list.push(s);
      this.snapsByLsoa.set(s.lsoa11Code, list);
    }
    this.outside = borough.outsideSnapPoints.map((o) => {
      const frag = `${o.lon.toFixed(6)},${o.lat.toFixed(6)},${csvCell(`On or near ${o.name}`)},${o.lsoaCode},${csvCell(o.lsoaName)}`;
      return { frag11: frag, frag21: frag, name11: o.lsoaName, name21: o.lsoaName, code11: o.lsoaCode, code21: o.lsoaCode };
    });
    for (const t of CRIME_TYPES) {
      const p = PROFILES[t];
      const weights = borough.snapPoints.map((s) => {
        const l = this.lsoaByCode.get(s.lsoa11Code)!;
        return p.area(l, l.population.total / 1600) * (p.kind[s.kind] ?? 1) * s.hotness;
      });
      this.snapTables.set(t, new WeightedTable(borough.snapPoints, weights));
      if (p.outcomes.length > 0) {
        this.outcomeTables.set(
          t,
          new WeightedTable(
            p.outcomes.map((o) => o[0]),
            p.outcomes.map((o) => o[1]),
          ),
        );
      }
    }
    this.typeTable = new WeightedTable(
      CRIME_TYPES,
      CRIME_TYPES.map((t) => PROFILES[t].share),
    );
  }

  /** Expected rows of each type in a month (before duplicates), with season, trend and month length. */
  expectedCounts(month: string, scale: number): Record<CrimeType, number> {
    const { year, month: m } = parseMonth(month);
    const total = CRIME_TYPES.reduce((s, t) => s + PROFILES[t].share, 0);
    const yearsFromAnchor = (year * 12 + m - 1 - TREND_ANCHOR) / 12;
    const days = daysInMonth(year, m) / 30.44;
    const out = {} as Record<CrimeType, number>;
    for (const t of CRIME_TYPES) {
      const p = PROFILES[t];
      out[t] =
        (BASE_ROWS_PER_MONTH * p.share * p.season[m - 1]! * Math.pow(1 + p.trendPerYear, yearsFromAnchor) * days * scale) / total;
    }
    return out;
  }

  /**
   * Draws one crime of `type` and passes its row(s) to `emit`: usually one, two when the
   * crime is published twice (same Crime ID at two locations, or an identical ASB row).
   */
  draw(rng: Random, type: CrimeType, ctx: MonthContext, emit: (row: PoliceRow) => void): void {
    const p = PROFILES[type];
    const isAsb = type === 'Anti-social behaviour';
    const id = isAsb ? '' : rng.hex(64);
    const place = this.drawPlace(rng, type, p);
    const outcome = isAsb ? '' : this.drawOutcome(rng, type, ctx.monthsAgo);
    const row = this.makeRow(id, ctx, place, type, outcome);
    emit(row);
    if (isAsb) {
      if (rng.chance(IDENTICAL_ASB_SHARE)) emit(row);
    } else if (place !== NO_LOCATION && rng.chance(DUPLICATE_ID_SHARE)) {
      // The same crime published at a second, nearby snap point, sometimes with a different outcome.
      const code = place.code11;
      const l = this.lsoaByCode.get(code);
      if (l) {
        const nearby = rng.chance(0.6) ? code : rng.pick(l.neighbours.length > 0 ? l.neighbours : [code]);
        const snap = rng.pick(this.snapsByLsoa.get(nearby)!);
        const second = rng.chance(0.3) ? this.drawOutcome(rng, type, ctx.monthsAgo) : outcome;
        emit(this.makeRow(id, ctx, this.places.get(snap.id)!, type, second));
      }
    }
  }

  private drawPlace(rng: Random, type: CrimeType, p: Profile): Place {
    if (rng.chance(p.noLocation)) return NO_LOCATION;
    if (rng.chance(OUTSIDE_SHARE)) return rng.pick(this.outside);
    return this.places.get(this.snapTables.get(type)!.pick(rng).id)!;
  }

  private drawOutcome(rng: Random, type: CrimeType, monthsAgo: number): string {
    const open = STILL_OPEN[monthsAgo] ?? 0;
    if (open > 0 && rng.chance(open)) return 'Under investigation';
    return this.outcomeTables.get(type)!.pick(rng);
  }

  private makeRow(id: string, ctx: MonthContext, place: Place, type: CrimeType, outcome: string): PoliceRow {
    const v21 = ctx.vintage === '2021';
    const line = `${id},${ctx.month}${this.prefix}${v21 ? place.frag21 : place.frag11},${type},${csvCell(outcome)},`;
    return {
      line,
      lsoaName: v21 ? place.name21 : place.name11,
      lsoaCode: v21 ? place.code21 : place.code11,
      typeIndex: this.typeIndex.get(type)!,
      crimeType: type,
    };
  }

  /** All rows of one month, in the order police.uk writes them: by LSOA name (no-location last), then category. */
  monthRows(rng: Random, ctx: MonthContext, scale: number): PoliceRow[] {
    const expected = this.expectedCounts(ctx.month, scale);
    const rows: PoliceRow[] = [];
    const emit = (r: PoliceRow): void => {
      rows.push(r);
    };
    for (const t of CRIME_TYPES) {
      const n = rng.poisson(expected[t]);
      for (let i = 0; i < n; i++) this.draw(rng, t, ctx, emit);
    }
    return rows
      .map((r, i) => ({ r, i }))
      .sort((a, b) => {
        const an = a.r.lsoaName;
        const bn = b.r.lsoaName;
        if (an !== bn) {
          if (an === '') return 1;
          if (bn === '') return -1;
          return an < bn ? -1 : 1;
        }
        return a.r.typeIndex - b.r.typeIndex || a.i - b.i;
      })
      .map((x) => x.r);
  }
}

/**
 * The Cardiff Model table: licensed premises ranked by the A&E assault attendances
 * matched to them, each with its time-of-night profile, with small-number suppression
 * applied for everyone but analysts. Pure functions over counts from the repository.
 */
import { csvRows } from '../../shared/csv-export.ts';
import { suppressGroup } from '../../shared/suppression.ts';

/** The night-time economy's hours, in the order a night runs: 18:00 to 05:59. */
export const NIGHT_HOURS = [18, 19, 20, 21, 22, 23, 0, 1, 2, 3, 4, 5] as const;
/** How wide a window "peak hours" names: wide enough to plan a patrol or a licence condition around. */
export const PEAK_WINDOW_HOURS = 3;
/** Shown in place of a withheld figure, in the pages and the CSV ("[c]", confidential, as in official statistics). */
export const WITHHELD = '[c]';

export type VenueHourCount = { premises_id: number; hour: number | null; fri_sat_night: boolean; attendances: number };
export type VenueTally = { total: number; byHour: number[]; friSatNight: number };
export type RegisterPremises = { id: number; name: string; address: string; postcode: string; licensed_hours: string | null; removed_at: Date | null };

/** A figure as it may be shown: its value, or withheld. */
export type ShownFigure = { value: number | null; suppressed: boolean };

export type RankedVenue = {
  premisesId: number;
  name: string;
  address: string;
  postcode: string;
  licensedHours: string | null;
  /** No longer on the register: attendances before its removal still count. */
  removed: boolean;
  attendances: ShownFigure;
  /** Share of all attendances matched to licensed premises in the period (0 to 1). */
  share: number | null;
  /** Share of this venue's attendances on Friday and Saturday nights (0 to 1). */
  fridaySaturdayShare: number | null;
  /** The busiest PEAK_WINDOW_HOURS hours of the night, e.g. "23:00 to 02:00". */
  peakHours: string | null;
  /** Attendances by hour, in NIGHT_HOURS order. */
  night: ShownFigure[];
};

export type VenueRanking = {
  period: { from: string; to: string } | null;
  /** Whether small numbers were withheld (every role but analyst). */
  suppressed: boolean;
  threshold: number;
  /** All attendances matched to licensed premises in the period. */
  total: ShownFigure;
  /** All A&E assault attendances in the period, matched or not. */
  allAttendances: ShownFigure;
  venues: RankedVenue[];
  /** Premises on the register with no attendances matched in the period. */
  premisesWithout: number;
};

/** Adds up the repository's rows per premises: total, per hour of the day (24), and Friday and Saturday nights. */
export function tallyVenues(rows: readonly VenueHourCount[]): Map<number, VenueTally> {
  const tallies = new Map<number, VenueTally>();
  for (const row of rows) {
    let tally = tallies.get(row.premises_id);
    if (!tally) {
      tally = { total: 0, byHour: new Array<number>(24).fill(0), friSatNight: 0 };
      tallies.set(row.premises_id, tally);
    }
    tally.total += row.attendances;
    if (row.hour !== null) tally.byHour[row.hour]! += row.attendances;
    if (row.fri_sat_night) tally.friSatNight += row.attendances;
  }
  return tallies;
}

const clock = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

/** The busiest run of PEAK_WINDOW_HOURS night hours (the earliest on a tie), or null with no attendances at night. */
export function peakHours(byHour: readonly number[], width = PEAK_WINDOW_HOURS): string | null {
  let best = -1;
  let bestSum = 0;
  for (let start = 0; start + width <= NIGHT_HOURS.length; start++) {
    let sum = 0;
    for (let k = 0; k < width; k++) sum += byHour[NIGHT_HOURS[start + k]!] ?? 0;
    if (sum > bestSum) {
      bestSum = sum;
      best = start;
    }
  }
  if (best < 0) return null;
  return `${clock(NIGHT_HOURS[best]!)} to ${clock((NIGHT_HOURS[best + width - 1]! + 1) % 24)}`;
}

const shown = (value: number): ShownFigure => ({ value, suppressed: false });
const withheld: ShownFigure = { value: null, suppressed: true };
const isSmall = (value: number, threshold: number) => value > 0 && value < threshold;

export type RankingInput = {
  period: { from: string; to: string } | null;
  premises: readonly RegisterPremises[];
  rows: readonly VenueHourCount[];
  allAttendances: number;
  threshold: number;
  /** Analysts see every figure; everyone else sees counts from 1 to threshold − 1 withheld. */
  suppress: boolean;
};

export function buildRanking(input: RankingInput): VenueRanking {
  const { threshold, suppress } = input;
  const tallies = tallyVenues(input.rows);
  const counted = input.premises.filter((p) => (tallies.get(p.id)?.total ?? 0) > 0);
  const totals = counted.map((p) => tallies.get(p.id)!.total);
  const total = totals.reduce((sum, n) => sum + n, 0);
  const cells = suppress ? suppressGroup(totals, threshold) : totals.map((value) => ({ value, suppressed: false }));

  const venues: RankedVenue[] = counted.map((p, i) => {
    const tally = tallies.get(p.id)!;
    const cell = cells[i]!;
    const night = NIGHT_HOURS.map((h) => tally.byHour[h]!);
    let nightShown: ShownFigure[];
    if (!suppress) nightShown = night.map(shown);
    else if (cell.suppressed) nightShown = night.map(() => withheld);
    else nightShown = suppressGroup(night, threshold).map((c) => (c.suppressed ? withheld : shown(c.value!)));
    const friSatHidden = suppress && (cell.suppressed || isSmall(tally.friSatNight, threshold) || isSmall(tally.total - tally.friSatNight, threshold));
    return {
      premisesId: p.id,
      name: p.name,
      address: p.address,
      postcode: p.postcode,
      licensedHours: p.licensed_hours,
      removed: p.removed_at !== null,
      attendances: cell.suppressed ? withheld : shown(tally.total),
      share: cell.suppressed || total === 0 ? null : tally.total / total,
      fridaySaturdayShare: friSatHidden ? null : tally.friSatNight / tally.total,
      peakHours: cell.suppressed ? null : peakHours(tally.byHour),
      night: nightShown,
    };
  });
  // Withheld venues go last, alphabetically: their place in the order would narrow down their counts.
  venues.sort((a, b) => {
    if (a.attendances.suppressed !== b.attendances.suppressed) return a.attendances.suppressed ? 1 : -1;
    if (!a.attendances.suppressed) {
      const byCount = b.attendances.value! - a.attendances.value!;
      if (byCount !== 0) return byCount;
    }
    return a.name.localeCompare(b.name, 'en-GB') || a.postcode.localeCompare(b.postcode);
  });
  return {
    period: input.period,
    suppressed: suppress,
    threshold,
    total: suppress && isSmall(total, threshold) ? withheld : shown(total),
    allAttendances: suppress && isSmall(input.allAttendances, threshold) ? withheld : shown(input.allAttendances),
    venues,
    premisesWithout: input.premises.length - counted.length,
  };
}

const percent = (share: number | null) => (share === null ? WITHHELD : `${(share * 100).toFixed(1)}%`);
const figure = (f: ShownFigure) => (f.suppressed ? WITHHELD : f.value);

export const RANKING_CSV_HEADER = [
  'Venue', 'Address', 'Postcode', 'Licensed hours', 'A&E assault attendances', 'Share of all assaults at licensed premises',
  'Share on Friday and Saturday nights', 'Peak hours', 'On the register',
];

/** The ranking as a spreadsheet for a licensing review; withheld figures read "[c]". */
export function rankingCsv(ranking: VenueRanking): string {
  return csvRows(RANKING_CSV_HEADER, ranking.venues.map((v) => [
    v.name, v.address, v.postcode, v.licensedHours ?? '', figure(v.attendances), percent(v.share),
    percent(v.fridaySaturdayShare), v.attendances.suppressed ? WITHHELD : v.peakHours ?? '', v.removed ? 'No longer listed' : 'Yes',
  ]));
}

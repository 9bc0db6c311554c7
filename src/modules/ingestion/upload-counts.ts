import type { LocationStatus } from '../../db/schema.ts';
import type { AreaAssignment } from './area-assigner.ts';
import type { SharedParts } from './incident.types.ts';
import { BinaryCopyWriter, encodeFields } from './copy-binary.ts';
import { CountTable } from './count-table.ts';
import { londonParts } from './parsers/london-time.ts';

/**
 * The analysis counts of one upload (migration 0004: incident_counts and, for rows with a
 * British National Grid position, incident_cell_counts by 50 m square), summed while its
 * rows stream past instead of grouped by PostgreSQL afterwards: that grouping took as long
 * again as storing the rows (BENCHMARKS.md).
 *
 * Each row's batch and month, category and Europe/London weekday and hour become one small
 * number, which with the number of the row's point (see PointTally) is counted in a table
 * of typed arrays, so counting a row costs a few lookups of numbers and makes no garbage.
 * More distinct values than the number has room for send the rows to a map keyed by text,
 * which is slower but has no limit.
 */

type Period = { batchNo: number; monthDays: number };
type Kind = { category: string; sourceCategory: string };
type Place = { lsoa11Id: number | null; lsoa21Id: number | null; wardId: number | null; ladId: number | null };

const STATUSES: readonly LocationStatus[] = ['located', 'no-location', 'outside-area'];
const STATUS_CODE: Record<LocationStatus, number> = { located: 0, 'no-location': 1, 'outside-area': 2 };
/** 7 × 24 weekday-hours, and one more for rows with no time of day. */
const NO_TIME = 168;

// Radices of a point's key, period × kind × weekday-hour, kept below 2^30 so that it is
// a small integer for the engine.
const PERIODS = 4096;
const KINDS = 1024;
/** 50 m squares per axis: 1,638 km, beyond Great Britain's grid. */
const CELL_AXIS = 32_768;
const OFF_GRID = -2;
/** Area ids below this combine into one number. */
const AREA_ID_LIMIT = 67_108_864;
/** A point's number times this, plus period × kind × weekday-hour, is the count's key (under 2^53). */
const POINT_RADIX = PERIODS * KINDS * 256;
const POINT_LIMIT = Math.floor(Number.MAX_SAFE_INTEGER / POINT_RADIX);

/**
 * What is counted at one point: its areas and status, and its 50 m square. The area
 * assigner hands every row at a point the same assignment, so a row finds its point
 * through that object (or its shared part's number), and its count by the point's number.
 */
type PointTally = {
  /** Its number, in the count table's keys. */
  id: number;
  place: number;
  status: number;
  /** 50 m square (column × CELL_AXIS + row), or -1 for none. */
  cell: number;
};

export class UploadCounts {
  private readonly periods: Period[] = [];
  private readonly periodIndex = new Map<number, number>();
  private readonly kinds: Kind[] = [];
  private readonly kindIndex = new Map<string, number>();
  private readonly places: Place[] = [];
  private readonly placeIndex = new Map<number | string, number>();
  private readonly points = new WeakMap<AreaAssignment, PointTally>();
  private readonly talliesByKey = new Map<string, PointTally>();
  private readonly tallies: PointTally[] = [];
  /** Rows by point, period, kind and weekday-hour. */
  private readonly table = new CountTable();
  /** Rows whose period, kind or square does not fit the small-number key, by a text key, for each table. */
  private readonly byText = new Map<string, number>();
  private readonly byTextCells = new Map<string, number>();
  private lastPeriod = { batchNo: -1, monthDays: Number.NaN, index: -1 };
  /** Period, kind and tally by the number of the row's shared part, for rows that have them. */
  private readonly periodByPart: number[] = [];
  private readonly kindByPart: number[] = [];
  private readonly tallyByPart: PointTally[] = [];
  private merged: ReturnType<UploadCounts['groups']> | undefined;
  /** Runs of encoded columns, by period (with each table's field count), kind and place. */
  private readonly encoded = { countHeads: [] as Buffer[], cellHeads: [] as Buffer[], kinds: [] as Buffer[], places: [] as Buffer[] };

  /** Counts one row; `shared`, when the parser gave the row its parts' numbers, saves looking up what they decide. */
  add(batchNo: number, monthDays: number, category: string, sourceCategory: string, place: AreaAssignment, occurredAt: Date | null, shared?: SharedParts): void {
    const time = occurredAt === null ? NO_TIME : weekdayHour(occurredAt);
    let period: number;
    let kind: number;
    let tally: PointTally;
    if (shared !== undefined) {
      period = this.periodByPart[shared.when] ??= this.periodOf(batchNo, monthDays);
      kind = this.kindByPart[shared.what] ??= this.kindOf(category, sourceCategory);
      tally = this.tallyByPart[shared.where] ??= this.pointTally(place);
    } else {
      period = this.periodOf(batchNo, monthDays);
      kind = this.kindOf(category, sourceCategory);
      tally = this.pointTally(place);
    }
    // Whether a row goes by small number or by text depends only on its period and kind,
    // so the two never hold the same group; nor does a square off the grid share one.
    if (period < PERIODS && kind < KINDS && tally.id < POINT_LIMIT) {
      this.table.add(tally.id * POINT_RADIX + (period * KINDS + kind) * 256 + time);
      if (tally.cell === OFF_GRID) this.countCellByText(period, kind, time, tally.place, place);
    } else {
      const key = `${period}.${kind}.${time}.${tally.place}.${tally.status}`;
      this.byText.set(key, (this.byText.get(key) ?? 0) + 1);
      if (tally.cell !== -1) this.countCellByText(period, kind, time, tally.place, place);
    }
  }

  private countCellByText(period: number, kind: number, time: number, where: number, place: AreaAssignment): void {
    const key = `${period}.${kind}.${time}.${where}.${Math.floor(place.easting! / 50)}.${Math.floor(place.northing! / 50)}`;
    this.byTextCells.set(key, (this.byTextCells.get(key) ?? 0) + 1);
  }

  /**
   * Both tables' rows, as groups of tallies: incident_counts by areas and status,
   * incident_cell_counts by areas and 50 m square (status is not kept there). Many points
   * share an area, so their tallies are merged by key within each group.
   */
  private groups(): { counts: Array<{ place: number; status: number; n: Map<number, number> }>; cells: Array<{ place: number; cell: number; n: Map<number, number> }> } {
    const counts = new Map<number, { place: number; status: number; n: Map<number, number> }>();
    const cells = new Map<string, { place: number; cell: number; n: Map<number, number> }>();
    const groupOf = new Map<PointTally, { count: Map<number, number>; cell: Map<number, number> | null }>();
    for (const tally of this.tallies) {
      const countKey = tally.place * 4 + tally.status;
      let group = counts.get(countKey);
      if (group === undefined) counts.set(countKey, group = { place: tally.place, status: tally.status, n: new Map() });
      let square: { place: number; cell: number; n: Map<number, number> } | undefined;
      if (tally.cell >= 0) {
        const cellKey = `${tally.place}.${tally.cell}`;
        square = cells.get(cellKey);
        if (square === undefined) cells.set(cellKey, square = { place: tally.place, cell: tally.cell, n: new Map() });
      }
      groupOf.set(tally, { count: group.n, cell: square?.n ?? null });
    }
    this.table.forEach((key, n) => {
      const id = Math.floor(key / POINT_RADIX);
      const rest = key - id * POINT_RADIX;
      const group = groupOf.get(this.tallies[id]!)!;
      group.count.set(rest, (group.count.get(rest) ?? 0) + n);
      if (group.cell !== null) group.cell.set(rest, (group.cell.get(rest) ?? 0) + n);
    });
    return { counts: [...counts.values()], cells: [...cells.values()] };
  }

  /**
   * One table's rows in binary COPY form (columns as COUNT_COLUMNS or CELL_COUNT_COLUMNS),
   * in blocks, the first with the format's header and the last with its end marker.
   */
  *blocks(ids: UploadIds, table: 'incident_counts' | 'incident_cell_counts'): Generator<Buffer> {
    const { counts, cells } = (this.merged ??= this.groups());
    const out = new BinaryCopyWriter(FLUSH_BYTES);
    const dimensions = (key: number, place: number, fields: number) => {
      const time = key % 256;
      const periodKind = (key - time) / 256;
      const kind = periodKind % KINDS;
      this.writeDimensions(ids, out, (periodKind - kind) / KINDS, kind, place, time, fields);
    };
    if (table === 'incident_counts') {
      for (const group of counts) {
        for (const [key, count] of group.n) {
          dimensions(key, group.place, COUNT_COLUMNS.length);
          out.text(STATUSES[group.status]!);
          out.int4(count);
          if (out.length >= FLUSH_BYTES) yield out.take();
        }
      }
      for (const [key, count] of this.byText) {
        const [period, kind, time, place, status] = key.split('.').map(Number) as [number, number, number, number, number];
        this.writeDimensions(ids, out, period, kind, place, time, COUNT_COLUMNS.length);
        out.text(STATUSES[status]!);
        out.int4(count);
        if (out.length >= FLUSH_BYTES) yield out.take();
      }
    } else {
      for (const square of cells) {
        for (const [key, count] of square.n) {
          dimensions(key, square.place, CELL_COUNT_COLUMNS.length);
          out.int4(Math.floor(square.cell / CELL_AXIS));
          out.int4(square.cell % CELL_AXIS);
          out.int4(count);
          if (out.length >= FLUSH_BYTES) yield out.take();
        }
      }
      for (const [key, count] of this.byTextCells) {
        const [period, kind, time, place, cellE, cellN] = key.split('.').map(Number) as [number, number, number, number, number, number];
        this.writeDimensions(ids, out, period, kind, place, time, CELL_COUNT_COLUMNS.length);
        out.int4(cellE);
        out.int4(cellN);
        out.int4(count);
        if (out.length >= FLUSH_BYTES) yield out.take();
      }
    }
    out.end();
    yield out.take();
  }

  /**
   * The columns both tables share, in their order (the field count first). Each run is
   * encoded once per period, kind, place and weekday-hour, and copied into every row.
   */
  private writeDimensions(ids: UploadIds, out: BinaryCopyWriter, period: number, kind: number, place: number, time: number, fields: number): void {
    const heads = fields === COUNT_COLUMNS.length ? this.encoded.countHeads : this.encoded.cellHeads;
    out.bytes(heads[period] ??= encodeFields((o) => {
      const p = this.periods[period]!;
      o.row(fields);
      o.int4(ids.partnershipId);
      o.int4(ids.sourceId);
      o.int4(ids.uploadId);
      o.int4(p.batchNo);
      o.date(p.monthDays);
    }));
    out.bytes(this.encoded.kinds[kind] ??= encodeFields((o) => {
      o.text(this.kinds[kind]!.category);
      o.text(this.kinds[kind]!.sourceCategory);
    }));
    out.bytes(this.encoded.places[place] ??= encodeFields((o) => {
      const a = this.places[place]!;
      o.int4(a.lsoa11Id);
      o.int4(a.lsoa21Id);
      o.int4(a.wardId);
      o.int4(a.ladId);
    }));
    out.bytes(TIME_COLUMNS[time]!);
  }

  private pointTally(place: AreaAssignment): PointTally {
    let tally = this.points.get(place);
    if (tally === undefined) {
      tally = this.tallyFor(place);
      this.points.set(place, tally);
    }
    return tally;
  }

  /** The tally of an assignment met for the first time: shared by every assignment with the same areas, status and square. */
  private tallyFor(place: AreaAssignment): PointTally {
    const hasSquare = place.easting !== null && place.easting >= 0 && place.northing !== null && place.northing >= 0;
    const cellE = hasSquare ? Math.floor(place.easting! / 50) : -1;
    const cellN = hasSquare ? Math.floor(place.northing! / 50) : -1;
    // Squares beyond the grid's axis (far outside Great Britain) go through the text key.
    const cell = !hasSquare ? -1 : cellE < CELL_AXIS && cellN < CELL_AXIS ? cellE * CELL_AXIS + cellN : OFF_GRID;
    const where = this.placeOf(place);
    const status = STATUS_CODE[place.status];
    const key = `${where}.${status}.${cell}`;
    let tally = this.talliesByKey.get(key);
    if (tally === undefined) {
      tally = { id: this.tallies.length, place: where, status, cell };
      this.tallies.push(tally);
      this.talliesByKey.set(key, tally);
    }
    return tally;
  }

  /** The period's number: its batch and its month (as days since 1970, which the import has already worked out). */
  private periodOf(batchNo: number, monthDays: number): number {
    // Rows of one batch and month usually come together.
    const last = this.lastPeriod;
    if (batchNo === last.batchNo && monthDays === last.monthDays) return last.index;
    const key = batchNo * 1_000_000 + monthDays;
    let index = this.periodIndex.get(key);
    if (index === undefined) {
      index = this.periods.length;
      this.periods.push({ batchNo, monthDays });
      this.periodIndex.set(key, index);
    }
    this.lastPeriod = { batchNo, monthDays, index };
    return index;
  }

  /** Within one upload a source category always maps to the same category. */
  private kindOf(category: string, sourceCategory: string): number {
    let index = this.kindIndex.get(sourceCategory);
    if (index === undefined) {
      index = this.kinds.length;
      this.kinds.push({ category, sourceCategory });
      this.kindIndex.set(sourceCategory, index);
    }
    return index;
  }

  /** Within one upload the ward and local authority follow from the LSOAs. */
  private placeOf(place: AreaAssignment): number {
    const l11 = place.lsoa11Id ?? -1;
    const l21 = place.lsoa21Id ?? -1;
    const key = l11 < AREA_ID_LIMIT && l21 < AREA_ID_LIMIT ? (l11 + 1) * AREA_ID_LIMIT + (l21 + 1) : `${l11}.${l21}`;
    let index = this.placeIndex.get(key);
    if (index === undefined) {
      index = this.places.length;
      this.places.push({ lsoa11Id: place.lsoa11Id, lsoa21Id: place.lsoa21Id, wardId: place.wardId, ladId: place.ladId });
      this.placeIndex.set(key, index);
    }
    return index;
  }
}

export type UploadIds = { partnershipId: number; sourceId: number; uploadId: number };

const FLUSH_BYTES = 256 * 1024;

/** weekday and hour, by weekday-hour (NO_TIME: both null). */
const TIME_COLUMNS = Array.from({ length: NO_TIME + 1 }, (_, time) => encodeFields((o) => {
  o.int2(time === NO_TIME ? null : Math.floor(time / 24) + 1);
  o.int2(time === NO_TIME ? null : time % 24);
}));

export const COUNT_COLUMNS = [
  'partnership_id', 'source_id', 'upload_id', 'batch_no', 'month', 'category', 'source_category',
  'lsoa11_id', 'lsoa21_id', 'ward_id', 'lad_id', 'weekday', 'hour', 'location_status', 'n',
] as const;

export const CELL_COUNT_COLUMNS = [
  'partnership_id', 'source_id', 'upload_id', 'batch_no', 'month', 'category', 'source_category',
  'lsoa11_id', 'lsoa21_id', 'ward_id', 'lad_id', 'weekday', 'hour', 'cell_e', 'cell_n', 'n',
] as const;

/** Europe/London ISO weekday (Monday 0 here) × 24 + hour. */
function weekdayHour(instant: Date): number {
  const local = londonParts(instant);
  const sundayFirst = new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay();
  return ((sundayFirst + 6) % 7) * 24 + local.hour;
}

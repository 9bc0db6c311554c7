import type { LocationStatus, SourceKind } from '../../db/schema.ts';
import type { ParsedIncident } from './incident.types.ts';

/** A data-quality finding about one upload: kept with the upload and shown on its report. */
export type Finding = { kind: string; summary: string; detail: Record<string, unknown>; rowCount: number };

const SAMPLE = 20;

/**
 * A 52-bit FNV-1a hash, exact enough to count repeats among millions of rows; built up
 * part by part so that a row's key needs no string of its own.
 */
class Hash52 {
  private low = 0x811c9dc5;
  private high = 0x050c5d1f;

  text(value: string | null): this {
    if (value === null) return this.code(0xffff);
    for (let i = 0; i < value.length; i++) this.code(value.charCodeAt(i));
    return this.code(0x1f);
  }

  number(value: number | null): this {
    if (value === null) return this.code(0xffff);
    FLOAT[0] = value;
    return this.code(WORDS[0]! & 0xffff).code(WORDS[0]! >>> 16).code(WORDS[1]! & 0xffff).code(WORDS[1]! >>> 16);
  }

  value(): number {
    return (this.high & 0xfffff) * 0x100000000 + this.low;
  }

  private code(c: number): this {
    this.low = Math.imul(this.low ^ c, 0x01000193) >>> 0;
    this.high = Math.imul(this.high ^ c ^ (this.low >>> 24), 0x01000193) >>> 0;
    return this;
  }
}
const FLOAT = new Float64Array(1);
const WORDS = new Uint32Array(FLOAT.buffer);

const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/**
 * A police.uk Crime ID (64 hex digits) is already random: its first 52 bits are the key.
 * Anything else is hashed. `isCrimeId` says the parser has already checked that the
 * reference is one (police.uk refuses any other), so only other feeds' references are
 * checked here.
 */
function refKey(ref: string, isCrimeId: boolean): number {
  if (ref.length === 64) {
    let key = 0;
    for (let i = 0; i < (isCrimeId ? 13 : 64); i++) {
      const c = ref.charCodeAt(i);
      const digit = c < 128 ? HEX_VALUE[c]! : -1;
      if (digit < 0) return new Hash52().text(ref).value();
      if (i < 13) key = key * 16 + digit;
    }
    return key;
  }
  return new Hash52().text(ref).value();
}

/**
 * Counts repeated keys among many rows without a Map entry (and its garbage) per row:
 * keys are 52-bit numbers in typed arrays, sorted once at the end.
 */
class RepeatCounter {
  private keys = new Float64Array(1024);
  private lines = new Int32Array(1024);
  private size = 0;

  add(key: number, line: number): void {
    if (this.size === this.keys.length) {
      const keys = new Float64Array(this.size * 2);
      keys.set(this.keys);
      this.keys = keys;
      const lines = new Int32Array(this.size * 2);
      lines.set(this.lines);
      this.lines = lines;
    }
    this.keys[this.size] = key;
    this.lines[this.size] = line;
    this.size++;
  }

  /** Keys seen more than once, with how often and the first line each was on, in file order. */
  repeats(): Array<{ key: number; count: number; firstLine: number }> {
    // The engine's own numeric sort (no comparator) finds the repeated keys; a pass in file
    // order then finds where each first appears.
    const sorted = this.keys.slice(0, this.size).sort();
    const repeated = new Map<number, { key: number; count: number; firstLine: number }>();
    for (let i = 0; i < sorted.length;) {
      let j = i + 1;
      while (j < sorted.length && sorted[j] === sorted[i]) j++;
      if (j - i > 1) repeated.set(sorted[i]!, { key: sorted[i]!, count: j - i, firstLine: -1 });
      i = j;
    }
    if (repeated.size === 0) return [];
    // Few keys repeat: a bit per low 16 bits of the key settles most rows without a lookup.
    const maybe = new Uint8Array(65536);
    for (const key of repeated.keys()) maybe[(key >>> 0) & 0xffff] = 1;
    for (let i = 0; i < this.size; i++) {
      const key = this.keys[i]!;
      if (maybe[(key >>> 0) & 0xffff] === 0) continue;
      const found = repeated.get(key);
      if (found !== undefined && found.firstLine === -1) found.firstLine = this.lines[i]!;
    }
    return [...repeated.values()].sort((a, b) => a.firstLine - b.firstLine);
  }
}

/**
 * Watches the rows of one upload for what an analyst should know about: rows that share a
 * Crime ID (real police.uk files record some crimes at two locations), identical
 * anti-social-behaviour rows, rows without location or outside the area, and categories
 * with no mapping into the partnership taxonomy. All rows are kept; this only reports.
 */
export class FindingsCollector {
  private readonly kind: SourceKind;
  // Keys are numbers (the first 52 bits of a police.uk id, or a hash): a million string
  // keys would cost hundreds of megabytes, and a substring would keep alive the whole
  // input chunk it was cut from.
  private readonly refs = new RepeatCounter();
  private readonly identical = new RepeatCounter();
  private readonly noLocationLines: number[] = [];
  private readonly outsideLines: number[] = [];
  private readonly unmapped = new Map<string, number>();
  private missingGeography = false;
  /** Hashes of the month, the place and the type, by the number of the row's shared part. */
  private readonly monthHashes: number[] = [];
  private readonly placeHashes: number[] = [];
  private readonly typeHashes: number[] = [];

  constructor(kind: SourceKind) {
    this.kind = kind;
  }

  noGeography(): void {
    this.missingGeography = true;
  }

  observe(incident: ParsedIncident, status: LocationStatus, categoryMapped: boolean): void {
    if (incident.sourceRef) {
      this.refs.add(refKey(incident.sourceRef, this.kind === 'police-uk'), incident.line);
    } else if (this.kind === 'police-uk') {
      // Same month, same place and same type: hashed part by part, each part once for
      // rows that share it.
      const shared = incident.shared;
      const month = shared === undefined ? monthHash(incident) : (this.monthHashes[shared.when] ??= monthHash(incident));
      const place = shared === undefined ? placeHash(incident) : (this.placeHashes[shared.where] ??= placeHash(incident));
      const type = shared === undefined ? typeHash(incident) : (this.typeHashes[shared.what] ??= typeHash(incident));
      this.identical.add(new Hash52().number(month).number(place).number(type).value(), incident.line);
    }
    if (status === 'no-location' && this.noLocationLines.length < SAMPLE) this.noLocationLines.push(incident.line);
    if (status === 'outside-area' && this.outsideLines.length < SAMPLE) this.outsideLines.push(incident.line);
    if (!categoryMapped) this.unmapped.set(incident.sourceCategory, (this.unmapped.get(incident.sourceCategory) ?? 0) + 1);
  }

  finish(stats: { rows: number; withoutLocation: number; outsideArea: number }): Finding[] {
    const findings: Finding[] = [];
    const sharedRefs = this.refs.repeats();
    if (sharedRefs.length > 0) {
      const rows = sharedRefs.reduce((sum, r) => sum + r.count, 0);
      findings.push({
        kind: 'shared-crime-id',
        summary: `${sharedRefs.length} Crime ID${sharedRefs.length === 1 ? ' is' : 's are'} shared by ${rows} rows (usually one crime recorded at two locations). All rows are kept.`,
        detail: { ids: sharedRefs.length, sample: sharedRefs.slice(0, SAMPLE).map((r) => ({ firstLine: r.firstLine, count: r.count })) },
        rowCount: rows,
      });
    }
    const duplicates = this.identical.repeats();
    if (duplicates.length > 0) {
      const rows = duplicates.reduce((sum, v) => sum + v.count, 0);
      findings.push({
        kind: 'identical-rows',
        summary: `${duplicates.length} group${duplicates.length === 1 ? '' : 's'} of identical rows without a Crime ID (${rows} rows: same month, place and type). All are kept as separate incidents.`,
        detail: { groups: duplicates.length, sampleLines: duplicates.slice(0, SAMPLE).map((d) => d.firstLine) },
        rowCount: rows,
      });
    }
    if (stats.withoutLocation > 0) {
      findings.push({
        kind: 'no-location',
        summary: `${stats.withoutLocation} row${stats.withoutLocation === 1 ? ' has' : 's have'} no usable location. They are kept and counted, but cannot be mapped.`,
        detail: { sampleLines: this.noLocationLines, share: round(stats.withoutLocation / stats.rows) },
        rowCount: stats.withoutLocation,
      });
    }
    if (stats.outsideArea > 0) {
      findings.push({
        kind: 'outside-area',
        summary: `${stats.outsideArea} row${stats.outsideArea === 1 ? ' lies' : 's lie'} outside the partnership's area. They are kept and flagged.`,
        detail: { sampleLines: this.outsideLines, share: round(stats.outsideArea / stats.rows) },
        rowCount: stats.outsideArea,
      });
    }
    if (this.unmapped.size > 0) {
      const rows = [...this.unmapped.values()].reduce((a, b) => a + b, 0);
      findings.push({
        kind: 'unmapped-category',
        summary: `${this.unmapped.size} categor${this.unmapped.size === 1 ? 'y has' : 'ies have'} no place in the partnership taxonomy yet; ${rows} rows were filed under Other.`,
        detail: { categories: Object.fromEntries(this.unmapped) },
        rowCount: rows,
      });
    }
    if (this.missingGeography) {
      findings.push({
        kind: 'no-geography',
        summary: 'The partnership has no boundaries loaded, so rows could not be assigned to areas. Load geography, then re-send.',
        detail: {},
        rowCount: stats.rows,
      });
    }
    return findings;
  }
}

function monthHash(incident: ParsedIncident): number {
  return new Hash52().text(incident.month).value();
}

function placeHash(incident: ParsedIncident): number {
  return new Hash52().number(incident.lon).number(incident.lat).text(incident.locationDesc).text(incident.areaCode).value();
}

function typeHash(incident: ParsedIncident): number {
  return new Hash52().text(incident.sourceCategory).value();
}

function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}

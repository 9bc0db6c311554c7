import type { LocationStatus, SourceKind } from '../../db/schema.ts';
import type { ParsedIncident } from './incident.types.ts';

/** A data-quality finding about one upload: kept with the upload and shown on its report. */
export type Finding = { kind: string; summary: string; detail: Record<string, unknown>; rowCount: number };

const SAMPLE = 20;
const POLICE_ID = /^[0-9a-f]{64}$/;

/** A copy of the string that does not point into the (large) text it was cut from. */
function detached(value: string): string {
  return Buffer.from(value, 'utf8').toString('utf8');
}

/**
 * Watches the rows of one upload for what an analyst should know about: rows that share a
 * Crime ID (real police.uk files record some crimes at two locations), identical
 * anti-social-behaviour rows, rows without location or outside the area, and categories
 * with no mapping into the partnership taxonomy. All rows are kept; this only reports.
 */
export class FindingsCollector {
  private readonly kind: SourceKind;
  // Keyed by the first 52 bits of a police.uk id as a number (a million full ids would
  // cost hundreds of megabytes, and a substring key would keep the whole input chunk it
  // was cut from alive). Other sources' references are copied out. The full id is kept
  // once it repeats.
  private readonly refs = new Map<number | string, number>();
  private readonly repeatedRefs = new Map<number | string, string>();
  private readonly identical = new Map<string, { count: number; line: number }>();
  private readonly noLocationLines: number[] = [];
  private readonly outsideLines: number[] = [];
  private readonly unmapped = new Map<string, number>();
  private missingGeography = false;

  constructor(kind: SourceKind) {
    this.kind = kind;
  }

  noGeography(): void {
    this.missingGeography = true;
  }

  observe(incident: ParsedIncident, status: LocationStatus, categoryMapped: boolean): void {
    if (incident.sourceRef) {
      const ref = incident.sourceRef;
      const key = POLICE_ID.test(ref) ? Number.parseInt(ref.slice(0, 13), 16) : detached(ref);
      const count = (this.refs.get(key) ?? 0) + 1;
      this.refs.set(key, count);
      if (count === 2) this.repeatedRefs.set(key, detached(ref));
    } else if (this.kind === 'police-uk') {
      // A concatenation is flattened into a fresh string when hashed, so this key does not
      // keep the input chunk alive.
      const key = `${incident.month}|${incident.lon}|${incident.lat}|${incident.locationDesc}|${incident.areaCode}|${incident.sourceCategory}`;
      const seen = this.identical.get(key);
      if (seen) seen.count++;
      else this.identical.set(key, { count: 1, line: incident.line });
    }
    if (status === 'no-location' && this.noLocationLines.length < SAMPLE) this.noLocationLines.push(incident.line);
    if (status === 'outside-area' && this.outsideLines.length < SAMPLE) this.outsideLines.push(incident.line);
    if (!categoryMapped) this.unmapped.set(incident.sourceCategory, (this.unmapped.get(incident.sourceCategory) ?? 0) + 1);
  }

  finish(stats: { rows: number; withoutLocation: number; outsideArea: number }): Finding[] {
    const findings: Finding[] = [];
    const sharedRefs = [...this.refs].filter(([, count]) => count > 1);
    if (sharedRefs.length > 0) {
      const rows = sharedRefs.reduce((sum, [, count]) => sum + count, 0);
      findings.push({
        kind: 'shared-crime-id',
        summary: `${sharedRefs.length} Crime ID${sharedRefs.length === 1 ? ' is' : 's are'} shared by ${rows} rows (usually one crime recorded at two locations). All rows are kept.`,
        detail: { ids: sharedRefs.length, sample: sharedRefs.slice(0, SAMPLE).map(([key, count]) => ({ id: this.repeatedRefs.get(key) ?? String(key), count })) },
        rowCount: rows,
      });
    }
    const duplicates = [...this.identical.values()].filter((v) => v.count > 1);
    if (duplicates.length > 0) {
      const rows = duplicates.reduce((sum, v) => sum + v.count, 0);
      findings.push({
        kind: 'identical-rows',
        summary: `${duplicates.length} group${duplicates.length === 1 ? '' : 's'} of identical rows without a Crime ID (${rows} rows: same month, place and type). All are kept as separate incidents.`,
        detail: { groups: duplicates.length, sampleLines: duplicates.slice(0, SAMPLE).map((d) => d.line) },
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

function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}

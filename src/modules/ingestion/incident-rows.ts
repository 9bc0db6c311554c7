import type { LocationStatus, SourceKind } from '../../db/schema.ts';
import type { AreaAssigner, AreaAssignment } from './area-assigner.ts';
import { encodeFields, unixDaysOfMonth, type BinaryCopyWriter } from './copy-binary.ts';
import type { FindingsCollector } from './findings.ts';
import type { ParsedIncident } from './incident.types.ts';
import { encodeKindColumns, encodePlaceColumns, encodeRowStart, writeIncidentRow } from './ingestion.repository.ts';
import { FALLBACK_CATEGORY, ISTV_CATEGORY } from './taxonomy.ts';
import type { UploadCounts, UploadIds } from './upload-counts.ts';

export type CategoryAnswer = { readonly code: string; readonly mapped: boolean };
export type CategoryMapping = (sourceCategory: string) => CategoryAnswer;

type When = { batchNo: number; monthDays: number; rowStart: Buffer | undefined };
type What = { category: CategoryAnswer; columns: Buffer | undefined };
type Where = { place: AreaAssignment; columns: Buffer | undefined };

/**
 * What the import works out for each valid incident of one upload besides what the row
 * says: its areas, its category in the partnership's taxonomy, its batch's number, its
 * share of the analysis counts and the findings, and its row for the COPY. For rows whose
 * parser shares parts between them (SharedParts), what follows from a part, down to its
 * encoded columns, is worked out on the part's first row and found by its number after.
 */
export class IncidentRows {
  /** Each batch key the file names, and its number within this upload, in order of first sight. */
  readonly batches = new Map<string, number>();
  /** Each month the file names, as days since 1970. */
  readonly months = new Map<string, number>();
  withoutLocation = 0;
  outsideArea = 0;
  private readonly whens: When[] = [];
  private readonly whats: What[] = [];
  private readonly wheres: Where[] = [];
  private readonly kind: SourceKind;
  private readonly ids: UploadIds;
  private readonly assigner: AreaAssigner;
  private readonly mapCategory: CategoryMapping;
  private readonly counts: UploadCounts;
  private readonly findings: FindingsCollector;

  constructor(upload: { kind: SourceKind; ids: UploadIds; assigner: AreaAssigner; mapCategory: CategoryMapping; counts: UploadCounts; findings: FindingsCollector }) {
    this.kind = upload.kind;
    this.ids = upload.ids;
    this.assigner = upload.assigner;
    this.mapCategory = upload.mapCategory;
    this.counts = upload.counts;
    this.findings = upload.findings;
  }

  /**
   * Takes one valid incident. `out` receives its row; null once nothing will be kept (a row
   * was refused in all-or-nothing mode), when only the findings and batches are noted.
   */
  add(incident: ParsedIncident, out: BinaryCopyWriter | null): void {
    const shared = incident.shared;
    const when = shared === undefined ? this.whenOf(incident, false) : (this.whens[shared.when] ??= this.whenOf(incident, true));
    const what = shared === undefined ? this.whatOf(incident, false) : (this.whats[shared.what] ??= this.whatOf(incident, true));
    const where = shared === undefined ? this.whereOf(incident, false) : (this.wheres[shared.where] ??= this.whereOf(incident, true));
    const place = where.place;
    if (place.status === 'no-location') this.withoutLocation++;
    else if (place.status === 'outside-area') this.outsideArea++;
    this.findings.observe(incident, place.status, what.category.mapped);
    if (out === null) return;
    this.counts.add(when.batchNo, when.monthDays, what.category.code, incident.sourceCategory, place, incident.occurredAt, shared);
    writeIncidentRow(out, this.ids, incident, {
      batchNo: when.batchNo, monthDays: when.monthDays, category: what.category.code, place,
      attributesJson: attributesJson(this.kind, incident, place.status), rowStart: when.rowStart, kindColumns: what.columns, placeColumns: where.columns,
    });
  }

  private whenOf(incident: ParsedIncident, encode: boolean): When {
    // Batches are numbered in the order the file first names them.
    let batchNo = this.batches.get(incident.batchKey);
    if (batchNo === undefined) this.batches.set(incident.batchKey, batchNo = this.batches.size);
    let monthDays = this.months.get(incident.month);
    if (monthDays === undefined) this.months.set(incident.month, monthDays = unixDaysOfMonth(incident.month));
    return { batchNo, monthDays, rowStart: encode ? encodeFields((out) => encodeRowStart(out, this.ids, batchNo, monthDays)) : undefined };
  }

  private whatOf(incident: ParsedIncident, encode: boolean): What {
    const category = this.mapCategory(incident.sourceCategory);
    return { category, columns: encode ? encodeFields((out) => encodeKindColumns(out, category.code, incident)) : undefined };
  }

  private whereOf(incident: ParsedIncident, encode: boolean): Where {
    const place = this.assigner.assign(incident.lon, incident.lat, incident.areaCode);
    return { place, columns: encode ? encodeFields((out) => encodePlaceColumns(out, incident, place)) : undefined };
  }
}

/**
 * How an upload's source categories map into the partnership taxonomy: the saved mapping,
 * then the mapping sent with the file, then its default; Other when none says.
 */
export function categoryMapper(kind: SourceKind, saved: Map<string, string>, taxonomy?: { default?: string | undefined; map?: Record<string, string> | undefined }): CategoryMapping {
  const istv = { code: ISTV_CATEGORY, mapped: true };
  if (kind === 'istv') return () => istv;
  const fromFile = new Map(Object.entries(taxonomy?.map ?? {}));
  // One answer per source category, made once: a file names few categories many times.
  const answers = new Map<string, CategoryAnswer>();
  return (sourceCategory) => {
    let answer = answers.get(sourceCategory);
    if (answer === undefined) {
      const code = saved.get(sourceCategory) ?? fromFile.get(sourceCategory) ?? taxonomy?.default;
      answer = code ? { code, mapped: true } : { code: FALLBACK_CATEGORY, mapped: false };
      if (answers.size < 10_000) answers.set(sourceCategory, answer);
    }
    return answer;
  };
}

/**
 * The attributes worth storing: what the row says that nothing else keeps. For police.uk
 * the force is in the batch key, "falls within" usually repeats it, and the LSOA name is
 * the name of the area the row was placed in; keeping them on every row cost a third of
 * the import's database time (BENCHMARKS.md). Most rows therefore store none.
 */
export function attributesJson(kind: SourceKind, incident: ParsedIncident, status: LocationStatus): string | null {
  const attributes = incident.attributes;
  if (kind === 'police-uk') return policeAttributesJson(attributes, status);
  let kept: Record<string, string> | null = null;
  for (const key in attributes) {
    const value = attributes[key];
    if (value != null) (kept ??= {})[key] = value;
  }
  return kept ? JSON.stringify(kept) : null;
}

/** A police.uk row's four attributes (police-uk.parser.ts), without what is kept elsewhere. */
function policeAttributesJson(attributes: ParsedIncident['attributes'], status: LocationStatus): string | null {
  const { reportedBy, fallsWithin, lsoaName, context } = attributes;
  const keepFallsWithin = fallsWithin != null && fallsWithin !== reportedBy;
  const keepLsoaName = lsoaName != null && status !== 'located';
  if (!keepFallsWithin && !keepLsoaName && context == null) return null;
  const kept: Record<string, string> = {};
  if (keepFallsWithin) kept.fallsWithin = fallsWithin;
  if (keepLsoaName) kept.lsoaName = lsoaName;
  if (context != null) kept.context = context;
  return JSON.stringify(kept);
}

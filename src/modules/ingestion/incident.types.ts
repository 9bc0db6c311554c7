/**
 * The shapes every feed parser produces. A parser turns one file (police.uk, ISTV, or a
 * generic incident list through a column mapping) into a stream of these; the import
 * service validates locations, assigns areas, and stores them.
 */

/** One incident as read from a depersonalised feed, before area assignment. */
export type ParsedIncident = {
  /** 1-based physical line number in the file (the header is line 1), or the sheet row for XLSX. */
  line: number;
  /** The source's own record id (police.uk Crime ID); null where the source has none (ASB). */
  sourceRef: string | null;
  /** Calendar month the incident happened in, 'YYYY-MM'. Always present. */
  month: string;
  /** Date and time to the minute where the source records it (ISTV, most council lists); null for police.uk. */
  occurredAt: Date | null;
  /** The category exactly as the source names it (police.uk Crime type, ISTV assault method...). */
  sourceCategory: string;
  /** Last outcome category or equivalent; null when absent. */
  outcome: string | null;
  /** Free-text location ("On or near Holborn", "outside Liquid nightclub"). */
  locationDesc: string | null;
  /** WGS84 longitude and latitude; both null when the row has no usable location. */
  lon: number | null;
  lat: number | null;
  /** An area code given in the row (LSOA 2011 or 2021), used when it is known to the partnership. */
  areaCode: string | null;
  /**
   * The batch this row belongs to: re-sending data replaces the whole batch.
   * police.uk: `<Reported by>|<Month>`; ISTV: `<site>|<period start>|<period end>`; generic: `<Month>`.
   */
  batchKey: string;
  /** Everything else worth keeping that is not personal (ISTV location type, police.uk context...). */
  attributes: Record<string, string | null>;
  /** Set by a parser whose rows repeat most of their values: see SharedParts. */
  shared?: SharedParts;
};

/**
 * The numbers of the parts of a row that many rows of the same file have in common, for
 * the import to work out what follows from each part once (BENCHMARKS.md, import of
 * police.uk files). A police.uk file repeats the same force and month on thousands of
 * rows, the same anonymised map point with its street and LSOA on hundreds, and the same
 * crime type and outcome on thousands. Within one file, rows with the same number for a
 * part have the same values in that part's fields:
 * - `when`: month, batchKey, the `reportedBy` and `fallsWithin` attributes;
 * - `what`: sourceCategory, outcome, the `context` attribute;
 * - `where`: lon, lat, locationDesc, areaCode, the `lsoaName` attribute.
 * Numbers count from 0 in the order the file first shows each part.
 */
export type SharedParts = { readonly when: number; readonly what: number; readonly where: number };

/** Why one row (or the whole file, line 0) was refused. Never carries the offending value when it may be personal. */
export type RowProblem = {
  line: number;
  field: string;
  reason: string;
};

/** What a parser yields per data row: a good incident, or the problems that refused it with the raw cells kept for quarantine. */
export type ParsedRow =
  | { kind: 'ok'; incident: ParsedIncident }
  | { kind: 'invalid'; line: number; problems: RowProblem[]; raw: Record<string, string> };

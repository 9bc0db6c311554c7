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
};

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

import type { Readable } from 'node:stream';
import type { SourceKind } from '../../db/schema.ts';
import type { ParsedRow } from './incident.types.ts';
import type { DecodeReport } from './parsers/decode.ts';
import { parseGenericIncidentBatches } from './parsers/generic.parser.ts';
import { DEFAULT_ISTV_LOCATION_TYPES, DEFAULT_ISTV_METHODS, parseIstvBatches } from './parsers/istv.parser.ts';
import { parsePoliceUkBatches } from './parsers/police-uk.parser.ts';
import { FileRefusedError } from './parsers/file-errors.ts';
import type { TSourceMapping } from './mapping.service.ts';

/** What a feed needs besides the bytes: the ISTV submission header, a generic list's mapping and format. */
export type FeedOptions = {
  fileName?: string;
  format?: 'csv' | 'xlsx';
  istv?: { periodStart: string; periodEnd: string; siteCode: string };
  mapping?: TSourceMapping;
};

export type FeedParser = {
  /** The rows in batches (those one chunk of input completes): a step of an async iterator per row would cost more than checking the row. */
  rows: AsyncIterable<ParsedRow[]>;
  /** The encoding the file was read in, once known (null for XLSX, which has none). */
  encoding: () => string | null;
};

/** Picks the parser for the kind of feed. */
export function openFeedParser(kind: SourceKind, input: Readable, feed: FeedOptions): FeedParser {
  const decoded: { report: DecodeReport | null } = { report: null };
  const onDecode = (report: DecodeReport) => { decoded.report = report; };
  const encoding = () => {
    const report = decoded.report;
    return report ? `${report.encoding}${report.bom ? ' (with byte order mark)' : ''}` : null;
  };
  switch (kind) {
    case 'police-uk':
      return { rows: parsePoliceUkBatches(input, { ...(feed.fileName ? { fileName: feed.fileName } : {}), onDecode }), encoding };
    case 'istv': {
      if (!feed.istv) throw new FileRefusedError('invalid-submission-header', 'An ISTV submission needs its header: reporting period start and end dates, and the site code.', [{ line: 0, field: 'submission header', reason: 'missing' }]);
      return { rows: parseIstvBatches(input, feed.istv, { methods: DEFAULT_ISTV_METHODS, locationTypes: DEFAULT_ISTV_LOCATION_TYPES, onDecode }), encoding };
    }
    case 'incidents': {
      if (!feed.mapping) throw new FileRefusedError('invalid-mapping', 'This incident list has no column mapping.', [{ line: 0, field: 'mapping', reason: 'missing' }]);
      return { rows: parseGenericIncidentBatches(input, feed.format ?? 'csv', feed.mapping, { onDecode }), encoding };
    }
  }
}

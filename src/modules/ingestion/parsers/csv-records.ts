import { decodeText, type ByteSource, type DecodeReport } from './decode.ts';
import { CsvScanError, CsvScanner, type ScannedLine } from './csv-scanner.ts';
import { FileRefusedError } from './file-errors.ts';

/** One CSV record with the physical line it starts on (the header is line 1). */
export type CsvRecord = { line: number; cells: string[] };
/** A record as its cells, or (a record without quotation marks, from readCsvLineBatches) as its line's text. */
export type CsvLine = CsvRecord | { line: number; cells: null; text: string };

export type CsvReadOptions = {
  /**
   * Longest record accepted, in bytes. Past this the file is refused rather than
   * buffered: an unclosed quote early in a 200 MB file would otherwise pull the rest of
   * the file into one field.
   */
  maxRecordBytes?: number;
  /** Called once the encoding is known, before the first record. */
  onDecode?: (report: DecodeReport) => void;
};

export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

/**
 * Streams CSV records with their true starting line number, in batches (the records one
 * input chunk completes), because an async generator step per record costs more than the
 * per-row validation does. Blank lines are skipped (but counted). Records may have any
 * number of cells; the caller compares them with the header. A syntax error refuses the
 * file after every record before it has been yielded, so the caller's report is complete.
 */
export function readCsvBatches(input: ByteSource, opts: CsvReadOptions = {}): AsyncGenerator<CsvRecord[]> {
  return readBatches(input, opts, false) as AsyncGenerator<CsvRecord[]>;
}

/**
 * The same, except that a record without a quotation mark comes as the text of its line
 * (cells null), for a parser that reads the cells in place (police-uk.parser.ts). The
 * header always comes as cells.
 */
export function readCsvLineBatches(input: ByteSource, opts: CsvReadOptions = {}): AsyncGenerator<CsvLine[]> {
  return readBatches(input, opts, true);
}

async function* readBatches(input: ByteSource, opts: CsvReadOptions, wholeLines: boolean): AsyncGenerator<CsvLine[]> {
  const decoded = await decodeText(input);
  opts.onDecode?.(decoded.report);
  const maxRecordBytes = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  // Characters stand in for bytes: exact enough for a guard against runaway records.
  const scanner = new CsvScanner(maxRecordBytes, { wholeLines });
  let header: string[] | null = null;
  const take = (scanned: ScannedLine[]): CsvLine[] => {
    const batch: CsvLine[] = [];
    for (let record of scanned) {
      if (record.cells === null ? isBlankText(record.text) : isBlank(record.cells)) continue;
      if (header === null) {
        if (record.cells === null) record = { line: record.line, cells: record.text.split(',') };
        header = record.cells;
      }
      batch.push(record);
    }
    return batch;
  };
  let done = false;
  try {
    for await (const chunk of decoded.chunks) {
      const scanned: ScannedLine[] = [];
      let failure: CsvScanError | null = null;
      try {
        scanner.push(chunk, scanned);
      } catch (error) {
        if (!(error instanceof CsvScanError)) throw error;
        failure = error;
      }
      const batch = take(scanned);
      if (batch.length > 0) yield batch;
      if (failure) throw refusalFor(failure, header, maxRecordBytes);
    }
    const last: ScannedLine[] = [];
    try {
      scanner.end(last);
    } catch (error) {
      if (!(error instanceof CsvScanError)) throw error;
      const batch = take(last);
      if (batch.length > 0) yield batch;
      throw refusalFor(error, header, maxRecordBytes);
    }
    const batch = take(last);
    if (batch.length > 0) yield batch;
    done = true;
  } finally {
    // Stopping early (a refusal, or the caller breaking off) closes the input.
    if (!done) await decoded.chunks.return?.(undefined);
  }
}

/** The same records one by one, for callers that do not need the speed. */
export async function* readCsvRecords(input: ByteSource, opts: CsvReadOptions = {}): AsyncGenerator<CsvRecord> {
  for await (const batch of readCsvBatches(input, opts)) yield* batch;
}

function isBlank(cells: string[]): boolean {
  return cells.length === 1 && cells[0]!.trim() === '';
}

function isBlankText(text: string): boolean {
  const first = text.charCodeAt(0);
  // A line that starts with a printable ASCII character, nearly every line, is not blank.
  if (first > 32 && first < 127) return false;
  return text.trim() === '';
}

function refusalFor(err: CsvScanError, header: string[] | null, maxRecordBytes: number): FileRefusedError {
  const { line, column } = err;
  const field =
    column === null ? '(row)' : header && header[column] !== undefined ? header[column]!.trim() || `column ${column + 1}` : `column ${column + 1}`;
  switch (err.code) {
    case 'quote-not-closed':
      return new FileRefusedError(
        'bad-quoting',
        `Line ${line}: a quotation mark opened on this line is never closed, so the rest of the file cannot be read. Check the quotation marks on line ${line}.`,
        [{ line, field, reason: 'quotation mark never closed' }],
      );
    case 'quote-in-value':
      return new FileRefusedError(
        'bad-quoting',
        `Line ${line}: a quotation mark appears in the middle of a value. Values containing quotation marks must be wrapped in quotation marks, with each inner quotation mark doubled ("").`,
        [{ line, field, reason: 'quotation mark in the middle of a value' }],
      );
    case 'text-after-quote':
      return new FileRefusedError(
        'bad-quoting',
        `Line ${line}: there is text straight after a closing quotation mark. Values containing quotation marks must be wrapped in quotation marks, with each inner quotation mark doubled ("").`,
        [{ line, field, reason: 'text after a closing quotation mark' }],
      );
    case 'record-too-long':
      return new FileRefusedError(
        'oversized-field',
        `Line ${line}: a row runs on for more than ${maxRecordBytes.toLocaleString('en-GB')} bytes. This usually means a quotation mark on or after line ${line} is never closed.`,
        [{ line, field, reason: `row longer than ${maxRecordBytes} bytes` }],
      );
    case 'nul-character':
      return new FileRefusedError(
        'unreadable',
        `Line ${line} contains a NUL character, which is binary data and not text. Save the file from your system as CSV (UTF-8) and upload it again.`,
        [{ line, field, reason: 'NUL character (binary data), not text' }],
      );
  }
}

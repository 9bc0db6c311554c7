/**
 * A strict RFC 4180 CSV scanner over decoded text chunks, written for speed: on a million
 * police.uk rows csv-parse took 9.8 s here, this about 1 s (see BENCHMARKS.md). Rows
 * without a quotation mark, nearly all real rows, are cut with indexOf and split; a row
 * with one goes through a small state machine with csv-parse's strict rules: a quoted
 * value must start its field, a quote inside it is doubled, and nothing but a comma or the
 * end of the row may follow its closing quote.
 *
 * Records separated by LF or CRLF are understood; a lone CR ends no record. Each record
 * carries the physical line it starts on, counting a CRLF inside a quoted value as one line.
 */

export type CsvScanErrorCode = 'quote-not-closed' | 'quote-in-value' | 'text-after-quote' | 'record-too-long' | 'nul-character';

export class CsvScanError extends Error {
  override readonly name = 'CsvScanError';
  readonly code: CsvScanErrorCode;
  /** Physical line the record starts on. */
  readonly line: number;
  /** 0-based index of the field at fault, or null for the record as a whole. */
  readonly column: number | null;

  constructor(code: CsvScanErrorCode, line: number, column: number | null) {
    super(`${code} at line ${line}`);
    this.code = code;
    this.line = line;
    this.column = column;
  }
}

export type ScannedRecord = { line: number; cells: string[] };
/**
 * In whole-lines mode a record with no quotation mark (nearly every row of a real file) is
 * handed over as its line's text, for a caller that reads its cells without cutting each
 * into a string of its own; a record with one is still cut into cells here.
 */
export type ScannedLine = ScannedRecord | { line: number; cells: null; text: string };

type Quoted = { cells: string[]; lineBreaks: number; next: number };

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

export class CsvScanner {
  private carry = '';
  private line = 1;
  private readonly maxRecordChars: number;
  private readonly wholeLines: boolean;

  constructor(maxRecordChars: number, options: { wholeLines?: boolean } = {}) {
    this.maxRecordChars = maxRecordChars;
    this.wholeLines = options.wholeLines ?? false;
  }

  /** Appends the records completed by this chunk to `out`; a partial record waits for the next. */
  push(chunk: string, out: ScannedLine[]): void {
    this.scan(this.carry.length === 0 ? chunk : this.carry + chunk, false, out);
  }

  /** The input has ended: the last record need not end with a line break. */
  end(out: ScannedLine[]): void {
    this.scan(this.carry, true, out);
  }

  private scan(text: string, final: boolean, out: ScannedLine[]): void {
    const length = text.length;
    // NUL is never text (the decoder refuses it at the start of a file), and PostgreSQL
    // cannot store it: refuse the file at the line it is on, before any record from there.
    const nul = text.indexOf('\u0000');
    if (nul !== -1) {
      let line = this.line;
      for (let i = text.indexOf('\n'); i !== -1 && i < nul; i = text.indexOf('\n', i + 1)) line++;
      throw new CsvScanError('nul-character', line, null);
    }
    let p = 0;
    let quoteAt = text.indexOf('"');
    while (p < length) {
      if (quoteAt !== -1 && quoteAt < p) quoteAt = text.indexOf('"', p);
      const newline = text.indexOf('\n', p);
      if (quoteAt === -1 || (newline !== -1 && quoteAt > newline)) {
        if (newline === -1 && !final) break;
        const end = newline === -1 ? length : newline;
        const stop = end > p && text.charCodeAt(end - 1) === CR ? end - 1 : end;
        out.push(this.wholeLines ? { line: this.line, cells: null, text: text.slice(p, stop) } : { line: this.line, cells: text.slice(p, stop).split(',') });
        this.line++;
        p = end + 1;
        continue;
      }
      const record = this.scanQuotedRecord(text, p, final);
      if (record === null) break;
      out.push({ line: this.line, cells: record.cells });
      this.line += 1 + record.lineBreaks;
      p = record.next;
    }
    this.carry = p >= length ? '' : text.slice(p);
    // A record that never ends is almost always an unclosed quote: refuse rather than
    // buffer the rest of a large file into one value.
    if (this.carry.length > this.maxRecordChars) throw new CsvScanError('record-too-long', this.line, null);
  }

  /** One record with at least one quotation mark; null when the text so far does not finish it. */
  private scanQuotedRecord(text: string, start: number, final: boolean): Quoted | null {
    const length = text.length;
    const cells: string[] = [];
    let lineBreaks = 0;
    let i = start;
    for (;;) {
      const column = cells.length;
      if (text.charCodeAt(i) === QUOTE) {
        let value = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q === -1) {
            if (final) throw new CsvScanError('quote-not-closed', this.line, column);
            return null;
          }
          if (q + 1 >= length && !final) return null;
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(from, q + 1);
            from = q + 2;
            continue;
          }
          value += text.slice(from, q);
          i = q + 1;
          break;
        }
        if (value.indexOf('\n') !== -1) for (let j = 0; j < value.length; j++) if (value.charCodeAt(j) === LF) lineBreaks++;
        cells.push(value);
        if (i >= length) return final ? { cells, lineBreaks, next: i } : null;
        const c = text.charCodeAt(i);
        if (c === COMMA) {
          i++;
          continue;
        }
        if (c === LF) return { cells, lineBreaks, next: i + 1 };
        if (c === CR) {
          if (i + 1 >= length) return final ? { cells, lineBreaks, next: i + 1 } : null;
          if (text.charCodeAt(i + 1) === LF) return { cells, lineBreaks, next: i + 2 };
        }
        throw new CsvScanError('text-after-quote', this.line, column);
      }
      const comma = text.indexOf(',', i);
      const newline = text.indexOf('\n', i);
      let end = comma !== -1 && (newline === -1 || comma < newline) ? comma : newline;
      if (end === -1) {
        if (!final) return null;
        end = length;
      }
      let value = text.slice(i, end);
      if (end !== comma && value.charCodeAt(value.length - 1) === CR) value = value.slice(0, -1);
      if (value.indexOf('"') !== -1) throw new CsvScanError('quote-in-value', this.line, column);
      cells.push(value);
      if (end === comma) {
        i = comma + 1;
        continue;
      }
      return { cells, lineBreaks, next: end === length ? length : end + 1 };
    }
  }
}

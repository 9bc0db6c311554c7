/**
 * Rows in PostgreSQL's binary COPY format (COPY ... FROM STDIN (FORMAT binary)), built
 * into blocks of bytes. The import sends incidents this way because PostgreSQL then stores
 * each typed value as it comes instead of parsing its text: numbers, dates and times cost it
 * nothing (BENCHMARKS.md). Each row is a field count and, per field, a length (-1 for NULL)
 * and the value's bytes in network order.
 */

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** 2000-01-01, PostgreSQL's epoch for dates and times, in Unix milliseconds. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const DAY_MS = 86_400_000;
/** Up to this length, text is encoded by the loop in text(); see there. */
const SHORT_TEXT = 24;

export class BinaryCopyWriter {
  private buffer: Buffer;
  private offset = 0;
  private readonly blockBytes: number;

  /** `header: false` writes fields only, to be copied into rows later with bytes(). */
  constructor(blockBytes = 256 * 1024, options: { header?: boolean } = {}) {
    this.blockBytes = blockBytes;
    this.buffer = Buffer.allocUnsafe(Math.max(blockBytes, 64));
    if (options.header === false) return;
    SIGNATURE.copy(this.buffer, 0);
    // Flags, then the length of the header extension: both zero.
    this.buffer.writeInt32BE(0, SIGNATURE.length);
    this.buffer.writeInt32BE(0, SIGNATURE.length + 4);
    this.offset = SIGNATURE.length + 8;
  }

  /** Fields encoded before by a writer made with `header: false`. */
  bytes(fields: Uint8Array): void {
    this.reserve(fields.length);
    this.buffer.set(fields, this.offset);
    this.offset += fields.length;
  }

  /** Bytes waiting to be taken. */
  get length(): number {
    return this.offset;
  }

  /** The bytes written so far; the writer starts a new block. */
  take(): Buffer {
    const block = this.buffer.subarray(0, this.offset);
    this.buffer = Buffer.allocUnsafe(Math.max(this.blockBytes, this.buffer.length));
    this.offset = 0;
    return block;
  }

  /** The end-of-data marker, after the last row. */
  end(): void {
    this.reserve(2);
    this.offset = this.buffer.writeInt16BE(-1, this.offset);
  }

  row(fields: number): void {
    this.reserve(2);
    this.offset = this.buffer.writeInt16BE(fields, this.offset);
  }

  null(): void {
    this.reserve(4);
    this.offset = this.buffer.writeInt32BE(-1, this.offset);
  }

  int4(value: number | null): void {
    if (value === null) return this.null();
    this.reserve(8);
    const b = this.buffer;
    const o = this.offset;
    // Byte by byte: Buffer's writeInt32BE checks its arguments on every call, and this runs
    // a dozen times per row.
    b[o] = 0;
    b[o + 1] = 0;
    b[o + 2] = 0;
    b[o + 3] = 4;
    b[o + 4] = value >>> 24;
    b[o + 5] = value >>> 16;
    b[o + 6] = value >>> 8;
    b[o + 7] = value;
    this.offset = o + 8;
  }

  int2(value: number | null): void {
    if (value === null) return this.null();
    this.reserve(6);
    this.offset = this.buffer.writeInt32BE(2, this.offset);
    this.offset = this.buffer.writeInt16BE(value, this.offset);
  }

  float8(value: number | null): void {
    if (value === null) return this.null();
    this.reserve(12);
    this.offset = this.buffer.writeInt32BE(8, this.offset);
    this.offset = this.buffer.writeDoubleBE(value, this.offset);
  }

  text(value: string | null): void {
    if (value === null) return this.null();
    // UTF-8 takes at most three bytes per UTF-16 code unit.
    this.reserve(4 + value.length * 3);
    const b = this.buffer;
    const start = this.offset + 4;
    let written = -1;
    // Short ASCII text, most values, is copied here: cheaper than a call into Buffer's
    // encoder. Longer text (a Crime ID is 64 characters) is cheaper in the encoder.
    if (value.length <= SHORT_TEXT) {
      let i = 0;
      for (; i < value.length; i++) {
        const c = value.charCodeAt(i);
        if (c >= 128) break;
        b[start + i] = c;
      }
      if (i === value.length) written = i;
    }
    if (written < 0) written = b.write(value, start, 'utf8');
    b.writeInt32BE(written, this.offset);
    this.offset = start + written;
  }

  /** jsonb's binary form: a version byte, then the JSON text. */
  jsonb(json: string | null): void {
    if (json === null) return this.null();
    this.reserve(5 + json.length * 3);
    const written = this.buffer.write(json, this.offset + 5, 'utf8');
    this.buffer.writeInt32BE(written + 1, this.offset);
    this.buffer[this.offset + 4] = 1;
    this.offset += 5 + written;
  }

  /** A date given as days since 1970-01-01. */
  date(unixDays: number | null): void {
    if (unixDays === null) return this.null();
    this.int4(unixDays - PG_EPOCH_MS / DAY_MS);
  }

  /** A timestamptz given as Unix milliseconds (whole milliseconds; PostgreSQL keeps microseconds). */
  timestamptz(unixMs: number | null): void {
    if (unixMs === null) return this.null();
    this.reserve(12);
    // Microseconds since 2000 as a 64-bit integer, in two halves (exact: well under 2^53).
    const micros = (unixMs - PG_EPOCH_MS) * 1000;
    const high = Math.floor(micros / 4_294_967_296);
    this.offset = this.buffer.writeInt32BE(8, this.offset);
    this.offset = this.buffer.writeInt32BE(high, this.offset);
    this.offset = this.buffer.writeUInt32BE(micros - high * 4_294_967_296, this.offset);
  }

  private reserve(bytes: number): void {
    if (this.offset + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.offset + bytes));
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
  }
}

/** Fields encoded once, to be copied into many rows with BinaryCopyWriter.bytes(). */
export function encodeFields(write: (out: BinaryCopyWriter) => void): Buffer {
  const out = new BinaryCopyWriter(64, { header: false });
  write(out);
  return Buffer.from(out.take());
}

/** Days since 1970-01-01 of the first day of a 'YYYY-MM' month. */
export function unixDaysOfMonth(month: string): number {
  return Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1) / DAY_MS;
}

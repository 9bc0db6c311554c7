import { isUtf8 } from 'node:buffer';
import { FileRefusedError } from './file-errors.ts';

/**
 * Turns an uploaded byte stream into text without ever holding the whole file.
 *
 * The encoding is decided once from a sample at the start (BOM, then "is this valid
 * UTF-8?"), because exports from council and NHS systems are usually either UTF-8 or
 * Windows "ANSI" (windows-1252, a superset of Latin-1). A file that starts as valid
 * UTF-8 but has a stray Latin-1 byte later on (a concatenated export, say) is not
 * refused: each invalid byte is read as windows-1252 and counted in `repairedBytes`.
 */

export type TextEncodingName = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

export type DecodeReport = {
  encoding: TextEncodingName;
  /** A byte order mark was present (and removed). */
  bom: boolean;
  /** UTF-8 files only: bytes after the sample that were not valid UTF-8 and were read as windows-1252. Grows as the stream is read. */
  repairedBytes: number;
};

/** Anything that yields byte chunks: a Node Readable, or an async iterable of Buffers (strings are taken as UTF-8). */
export type ByteSource = AsyncIterable<Buffer | Uint8Array | string>;

export type DecodeOptions = {
  /** How many bytes to look at before deciding the encoding (default 64 KiB). */
  sampleBytes?: number;
};

export type Decoded<T> = {
  report: DecodeReport;
  /** The decoded stream; ending it early (break / return) also closes the input. */
  chunks: AsyncIterableIterator<T>;
};

export const DEFAULT_SAMPLE_BYTES = 64 * 1024;

/** Decodes to JavaScript strings. */
export async function decodeText(input: ByteSource, opts: DecodeOptions = {}): Promise<Decoded<string>> {
  return openDecoded(input, opts, 'string');
}

/**
 * Decodes to UTF-8 Buffers. Valid UTF-8 input passes through untouched (no decode and
 * re-encode), which matters for csv-parse: it works on bytes, and a 200 MB police.uk
 * file would otherwise be converted twice.
 */
export async function decodeToUtf8(input: ByteSource, opts: DecodeOptions = {}): Promise<Decoded<Buffer>> {
  return openDecoded(input, opts, 'utf8');
}

type OutputMode = 'string' | 'utf8';
type Out<M extends OutputMode> = M extends 'string' ? string : Buffer;

async function openDecoded<M extends OutputMode>(
  input: ByteSource,
  opts: DecodeOptions,
  mode: M,
): Promise<Decoded<Out<M>>> {
  const sampleBytes = Math.max(4, opts.sampleBytes ?? DEFAULT_SAMPLE_BYTES);
  const source = input[Symbol.asyncIterator]();
  const close = async (): Promise<void> => {
    await source.return?.();
  };

  const parts: Buffer[] = [];
  let size = 0;
  let ended = false;
  try {
    while (size < sampleBytes) {
      const next = await source.next();
      if (next.done) {
        ended = true;
        break;
      }
      const buf = toBuffer(next.value);
      if (buf.length > 0) {
        parts.push(buf);
        size += buf.length;
      }
    }
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
  let sample = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);

  const report: DecodeReport = { encoding: 'utf-8', bom: false, repairedBytes: 0 };
  if (startsWith(sample, UTF8_BOM)) {
    report.bom = true;
    sample = sample.subarray(3);
  } else if (startsWith(sample, UTF16LE_BOM) || startsWith(sample, UTF16BE_BOM)) {
    report.bom = true;
    report.encoding = sample[0] === 0xff ? 'utf-16le' : 'utf-16be';
    sample = sample.subarray(2);
  } else if (startsWith(sample, ZIP_SIGNATURE)) {
    await close();
    throw new FileRefusedError(
      'unreadable',
      'This file is a compressed workbook or archive (for example an Excel .xlsx file), not a text file. Upload it as an Excel workbook, or save it as CSV first.',
      [{ line: 0, field: '(file)', reason: 'compressed workbook or archive, not text' }],
    );
  } else if (sample.indexOf(0) !== -1) {
    // NUL never appears in UTF-8 or windows-1252 text: this is binary or BOM-less UTF-16.
    await close();
    throw new FileRefusedError(
      'unreadable',
      'This file contains binary data and is not a text (CSV) file. Save it from your system as CSV (UTF-8) and upload it again.',
      [{ line: 0, field: '(file)', reason: 'binary data, not text' }],
    );
  } else if (!isUtf8(sample.subarray(0, ended ? sample.length : completeUtf8Length(sample)))) {
    report.encoding = 'windows-1252';
  }

  const body = decodeBody(sample, ended, source, report, mode as OutputMode) as AsyncGenerator<Out<M>>;
  let closed = false;
  const chunks: AsyncIterableIterator<Out<M>> = {
    next: () => body.next(),
    // A generator that was never started skips its `finally`, so closing the input is done here too.
    return: async (value?: unknown) => {
      const result = await body.return(value as Out<M>);
      if (!closed) {
        closed = true;
        await close();
      }
      return result;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return { report, chunks };
}

async function* decodeBody(
  sample: Buffer,
  ended: boolean,
  source: AsyncIterator<Buffer | Uint8Array | string>,
  report: DecodeReport,
  mode: OutputMode,
): AsyncGenerator<string | Buffer> {
  try {
    if (report.encoding === 'utf-8') {
      // Bytes of a character split across chunks wait here for the rest of it.
      const pending: { carry: Buffer | null } = { carry: null };
      const step = (chunk: Buffer, last: boolean): string | Buffer | null => {
        const buf: Buffer = pending.carry ? Buffer.concat([pending.carry, chunk]) : chunk;
        const end = last ? buf.length : completeUtf8Length(buf);
        pending.carry = end < buf.length ? Buffer.from(buf.subarray(end)) : null;
        if (end === 0) return null;
        const piece = end === buf.length ? buf : buf.subarray(0, end);
        if (isUtf8(piece)) return mode === 'string' ? piece.toString('utf8') : piece;
        const repaired = decodeUtf8Lenient(piece);
        report.repairedBytes += repaired.repairedBytes;
        return mode === 'string' ? repaired.text : Buffer.from(repaired.text, 'utf8');
      };
      const first = step(sample, ended);
      if (first !== null) yield first;
      if (ended) return;
      for (;;) {
        const next = await source.next();
        if (next.done) break;
        const out = step(toBuffer(next.value), false);
        if (out !== null) yield out;
      }
      if (pending.carry) {
        const out = step(Buffer.alloc(0), true);
        if (out !== null) yield out;
      }
      return;
    }

    if (report.encoding === 'windows-1252') {
      const emit = (buf: Buffer): string | Buffer => {
        const text = decodeWindows1252(buf);
        return mode === 'string' ? text : Buffer.from(text, 'utf8');
      };
      if (sample.length > 0) yield emit(sample);
      if (ended) return;
      for (;;) {
        const next = await source.next();
        if (next.done) break;
        const buf = toBuffer(next.value);
        if (buf.length > 0) yield emit(buf);
      }
      return;
    }

    // UTF-16 only arrives with a BOM (Excel's "Unicode text"); TextDecoder keeps split code units across chunks.
    const decoder = new TextDecoder(report.encoding);
    const emit = (text: string): string | Buffer => (mode === 'string' ? text : Buffer.from(text, 'utf8'));
    const firstText = decoder.decode(sample, { stream: !ended });
    if (firstText.length > 0) yield emit(firstText);
    if (!ended) {
      for (;;) {
        const next = await source.next();
        if (next.done) break;
        const text = decoder.decode(toBuffer(next.value), { stream: true });
        if (text.length > 0) yield emit(text);
      }
      const tail = decoder.decode();
      if (tail.length > 0) yield emit(tail);
    }
  } finally {
    await source.return?.();
  }
}

function toBuffer(chunk: Buffer | Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const UTF16LE_BOM = Buffer.from([0xff, 0xfe]);
const UTF16BE_BOM = Buffer.from([0xfe, 0xff]);
const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

function startsWith(buf: Buffer, prefix: Buffer): boolean {
  return buf.length >= prefix.length && buf.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

/**
 * Length of the longest prefix that does not end inside a multi-byte UTF-8 sequence, so
 * a character split across two chunks is validated and decoded whole.
 */
export function completeUtf8Length(buf: Buffer): number {
  const len = buf.length;
  let i = len - 1;
  const stop = Math.max(0, len - 4);
  while (i >= stop && (buf[i]! & 0xc0) === 0x80) i--;
  if (i < stop || i < 0) return len;
  const lead = buf[i]!;
  const need = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xc2 && lead <= 0xdf ? 2 : 1;
  return len - i < need ? i : len;
}

/** windows-1252 differs from Latin-1 only in 0x80–0x9F (€, curly quotes, dashes...); five of those bytes are undefined and stay as C1 controls, as browsers do. */
const CP1252_C1 = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d,
  0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0x009d, 0x017e, 0x0178,
].map((code) => String.fromCharCode(code));
const C1_TEST = /[\u0080-\u009f]/;
const C1_ALL = /[\u0080-\u009f]/g;
const fromC1 = (ch: string): string => CP1252_C1[ch.charCodeAt(0) - 0x80]!;

/** Node's own TextDecoder('windows-1252') maps 0x80 to U+0080 rather than €, so the table is ours. */
export function decodeWindows1252(buf: Buffer): string {
  const latin1 = buf.toString('latin1');
  return C1_TEST.test(latin1) ? latin1.replace(C1_ALL, fromC1) : latin1;
}

function windows1252Char(byte: number): string {
  return byte >= 0x80 && byte <= 0x9f ? CP1252_C1[byte - 0x80]! : String.fromCharCode(byte);
}

/** Length of the well-formed UTF-8 sequence starting at i, or 0 if the byte there cannot start one. */
function utf8SequenceLength(buf: Buffer, i: number): number {
  const b = buf[i]!;
  const n = buf.length;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < n && buf[i + k]! >= lo && buf[i + k]! <= hi;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (b === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b >= 0xe1 && b <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b >= 0xf1 && b <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** UTF-8 where possible, windows-1252 for each byte that is not part of a well-formed sequence. */
export function decodeUtf8Lenient(buf: Buffer): { text: string; repairedBytes: number } {
  let text = '';
  let runStart = 0;
  let repairedBytes = 0;
  let i = 0;
  while (i < buf.length) {
    if (buf[i]! < 0x80) {
      i++;
      continue;
    }
    const len = utf8SequenceLength(buf, i);
    if (len > 0) {
      i += len;
      continue;
    }
    text += buf.toString('utf8', runStart, i) + windows1252Char(buf[i]!);
    repairedBytes++;
    i++;
    runStart = i;
  }
  text += buf.toString('utf8', runStart, buf.length);
  return { text, repairedBytes };
}

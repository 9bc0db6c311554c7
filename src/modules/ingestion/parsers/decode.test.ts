import { describe, it, expect } from 'vitest';
import { Readable } from 'node:stream';
import {
  completeUtf8Length,
  decodeText,
  decodeToUtf8,
  decodeUtf8Lenient,
  decodeWindows1252,
  type ByteSource,
} from './decode.ts';
import { FileRefusedError } from './file-errors.ts';

async function textOf(input: ByteSource, sampleBytes?: number) {
  const decoded = await decodeText(input, sampleBytes === undefined ? {} : { sampleBytes });
  let text = '';
  for await (const chunk of decoded.chunks) text += chunk;
  return { text, report: decoded.report };
}

/** One chunk per byte: the harshest split a stream can produce. */
function byteByByte(buf: Buffer): Readable {
  return Readable.from((function* () {
    for (const b of buf) yield Buffer.from([b]);
  })());
}

describe('decodeText', () => {
  it('reads plain UTF-8', async () => {
    const { text, report } = await textOf(Readable.from([Buffer.from('a,b\nCafé,£5\n')]));
    expect(text).toBe('a,b\nCafé,£5\n');
    expect(report).toEqual({ encoding: 'utf-8', bom: false, repairedBytes: 0 });
  });

  it('strips a UTF-8 byte order mark', async () => {
    const { text, report } = await textOf(Readable.from([Buffer.from('\uFEFFCrime ID,Month\n')]));
    expect(text).toBe('Crime ID,Month\n');
    expect(report.bom).toBe(true);
    expect(report.encoding).toBe('utf-8');
  });

  it('falls back to windows-1252 when the sample is not valid UTF-8', async () => {
    const latin1 = Buffer.from([...Buffer.from('On or near Caf'), 0xe9, ...Buffer.from(' Rouge, '), 0xa3, ...Buffer.from('5 '), 0x80, 0x93, 0x94, 0x96]);
    const { text, report } = await textOf(Readable.from([latin1]));
    expect(text).toBe('On or near Café Rouge, £5 €\u201c\u201d\u2013');
    expect(report.encoding).toBe('windows-1252');
  });

  it('keeps a character split across chunks whole', async () => {
    const { text, report } = await textOf(byteByByte(Buffer.from('é£€😀 done')), 4);
    expect(text).toBe('é£€😀 done');
    expect(report.repairedBytes).toBe(0);
  });

  it('repairs a stray Latin-1 byte after a valid UTF-8 sample, byte by byte', async () => {
    const body = Buffer.concat([Buffer.from('x'.repeat(100) + ' café '), Buffer.from([0xe9, 0x20, 0xa3]), Buffer.from(' £')]);
    const { text, report } = await textOf(byteByByte(body), 16);
    expect(report.encoding).toBe('utf-8');
    expect(report.repairedBytes).toBe(2);
    expect(text).toBe('x'.repeat(100) + ' café é £ £');
  });

  it('reads an incomplete sequence at the very end as windows-1252', async () => {
    const { text, report } = await textOf(Readable.from([Buffer.from('abc'), Buffer.from([0xc3])]), 3);
    expect(text).toBe('abcÃ');
    expect(report.repairedBytes).toBe(1);
  });

  it('reads UTF-16 with a byte order mark', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Month,é\n', 'utf16le')]);
    const { text, report } = await textOf(byteByByte(le), 3);
    expect(text).toBe('Month,é\n');
    expect(report).toMatchObject({ encoding: 'utf-16le', bom: true });
  });

  it('handles an empty stream', async () => {
    const { text, report } = await textOf(Readable.from([]));
    expect(text).toBe('');
    expect(report.encoding).toBe('utf-8');
  });

  it('refuses a zipped workbook and binary data, closing the input', async () => {
    const zip = Readable.from([Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])]);
    await expect(decodeText(zip)).rejects.toMatchObject({ code: 'unreadable' });
    expect(zip.destroyed).toBe(true);
    const binary = Readable.from([Buffer.from([0x41, 0x00, 0x42])]);
    const err = await decodeText(binary).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileRefusedError);
    expect((err as FileRefusedError).code).toBe('unreadable');
  });

  it('streams: holds no more than a chunk or two of a large input, and closes the input when the reader stops', async () => {
    const chunk = Buffer.from('On or near Holborn,'.repeat(3449) + '\n'); // ~64 KiB
    let produced = 0;
    const input = Readable.from((function* () {
      for (let i = 0; i < 3200; i++) {
        produced++;
        yield chunk; // 200 MB in total if read to the end
      }
    })());
    const decoded = await decodeText(input);
    let seen = 0;
    let largest = 0;
    for await (const text of decoded.chunks) {
      largest = Math.max(largest, text.length);
      if (++seen === 5) break;
    }
    expect(largest).toBeLessThanOrEqual(2 * chunk.length);
    expect(produced).toBeLessThan(40);
    expect(input.destroyed).toBe(true);
  });

  it('closes the input even when the decoded stream is abandoned before it starts', async () => {
    const input = Readable.from([Buffer.from('a'.repeat(10)), Buffer.from('b')]);
    const decoded = await decodeText(input, { sampleBytes: 4 });
    await decoded.chunks.return?.();
    expect(input.destroyed).toBe(true);
  });
});

describe('decodeToUtf8', () => {
  it('passes valid UTF-8 through untouched', async () => {
    const original = Buffer.from('Crime ID,Month\n');
    const decoded = await decodeToUtf8(Readable.from([original]));
    const out: Buffer[] = [];
    for await (const b of decoded.chunks) out.push(b);
    expect(out).toHaveLength(1);
    expect(out[0]).toBe(original);
  });

  it('re-encodes windows-1252 as UTF-8', async () => {
    const decoded = await decodeToUtf8(Readable.from([Buffer.from([0x43, 0x61, 0x66, 0xe9])]));
    const out: Buffer[] = [];
    for await (const b of decoded.chunks) out.push(b);
    expect(Buffer.concat(out).toString('utf8')).toBe('Café');
    expect(decoded.report.encoding).toBe('windows-1252');
  });
});

describe('helpers', () => {
  it('completeUtf8Length stops before a split character', () => {
    expect(completeUtf8Length(Buffer.from('abc'))).toBe(3);
    expect(completeUtf8Length(Buffer.from([0x61, 0xc3]))).toBe(1);
    expect(completeUtf8Length(Buffer.from([0x61, 0xe2, 0x82]))).toBe(1);
    expect(completeUtf8Length(Buffer.from([0x61, 0xe2, 0x82, 0xac]))).toBe(4);
    expect(completeUtf8Length(Buffer.from([0xf0, 0x9f, 0x98]))).toBe(0);
    expect(completeUtf8Length(Buffer.alloc(0))).toBe(0);
  });

  it('decodeWindows1252 maps 0x80–0x9F as windows-1252, not as C1 controls', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const text = decodeWindows1252(all);
    expect(text).toHaveLength(256);
    expect(text[0x80]).toBe('€');
    expect(text[0x85]).toBe('…');
    expect(text[0x92]).toBe('\u2019');
    expect(text[0x9f]).toBe('Ÿ');
    expect(text[0x81]).toBe('\u0081');
    expect(text[0xa3]).toBe('£');
    expect(text[0xe9]).toBe('é');
    expect(text.slice(0, 128)).toBe(all.subarray(0, 128).toString('latin1'));
  });

  it('decodeUtf8Lenient keeps valid sequences and repairs the rest', () => {
    const mixed = Buffer.concat([Buffer.from('é'), Buffer.from([0xe9]), Buffer.from('€'), Buffer.from([0xed, 0xa0, 0x80])]);
    const { text, repairedBytes } = decodeUtf8Lenient(mixed);
    // An encoded surrogate (ED A0 80) is not well-formed UTF-8: three repaired bytes.
    expect(text).toBe('éé€í\u00a0€');
    expect(repairedBytes).toBe(4);
  });
});

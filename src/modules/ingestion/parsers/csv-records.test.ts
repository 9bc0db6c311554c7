import { describe, it, expect } from 'vitest';
import { Readable } from 'node:stream';
import { readCsvBatches, readCsvRecords, type CsvRecord } from './csv-records.ts';
import { FileRefusedError } from './file-errors.ts';

async function records(text: string | Buffer, chunkSize = 0): Promise<Array<[number, string[]]>> {
  const buf = typeof text === 'string' ? Buffer.from(text) : text;
  const chunks: Buffer[] = [];
  if (chunkSize > 0) for (let i = 0; i < buf.length; i += chunkSize) chunks.push(buf.subarray(i, i + chunkSize));
  else chunks.push(buf);
  const out: Array<[number, string[]]> = [];
  for await (const r of readCsvRecords(Readable.from(chunks))) out.push([r.line, r.cells]);
  return out;
}

async function refusal(text: string): Promise<FileRefusedError> {
  try {
    await records(text);
  } catch (err) {
    if (err instanceof FileRefusedError) return err;
    throw err;
  }
  throw new Error('expected the file to be refused');
}

describe('readCsvRecords', () => {
  it('numbers records by the physical line they start on, across quoted newlines and blank lines', async () => {
    expect(await records('a,b\n1,2\n"x\ny",3\n\n4,5\n')).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
      [3, ['x\ny', '3']],
      [6, ['4', '5']],
    ]);
  });

  it('counts CRLF inside a quoted field as one line (csv-parse info.lines counts two)', async () => {
    expect(await records('a,b\r\n1,2\r\n"x\r\ny\r\nz",3\r\n4,5\r\n')).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
      [3, ['x\r\ny\r\nz', '3']],
      [6, ['4', '5']],
    ]);
  });

  it('gives the same lines whatever the chunking', async () => {
    const text = 'a,b\r\n"multi\r\nline",2\r\n\r\n"q ""x""",3\r\n';
    const whole = await records(text);
    expect(await records(text, 1)).toEqual(whole);
    expect(await records(text, 3)).toEqual(whole);
    expect(whole.map(([line]) => line)).toEqual([1, 2, 5]);
  });

  it('keeps rows with too few or too many cells for the caller to judge', async () => {
    expect(await records('a,b,c\n1,2\n1,2,3,4\n')).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['1', '2']],
      [3, ['1', '2', '3', '4']],
    ]);
  });

  it('yields nothing for an empty file', async () => {
    expect(await records('')).toEqual([]);
    expect(await records('\n\n')).toEqual([]);
  });

  it('batches records', async () => {
    const text = 'h\n' + Array.from({ length: 1000 }, (_, i) => `r${i}`).join('\n');
    const batches: CsvRecord[][] = [];
    for await (const b of readCsvBatches(Readable.from([Buffer.from(text)]))) batches.push(b);
    expect(batches.length).toBeLessThan(1001);
    expect(batches.flat().at(-1)).toEqual({ line: 1001, cells: ['r999'] });
  });
});

describe('CSV syntax errors', () => {
  it('refuses an unclosed quote at the line it opened on', async () => {
    const err = await refusal('a,b\n1,2\n"x,3\n4,5\n6,7\n');
    expect(err.code).toBe('bad-quoting');
    expect(err.problems).toEqual([{ line: 3, field: 'a', reason: 'quotation mark never closed' }]);
    expect(err.message).toMatch(/^Line 3:/);
  });

  it('finds the line even after a multi-line record and many buffered records', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i},"v${i}"`).join('\r\n');
    const err = await refusal(`a,b\r\n"x\r\ny",1\r\n${rows}\r\n9,"open\r\n1,2\r\n`);
    expect(err.problems[0]).toEqual({ line: 5004, field: 'b', reason: 'quotation mark never closed' });
  });

  it('refuses a quote in the middle of a value and text after a closing quote', async () => {
    expect((await refusal('a,b\n1,2\nx"y,3\n')).problems).toEqual([{ line: 3, field: 'a', reason: 'quotation mark in the middle of a value' }]);
    expect((await refusal('a,b\n1,2\n1,"x"y\n')).problems).toEqual([{ line: 3, field: 'b', reason: 'text after a closing quotation mark' }]);
  });

  it('refuses a runaway record rather than buffering the rest of the file', async () => {
    const text = 'a,b\n1,"' + 'x'.repeat(200) + '\n' + 'y,z\n'.repeat(100);
    let err: unknown;
    try {
      for await (const _ of readCsvRecords(Readable.from([Buffer.from(text)]), { maxRecordBytes: 100 })) {
        // read on
      }
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FileRefusedError);
    expect((err as FileRefusedError).code).toBe('oversized-field');
    expect((err as FileRefusedError).problems[0]!.line).toBe(2);
  });

  it('passes on a failure of the upload stream itself', async () => {
    const input = new Readable({ read() {} });
    input.push(Buffer.from('a,b\n'.repeat(20000)));
    setTimeout(() => input.destroy(new Error('connection reset')), 10);
    await expect(async () => {
      for await (const _ of readCsvRecords(input)) {
        // read on
      }
    }).rejects.toThrow('connection reset');
  });
});

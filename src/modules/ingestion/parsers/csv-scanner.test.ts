import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { CsvScanError, CsvScanner, type ScannedRecord } from './csv-scanner.ts';

function scan(text: string, chunkSizes: number[] = [text.length || 1]): ScannedRecord[] {
  const scanner = new CsvScanner(1 << 20);
  const out: ScannedRecord[] = [];
  let p = 0;
  let k = 0;
  while (p < text.length) {
    const size = chunkSizes[k++ % chunkSizes.length]!;
    scanner.push(text.slice(p, p + size), out);
    p += size;
  }
  scanner.end(out);
  return out;
}

/** A small seeded generator of awkward but valid CSV: quotes, doubled quotes, commas and line breaks in values, CRLF. */
function awkwardCsv(seed: number): string {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pieces = ['a', 'On or near High Street', '', ' ', '-0.1', 'Café £1', 'x,y', 'say "hi"', 'line\nbreak', 'crlf\r\nbreak'];
  const rows: string[] = [];
  const eol = next() < 0.5 ? '\n' : '\r\n';
  for (let r = 0; r < 40; r++) {
    const cells: string[] = [];
    for (let c = 0; c < 4; c++) {
      const v = pieces[Math.floor(next() * pieces.length)]!;
      const mustQuote = /[",\r\n]/.test(v);
      cells.push(mustQuote || next() < 0.2 ? `"${v.replace(/"/g, '""')}"` : v);
    }
    rows.push(cells.join(','));
  }
  return rows.join(eol) + (next() < 0.5 ? eol : '');
}

describe('CsvScanner', () => {
  it('reads the same records as csv-parse, however the text is cut into chunks', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const text = awkwardCsv(seed);
      const reference = parse(text, { relax_column_count: true, skip_empty_lines: false }) as string[][];
      for (const sizes of [[text.length], [1], [2, 3, 5], [7], [64]]) {
        expect(scan(text, sizes).map((r) => r.cells), `seed ${seed}, chunks ${sizes.join('/')}`).toEqual(reference);
      }
    }
  });

  it('numbers each record by the line it starts on', () => {
    const records = scan('h1,h2\r\n"a\r\nb",1\r\n\r\nc,"d\ne"\nf,g');
    expect(records.map((r) => [r.line, r.cells])).toEqual([[1, ['h1', 'h2']], [2, ['a\r\nb', '1']], [4, ['']], [5, ['c', 'd\ne']], [7, ['f', 'g']]]);
  });

  it('keeps an empty last field and a row with no line break at the end', () => {
    expect(scan('a,b,\n1,,').map((r) => r.cells)).toEqual([['a', 'b', ''], ['1', '', '']]);
  });

  it('reports the strict errors with line and field', () => {
    const error = (text: string) => { try { scan(text, [3]); } catch (e) { return e as CsvScanError; } throw new Error('no error'); };
    expect(error('a,b\n1,"open\n2,3\n')).toMatchObject({ code: 'quote-not-closed', line: 2, column: 1 });
    expect(error('a,b\nx"y,1\n')).toMatchObject({ code: 'quote-in-value', line: 2, column: 0 });
    expect(error('a,b\n1,"x"y\n')).toMatchObject({ code: 'text-after-quote', line: 2, column: 1 });
  });

  it('refuses a record that outgrows the limit instead of buffering it', () => {
    const scanner = new CsvScanner(50);
    const out: ScannedRecord[] = [];
    scanner.push('a,b\n1,"', out);
    expect(() => scanner.push('x'.repeat(60), out)).toThrow(CsvScanError);
    expect(out.map((r) => r.cells)).toEqual([['a', 'b']]);
  });

  it('refuses a NUL character at the line it is on, however the text is cut, yielding nothing from that chunk', () => {
    const text = 'a,b\nc,d\ne,f\u0000g\nh,i\n';
    for (const sizes of [[text.length], [3], [5, 1]]) {
      let error: unknown;
      try {
        scan(text, sizes);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CsvScanError);
      expect((error as CsvScanError).code).toBe('nul-character');
      expect((error as CsvScanError).line).toBe(3);
    }
  });
});

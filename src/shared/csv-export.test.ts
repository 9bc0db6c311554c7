import { describe, expect, it } from 'vitest';
import { csvCell, csvRows } from './csv-export.ts';

describe('CSV for spreadsheets', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("http://x","click")')).toBe('"\'=HYPERLINK(""http://x"",""click"")"');
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-0.1)).toBe('-0.1');
    expect(csvCell(null)).toBe('');
  });

  it('writes a header and rows with CRLF line ends', () => {
    expect(csvRows(['line', 'field'], [[2, 'Month'], [3, 'Location']])).toBe('line,field\r\n2,Month\r\n3,Location\r\n');
  });
});

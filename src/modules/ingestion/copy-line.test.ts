import { describe, expect, it } from 'vitest';
import { copyLine, copyValue } from './copy-line.ts';

describe('COPY text encoding', () => {
  it('writes NULL as \\N and escapes the characters COPY treats specially', () => {
    expect(copyValue(null)).toBe('\\N');
    expect(copyValue(undefined)).toBe('\\N');
    expect(copyValue(Number.NaN)).toBe('\\N');
    expect(copyValue('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(copyValue('On or near Holborn')).toBe('On or near Holborn');
  });

  it('joins a row with tabs and ends it with a newline', () => {
    expect(copyLine([1, 'x', null, -0.1])).toBe('1\tx\t\\N\t-0.1\n');
  });
});

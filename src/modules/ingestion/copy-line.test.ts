import { describe, expect, it } from 'vitest';
import { copyValue } from './copy-line.ts';

describe('COPY text encoding', () => {
  it('writes NULL as \\N and escapes the characters COPY treats specially', () => {
    expect(copyValue(null)).toBe('\\N');
    expect(copyValue(undefined)).toBe('\\N');
    expect(copyValue(Number.NaN)).toBe('\\N');
    expect(copyValue('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(copyValue('On or near Holborn')).toBe('On or near Holborn');
    expect(copyValue(-0.1)).toBe('-0.1');
    expect(copyValue('{"a":"x\\ty"}')).toBe('{"a":"x\\\\ty"}');
  });
});

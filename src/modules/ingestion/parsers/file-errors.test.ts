import { describe, it, expect } from 'vitest';
import { FileRefusedError, isFileRefusedError, listInEnglish } from './file-errors.ts';

describe('FileRefusedError', () => {
  it('carries a code, a plain-English message and the problems', () => {
    const err = new FileRefusedError('missing-columns', 'The file is missing the police.uk column: Month.', [
      { line: 0, field: 'Month', reason: 'column missing' },
    ]);
    expect(err).toBeInstanceOf(Error);
    expect(isFileRefusedError(err)).toBe(true);
    expect(isFileRefusedError(new Error('x'))).toBe(false);
    expect(err.name).toBe('FileRefusedError');
    expect(err.code).toBe('missing-columns');
    expect(err.message).toBe('The file is missing the police.uk column: Month.');
    expect(err.problems).toEqual([{ line: 0, field: 'Month', reason: 'column missing' }]);
    expect(new FileRefusedError('empty-file', 'Empty.').problems).toEqual([]);
  });

  it('lists columns in English', () => {
    expect(listInEnglish([])).toBe('');
    expect(listInEnglish(['Month'])).toBe('Month');
    expect(listInEnglish(['Month', 'Crime type'])).toBe('Month and Crime type');
    expect(listInEnglish(['A', 'B', 'C'])).toBe('A, B and C');
  });
});

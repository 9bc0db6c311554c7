import { describe, expect, it } from 'vitest';
import { suppressGroup } from './suppression.ts';

const shown = (cells: ReturnType<typeof suppressGroup>) => cells.map((c) => (c.suppressed ? `*${c.reason![0]}` : c.value));

describe('small-number suppression (threshold 5: counts 1 to 4 hidden)', () => {
  it('shows a group with no small counts as it is, zeros included', () => {
    expect(shown(suppressGroup([12, 0, 7, 30], 5))).toEqual([12, 0, 7, 30]);
  });

  it('hides every count from 1 to 4 and nothing at 5', () => {
    expect(shown(suppressGroup([1, 4, 5, 2, 9], 5))).toEqual(['*p', '*p', 5, '*p', 9]);
  });

  it('hides the smallest other non-zero count when only one is hidden, so the total gives nothing away', () => {
    // Total 60 published: with only the 3 hidden, 60 − 12 − 0 − 45 = 3 would recover it.
    expect(shown(suppressGroup([12, 3, 0, 45], 5))).toEqual(['*s', '*p', 0, 45]);
  });

  it('needs no secondary suppression when two or more are already hidden', () => {
    expect(shown(suppressGroup([2, 3, 40], 5))).toEqual(['*p', '*p', 40]);
  });

  it('honours a partnership threshold other than 5', () => {
    expect(shown(suppressGroup([9, 10, 11, 50], 10))).toEqual(['*p', '*s', 11, 50]);
  });
});

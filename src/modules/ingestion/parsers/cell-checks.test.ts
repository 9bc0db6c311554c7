import { describe, it, expect } from 'vitest';
import { REASONS, LSOA_CODE, cellProblem, checkLonLat, looksLikeFormula, normaliseHeader, parseDecimal, trimCell } from './cell-checks.ts';

describe('looksLikeFormula', () => {
  it.each([
    '=HYPERLINK("http://x","click")',
    '=cmd|\' /C calc\'!A0',
    '=1+1',
    '@SUM(A1:A2)',
    '+A1',
    '-A1',
    '+$B$12',
    '-2+3+cmd|\' /C calc\'!A0',
    '@cmd|x',
    '+=1',
    '\t=1+1',
    '- SUM(A1)',
  ])('flags %s', (value) => {
    expect(looksLikeFormula(value)).toBe(true);
    expect(cellProblem(value)).toBe(REASONS.formula);
  });

  it.each([
    '-0.1',
    '-0.107682',
    '+44',
    '-',
    '--',
    '=',
    '-5.5e',
    'On or near =',
    'Anti-social behaviour',
    '@',
    '@home',
    '+44 20 7946 0000',
    '- see notes',
    '',
  ])('does not flag %s', (value) => {
    expect(looksLikeFormula(value)).toBe(false);
  });

  it('looks only at the start of a long cell', () => {
    const long = '-' + 'a'.repeat(100_000);
    const t = performance.now();
    expect(looksLikeFormula(long)).toBe(false);
    expect(performance.now() - t).toBeLessThan(200);
  });
});

describe('cellProblem', () => {
  it('refuses fields longer than 1000 characters', () => {
    expect(cellProblem('x'.repeat(1000))).toBeNull();
    expect(cellProblem('x'.repeat(1001))).toBe('field longer than 1000 characters');
  });
});

describe('parseDecimal', () => {
  it('reads plain decimals only', () => {
    expect(parseDecimal('-0.107682')).toBe(-0.107682);
    expect(parseDecimal('51.5')).toBe(51.5);
    expect(parseDecimal('+1')).toBe(1);
    expect(parseDecimal('.5')).toBe(0.5);
    for (const bad of ['', '-', '.', '0x1F', '1e3', 'Infinity', ' 1', '1.2.3', 'NaN']) {
      expect(parseDecimal(bad), bad).toBeNaN();
    }
  });
});

describe('checkLonLat', () => {
  it('accepts both empty as no location', () => {
    expect(checkLonLat('', '')).toEqual({ ok: true, lon: null, lat: null });
  });
  it('accepts points in the UK, including the edges of the box', () => {
    expect(checkLonLat('-0.107682', '51.517786')).toEqual({ ok: true, lon: -0.107682, lat: 51.517786 });
    expect(checkLonLat('-8.7', '60.9')).toMatchObject({ ok: true });
  });
  it('names the coordinate that is outside the UK', () => {
    expect(checkLonLat('2.3522', '48.8566')).toEqual({
      ok: false,
      problems: [
        { which: 'lon', reason: 'coordinates outside the UK' },
        { which: 'lat', reason: 'coordinates outside the UK' },
      ],
    });
    expect(checkLonLat('-74.006', '51.5')).toEqual({ ok: false, problems: [{ which: 'lon', reason: 'coordinates outside the UK' }] });
  });
  it('refuses half a location and non-numbers', () => {
    expect(checkLonLat('-0.1', '')).toEqual({ ok: false, problems: [{ which: 'lat', reason: REASONS.halfCoordinate }] });
    expect(checkLonLat('west', '51.5')).toEqual({ ok: false, problems: [{ which: 'lon', reason: 'not a number' }] });
  });
});

describe('small helpers', () => {
  it('LSOA_CODE accepts 2011 and 2021 codes, including beyond E0100xxxx', () => {
    for (const code of ['E01000917', 'E01032739', 'E01035716', 'W01000001']) expect(LSOA_CODE.test(code), code).toBe(true);
    for (const code of ['E02000001', 'E0100091', 'S01000001', 'e01000917', '']) expect(LSOA_CODE.test(code), code).toBe(false);
  });
  it('trimCell trims only padded values', () => {
    const plain = 'Holborn';
    expect(trimCell(plain)).toBe(plain);
    expect(trimCell('  Holborn\t')).toBe('Holborn');
    expect(trimCell('\u00a0x')).toBe('x');
  });
  it('normaliseHeader forgives case, spacing, underscores and a BOM', () => {
    expect(normaliseHeader('\uFEFF Crime_ID ')).toBe('crime id');
    expect(normaliseHeader('LSOA  code')).toBe('lsoa code');
  });
});

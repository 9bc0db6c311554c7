import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { parseFamilyFile } from './family-csv.ts';
import { DEMO_COMPARATOR_NAMES, demoFinancialYears, generateDemoFamily } from './demo-family.generator.ts';
import { NO_CHARACTERISTICS } from './similarity.ts';

const own = { code: 'E09990001', name: 'Kingsbridge (synthetic)', characteristics: { ...NO_CHARACTERISTICS, population: 175_000, areaKm2: 30, density: 175_000 / 30, deprivedShare: 0.22, imdMeanRank: 13_000, aged0to15: 0.19, aged16to29: 0.21, aged65plus: 0.15 } };
const months = Array.from({ length: 24 }, (_, i) => { const m = 2023 * 12 + 5 + i; return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`; });

describe('the demo partnership\'s synthetic family', () => {
  it('covers the financial years the demo\'s months end in, and three before', () => {
    expect(months[0]).toBe('2023-06');
    expect(months[23]).toBe('2025-05');
    expect(demoFinancialYears(months, 3).map((p) => `${p.from}..${p.to}`)).toEqual([
      '2020-04..2021-03', '2021-04..2022-03', '2022-04..2023-03', '2023-04..2024-03', '2024-04..2025-03',
    ]);
  });

  it('is the same for the same seed and different for another', () => {
    const a = generateDemoFamily({ seed: 7, months, own });
    expect(generateDemoFamily({ seed: 7, months, own }).figuresCsv).toBe(a.figuresCsv);
    expect(generateDemoFamily({ seed: 8, months, own }).figuresCsv).not.toBe(a.figuresCsv);
  });

  it('writes fifteen labelled comparators and every indicator for each comparator and year, in files the loader accepts', async () => {
    const family = generateDemoFamily({ seed: 20261122, months, own });
    expect(family.characteristics.map((c) => c.areaName)).toEqual(DEMO_COMPARATOR_NAMES.map((n) => `${n} (synthetic)`));
    // Fifteen comparators, four indicators, five financial years; none for the demo borough itself, whose figures come from its data.
    expect(family.figures).toHaveLength(15 * 4 * 5);
    expect(family.figures.some((f) => f.areaCode === own.code)).toBe(false);
    const figures = await parseFamilyFile(Readable.from([Buffer.from(family.figuresCsv)]));
    const characteristics = await parseFamilyFile(Readable.from([Buffer.from(family.characteristicsCsv)]));
    expect(figures.problems).toEqual([]);
    expect(characteristics.problems).toEqual([]);
    expect(figures.rows).toHaveLength(family.figures.length);
    expect(figures.kind === 'figures' && new Set(figures.rows.map((r) => r.indicator))).toEqual(new Set(['B12a', 'B12b', 'B12c', 'ASB']));
  });

  it('has plausible rates: violence about 15 to 60 per 1,000, sexual offences 1 to 6, admissions 20 to 150 per 100,000', () => {
    const family = generateDemoFamily({ seed: 20261122, months, own });
    const rates = (code: string) => family.figures.filter((f) => f.indicator === code).map((f) => (f.numerator / f.denominator) * f.multiplier);
    const within = (xs: number[], lo: number, hi: number) => xs.every((x) => x > lo && x < hi);
    expect(within(rates('B12b'), 12, 70)).toBe(true);
    expect(within(rates('B12c'), 0.8, 7.5)).toBe(true);
    expect(within(rates('B12a'), 15, 160)).toBe(true);
    expect(within(rates('ASB'), 8, 80)).toBe(true);
    for (const c of family.characteristics) {
      expect(c.aged0to15! + c.aged16to29! + c.aged65plus!).toBeLessThan(1);
      expect(c.population).toBeGreaterThan(100_000);
    }
  });
});

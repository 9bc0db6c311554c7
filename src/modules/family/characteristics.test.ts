import { describe, expect, it } from 'vitest';
import { ageShares, characteristicsFromLsoas, parseAgeBand } from './characteristics.ts';

describe('an area\'s characteristics from its LSOAs', () => {
  it('reads ONS age bands', () => {
    expect(parseAgeBand('0-15')).toEqual([0, 15]);
    expect(parseAgeBand('65+')).toEqual([65, Infinity]);
    expect(parseAgeBand('42')).toEqual([42, 42]);
    expect(parseAgeBand('All-Ages')).toBeNull();
  });

  it('takes age shares from broad bands or single years, and refuses a band that straddles a group', () => {
    expect(ageShares({ '0-15': 20, '16-29': 30, '30-44': 20, '45-64': 20, '65+': 10 })).toEqual({ aged0to15: 0.2, aged16to29: 0.3, aged65plus: 0.1 });
    const single = Object.fromEntries(Array.from({ length: 91 }, (_, age) => [age === 90 ? '90+' : String(age), 1]));
    expect(ageShares(single).aged0to15).toBeCloseTo(16 / 91, 12);
    expect(ageShares(single).aged65plus).toBeCloseTo(26 / 91, 12);
    expect(ageShares({ '0-9': 10, '10-19': 10, '20-64': 60, '65+': 20 })).toEqual({ aged0to15: null, aged16to29: null, aged65plus: 0.2 });
  });

  it('sums residents, weights deprivation by residents, and derives density', () => {
    // Hand-worked: 1,000 + 3,000 residents; only the first LSOA is in deciles 1–2, so 1,000 / 4,000 = 0.25;
    // mean rank (1,000 × 2,000 + 3,000 × 22,000) / 4,000 = 17,000; density 4,000 / 2 km².
    const c = characteristicsFromLsoas([
      { population: 1000, byAge: { '0-15': 300, '16-29': 200, '30-44': 200, '45-64': 200, '65+': 100 }, imdRank: 2000, imdDecile: 1 },
      { population: 3000, byAge: { '0-15': 500, '16-29': 1000, '30-44': 700, '45-64': 500, '65+': 300 }, imdRank: 22000, imdDecile: 7 },
    ], 2);
    expect(c).toEqual({ population: 4000, areaKm2: 2, density: 2000, deprivedShare: 0.25, imdMeanRank: 17000, aged0to15: 0.2, aged16to29: 0.3, aged65plus: 0.1 });
  });

  it('leaves unknown what the LSOAs do not say', () => {
    const c = characteristicsFromLsoas([{ population: null, byAge: null, imdRank: null, imdDecile: null }], null);
    expect(c).toEqual({ population: null, areaKm2: null, density: null, deprivedShare: null, imdMeanRank: null, aged0to15: null, aged16to29: null, aged65plus: null });
  });
});

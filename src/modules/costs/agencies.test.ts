import { describe, expect, it } from 'vitest';
import { AGENCIES, ALLOCATION_KEYS, agencyOf, allocateUnitCost } from './agencies.ts';
import { COMPONENT_KEYS, PUBLISHED_UNIT_COSTS, type CostComponent } from './unit-costs.data.ts';

const sum = (r: Record<string, number>) => Object.values(r).reduce((s, v) => s + v, 0);

describe('allocating a unit cost to agencies', () => {
  it('gives every component to exactly one agency', () => {
    const given = AGENCIES.flatMap((a) => [...a.components]).sort();
    expect(given).toEqual([...COMPONENT_KEYS].sort());
    expect(agencyOf('healthServices')).toBe('nhs');
    expect(agencyOf('policeCosts')).toBe('police');
    expect(agencyOf('criminalJustice')).toBe('criminal-justice');
    for (const c of ['physicalEmotionalHarm', 'propertyStolenDamaged', 'lostOutput'] as CostComponent[]) expect(agencyOf(c)).toBe('victims');
    for (const c of ['defensiveExpenditure', 'insuranceAdministration', 'victimServices'] as CostComponent[]) expect(agencyOf(c)).toBe('wider-society');
  });

  it('adds up to the unit cost for every published figure', () => {
    for (const u of PUBLISHED_UNIT_COSTS.filter((p) => p.total)) {
      const components = Object.fromEntries(Object.entries(u.components).map(([k, f]) => [k, f!.value]));
      const allocation = allocateUnitCost({ total: u.total!.value, components });
      expect(sum(allocation), u.key).toBeCloseTo(u.total!.value, 6);
    }
  });

  it('splits homicide by hand: £11,960 police, £800,980 criminal justice, the rest of £3.2m not split', () => {
    const a = allocateUnitCost({ total: 3_200_000, components: { policeCosts: 11_960, criminalJustice: 800_980 } });
    expect(a).toEqual({ nhs: 0, police: 11_960, 'criminal-justice': 800_980, victims: 0, 'wider-society': 0, 'not-split': 2_387_060 });
  });

  it('puts a fully split cost entirely with agencies', () => {
    const components = { defensiveExpenditure: 10, insuranceAdministration: 20, propertyStolenDamaged: 30, physicalEmotionalHarm: 400, lostOutput: 50, healthServices: 60, victimServices: 7, policeCosts: 80, criminalJustice: 90 };
    const a = allocateUnitCost({ total: 747, components });
    expect(a).toEqual({ nhs: 60, police: 80, 'criminal-justice': 90, victims: 480, 'wider-society': 37, 'not-split': 0 });
    expect(sum(a)).toBe(747);
    expect(Object.keys(a)).toEqual([...ALLOCATION_KEYS]);
  });

  it('refuses components adding up to more than the unit cost', () => {
    expect(() => allocateUnitCost({ total: 100, components: { policeCosts: 80, healthServices: 30 } })).toThrow(/more than the unit cost/);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_COST_RULES, mixProblems, ruleLabel, type CostRule } from './cost-rules.ts';
import { costRow, costsAvoided, crimesOf, resolveUnitCosts, sumCosts } from './costing.ts';
import { PUBLISHED_UNIT_COSTS } from './unit-costs.data.ts';

const rules = new Map(DEFAULT_COST_RULES.map((r) => [r.key, r]));
const units = resolveUnitCosts(new Map());

describe('costing counts', () => {
  it('costs police violence by the stated mix, leaving the parts without a unit cost uncosted', () => {
    const row = costRow({ sourceKind: 'police-uk', sourceCategory: 'Violence and sexual offences', category: 'violence', n: 200 }, rules, units);
    // Hand-worked: 200 × 25% = 50 with injury × £14,050 = £702,500; 200 × 3% = 6 rapes × £39,360 = £236,160;
    // 200 × 7% = 14 other sexual offences × £6,520 = £91,280; without injury (35%) has no verified unit cost.
    expect(row.cost).toBeCloseTo(702_500 + 236_160 + 91_280, 6);
    expect(row.costedShare).toBeCloseTo(0.35, 10);
    expect(row.parts.find((p) => p.costCategory === 'violence-without-injury')).toMatchObject({ crimes: 70, unit: null, cost: null });
    // The police share: rapes at £6,360 each are the only police component known here.
    expect(row.byAgency.police).toBeCloseTo(6 * 6_360, 6);
    expect(row.byAgency['not-split']).toBeCloseTo(702_500 + 6 * (39_360 - 6_360) + 91_280, 6);
  });

  it('leaves anti-social behaviour uncosted, never a made-up figure', () => {
    const row = costRow({ sourceKind: 'police-uk', sourceCategory: 'Anti-social behaviour', category: 'asb', n: 500 }, rules, units);
    expect(row.cost).toBe(0);
    expect(row.costedShare).toBe(0);
    expect(row.rule?.basis).toMatch(/not costed/i);
  });

  it('shows A&E attendances beside the total at the violence with injury cost', () => {
    const row = costRow({ sourceKind: 'istv', sourceCategory: 'punch', category: 'violence', n: 3 }, rules, units);
    expect(row.treatment).toBe('note');
    expect(row.cost).toBe(3 * 14_050);
  });

  it('falls back from a source category to the partnership category, and to nothing', () => {
    const list = costRow({ sourceKind: 'incidents', sourceCategory: 'Mugging', category: 'robbery', n: 2 }, rules, units);
    expect(list.rule?.key).toBe('category:robbery');
    expect(list.cost).toBe(2 * 11_320);
    const none = costRow({ sourceKind: 'incidents', sourceCategory: 'x', category: 'made-up', n: 2 }, rules, units);
    expect(none.rule).toBeNull();
    expect(none.cost).toBe(0);
  });

  it('sums rows and counts the crimes of one cost category', () => {
    const rows = [
      costRow({ sourceKind: 'police-uk', sourceCategory: 'Robbery', category: 'robbery', n: 10 }, rules, units),
      costRow({ sourceKind: 'police-uk', sourceCategory: 'Violence and sexual offences', category: 'violence', n: 100 }, rules, units),
      costRow({ sourceKind: 'police-uk', sourceCategory: 'Anti-social behaviour', category: 'asb', n: 40 }, rules, units),
    ];
    const s = sumCosts(rows);
    expect(s.incidents).toBe(150);
    expect(s.costedIncidents).toBe(110);
    expect(s.cost).toBeCloseTo(10 * 11_320 + 25 * 14_050 + 3 * 39_360 + 7 * 6_520, 6);
    expect(Object.values(s.byAgency).reduce((a, b) => a + b, 0)).toBeCloseTo(s.cost, 6);
    expect(crimesOf(rows, 'violence-with-injury')).toEqual({ crimes: 25, incidents: 100 });
  });

  it('uses a partnership\'s own figure in place of the published one', () => {
    const own = resolveUnitCosts(new Map([['violence-without-injury', { total: 5_000, components: { policeCosts: 1_000 }, source: 'our copy of Table 1' }]]));
    const row = costRow({ sourceKind: 'police-uk', sourceCategory: 'Violence and sexual offences', category: 'violence', n: 100 }, rules, own);
    expect(row.parts.find((p) => p.costCategory === 'violence-without-injury')).toMatchObject({ crimes: 35, unit: 5_000, cost: 175_000 });
    expect(own.get('violence-without-injury')?.origin).toBe('partnership');
  });
});

describe('costs avoided', () => {
  it('works out a 10% fall in violence with injury by hand', () => {
    const unit = units.get('violence-with-injury')!;
    // 120 crimes × 10% = 12 fewer × £14,050 = £168,600; at an index ratio of 1.25, £210,750.
    const a = costsAvoided({ crimes: 120, reduction: 0.1, unit, factor: 1.25 })!;
    expect(a.crimesAvoided).toBeCloseTo(12, 10);
    expect(a.total.base).toBeCloseTo(168_600, 6);
    expect(a.total.today).toBeCloseTo(210_750, 6);
    // Its split could not be verified, so all of it is "not split", none guessed onto agencies.
    expect(a.byAgency.find((l) => l.key === 'not-split')!.base).toBeCloseTo(168_600, 6);
    expect(a.byAgency.filter((l) => l.key !== 'not-split').every((l) => l.base === 0)).toBe(true);
  });

  it('splits the saving from a fall in homicide as the unit cost is split', () => {
    const unit = units.get('homicide')!;
    // 2 a year, halved: 1 fewer; police £11,960, criminal justice £800,980, £2,387,060 not split.
    const a = costsAvoided({ crimes: 2, reduction: 0.5, unit, factor: null })!;
    const line = (k: string) => a.byAgency.find((l) => l.key === k)!;
    expect(line('police').base).toBe(11_960);
    expect(line('criminal-justice').base).toBe(800_980);
    expect(line('not-split').base).toBe(2_387_060);
    expect(a.total).toEqual({ base: 3_200_000, today: null });
  });

  it('has no answer for a cost category without a unit cost', () => {
    expect(costsAvoided({ crimes: 10, reduction: 0.1, unit: units.get('domestic-burglary')!, factor: null })).toBeNull();
  });
});

describe('rules and the published table', () => {
  it('has a rule for every police.uk crime type and valid default mixes', () => {
    for (const r of DEFAULT_COST_RULES) expect(mixProblems(r.mix), r.key).toEqual([]);
    expect(DEFAULT_COST_RULES.filter((r) => r.key.startsWith('police-uk:'))).toHaveLength(14);
  });

  it('refuses shares adding up to more than 100%', () => {
    const mix: CostRule['mix'] = [{ costCategory: 'robbery', share: 0.7 }, { costCategory: 'rape', share: 0.4 }];
    expect(mixProblems(mix).join(' ')).toMatch(/110\.0%/);
  });

  it('names rules in words', () => {
    expect(ruleLabel('police-uk:Robbery')).toBe('police.uk: Robbery');
    expect(ruleLabel('istv:*')).toBe('A&E (ISTV): every category');
    expect(ruleLabel('category:violence', new Map([['violence', 'Violence']]))).toBe('Other sources: Violence');
  });

  it('cites a source and its words for every published figure', () => {
    for (const u of PUBLISHED_UNIT_COSTS) {
      for (const f of [u.total, ...Object.values(u.components)].filter((x) => x)) {
        expect(f!.quote.length, u.key).toBeGreaterThan(5);
        // The quoted words hold the figure itself.
        const digits = f!.precision === 'rounded' ? '3.2m' : f!.value.toLocaleString('en-GB');
        expect(f!.quote, u.key).toContain(digits);
      }
      if (!u.total) expect(u.gap, u.key).toMatch(/could not be read/);
    }
  });
});

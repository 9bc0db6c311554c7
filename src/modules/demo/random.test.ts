import { describe, expect, it } from 'vitest';
import { createRandom, WeightedTable } from './random.ts';

describe('Random', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const sa = Array.from({ length: 20 }, () => a.nextUint32());
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 20 }, () => c.nextUint32())).not.toEqual(sa);
  });

  it('forks streams that depend on the label only, not on earlier draws', () => {
    const a = createRandom('s');
    const b = createRandom('s');
    for (let i = 0; i < 100; i++) b.next();
    expect(a.fork('police').next()).toBe(b.fork('police').next());
    expect(a.fork('police').next()).not.toBe(a.fork('istv').next());
  });

  it('keeps int within inclusive bounds and reaches both ends', () => {
    const r = createRandom(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const x = r.int(3, 7);
      expect(x).toBeGreaterThanOrEqual(3);
      expect(x).toBeLessThanOrEqual(7);
      seen.add(x);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('draws normal and Poisson values with the right mean and variance', () => {
    const r = createRandom(7);
    const n = 40_000;
    const stats = (f: () => number): { mean: number; variance: number } => {
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const x = f();
        s += x;
        s2 += x * x;
      }
      return { mean: s / n, variance: s2 / n - (s / n) ** 2 };
    };
    const normal = stats(() => r.normal(10, 2));
    expect(normal.mean).toBeCloseTo(10, 1);
    expect(normal.variance).toBeGreaterThan(3.8);
    expect(normal.variance).toBeLessThan(4.2);
    for (const lambda of [0.5, 4, 35, 1200]) {
      const p = stats(() => r.poisson(lambda));
      expect(Math.abs(p.mean - lambda)).toBeLessThan(0.03 * lambda + 0.02);
      expect(Math.abs(p.variance / lambda - 1)).toBeLessThan(0.06);
    }
    expect(r.poisson(0)).toBe(0);
  });

  it('picks by weight, in both the linear and the alias-table form', () => {
    const r = createRandom(3);
    const items = ['a', 'b', 'c'] as const;
    const weights = [1, 3, 0];
    const table = new WeightedTable(items, weights);
    const linear = { a: 0, b: 0, c: 0 };
    const alias = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 20_000; i++) {
      linear[r.weightedPick(items, weights)]++;
      alias[table.pick(r)]++;
    }
    for (const counts of [linear, alias]) {
      expect(counts.c).toBe(0);
      expect(counts.b / counts.a).toBeGreaterThan(2.7);
      expect(counts.b / counts.a).toBeLessThan(3.3);
    }
    expect(r.weighted([['x', 0], ['y', 1]] as const)).toBe('y');
  });

  it('makes lowercase hex ids of the asked length and shuffles without losing items', () => {
    const r = createRandom(9);
    expect(r.hex(64)).toMatch(/^[0-9a-f]{64}$/);
    expect(r.hex(6)).toMatch(/^[0-9a-f]{6}$/);
    const xs = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = r.shuffle(xs);
    expect(shuffled).not.toEqual(xs);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(xs);
    expect(() => r.pick([])).toThrow();
  });
});

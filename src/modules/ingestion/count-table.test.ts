import { describe, expect, it } from 'vitest';
import { CountTable } from './count-table.ts';

describe('CountTable', () => {
  it('counts every key, and survives growing', () => {
    const table = new CountTable();
    const reference = new Map<number, number>();
    // Keys spread over the whole 53-bit range, and keys that differ only in their high bits.
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const keys: number[] = [0, 1, 2 ** 52, 2 ** 53 - 1];
    for (let i = 0; i < 3000; i++) keys.push(random() * 2 ** 21 + (random() % 2 ** 21), i * 2 ** 32);
    for (let row = 0; row < 100_000; row++) {
      const key = keys[random() % keys.length]!;
      table.add(key);
      reference.set(key, (reference.get(key) ?? 0) + 1);
    }
    const seen = new Map<number, number>();
    table.forEach((key, count) => {
      expect(seen.has(key)).toBe(false);
      seen.set(key, count);
    });
    expect(seen).toEqual(reference);
    expect(seen.size).toBeGreaterThan(5000);
  });
});

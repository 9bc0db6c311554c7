/**
 * Counts by whole-number keys below 2^53 (0 and up), in typed arrays with open addressing:
 * a Map costs a lookup and a store per row; here a row costs one probe and makes no garbage.
 * Meant for tables that stay small enough for the processor's caches (the analysis counts
 * of an upload): for a million keys, sorting them once is faster than a probe per row
 * (findings.ts).
 */
export class CountTable {
  private keys = new Float64Array(1 << 12).fill(-1);
  private counts = new Int32Array(1 << 12);
  private size = 0;

  add(key: number): void {
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let i = slotOf(key) & mask; ; i = (i + 1) & mask) {
      const held = keys[i]!;
      if (held === key) {
        this.counts[i]!++;
        return;
      }
      if (held === -1) {
        keys[i] = key;
        this.counts[i] = 1;
        if (++this.size * 2 > keys.length) this.grow();
        return;
      }
    }
  }

  /** Every key with its count, in no particular order. */
  forEach(each: (key: number, count: number) => void): void {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] !== -1) each(this.keys[i]!, this.counts[i]!);
  }

  private grow(): void {
    const { keys, counts } = this;
    this.keys = new Float64Array(keys.length * 2).fill(-1);
    this.counts = new Int32Array(keys.length * 2);
    const mask = this.keys.length - 1;
    for (let j = 0; j < keys.length; j++) {
      if (keys[j] === -1) continue;
      let i = slotOf(keys[j]!) & mask;
      while (this.keys[i] !== -1) i = (i + 1) & mask;
      this.keys[i] = keys[j]!;
      this.counts[i] = counts[j]!;
    }
  }
}

/** Mixes both halves of the key, so that keys differing only in their high bits spread. */
function slotOf(key: number): number {
  const high = Math.floor(key / 4_294_967_296);
  const h = Math.imul((key >>> 0) ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  return h ^ (h >>> 15);
}

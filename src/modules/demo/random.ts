/**
 * A small seeded pseudo-random number generator for the synthetic partnership.
 *
 * Math.random cannot be seeded, and the demo data must be byte-identical for a given seed
 * (tests hash two runs), so everything random in this module goes through `Random`.
 * The core is sfc32: fast, 128-bit state, passes PractRand far beyond what we draw.
 */

export type Seed = number | string;

/** cyrb128: spreads a string over four 32-bit words, so seeds 1 and 2 give unrelated streams. */
function hashSeed(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lanczos approximation; the Poisson sampler needs log(k!) for large k. */
function logGamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const xx = x - 1;
  let a = c[0]!;
  const t = xx + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i]! / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** The text the state was derived from, so that `fork` gives the same child whatever was drawn before. */
  private readonly key: string;

  constructor(seed: Seed) {
    this.key = String(seed);
    [this.a, this.b, this.c, this.d] = hashSeed(this.key);
    // sfc32's first outputs still correlate with the seed words; discard them.
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /**
   * An independent stream named by `label`. Depends only on the seed and the label, not on
   * how much this stream has been used, so adding a draw in one part of the generator does
   * not reshuffle every other part.
   */
  fork(label: string | number): Random {
    return new Random(`${this.key}/${label}`);
  }

  nextUint32(): number {
    const t0 = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    const t = (t0 + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** One item with probability proportional to its weight (linear scan: for short lists; see WeightedTable for hot loops). */
  weightedPick<T>(items: readonly T[], weights: readonly number[]): T {
    if (items.length !== weights.length || items.length === 0) throw new Error('weightedPick needs one weight per item');
    let total = 0;
    for (const w of weights) total += w;
    if (!(total > 0)) throw new Error('weightedPick needs a positive total weight');
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i]!;
      if (r < 0) return items[i]!;
    }
    // Floating-point residue can leave r at exactly 0 after the last item; the last positive weight wins.
    for (let i = items.length - 1; i >= 0; i--) if (weights[i]! > 0) return items[i]!;
    return items[items.length - 1]!;
  }

  /** Picks from `[item, weight]` pairs, the readable form for hand-written tables. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    return this.weightedPick(
      entries.map((e) => e[0]),
      entries.map((e) => e[1]),
    );
  }

  /** Box–Muller; no cached second value, so the stream position never depends on call parity. */
  normal(mean = 0, sd = 1): number {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median; `sigma` is the sd of the log. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(this.normal(0, sigma));
  }

  /**
   * Poisson count. Knuth's product method for small means; Hörmann's PTRS transformed
   * rejection above 10, which stays exact (unlike a normal approximation) and O(1).
   */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda < 10) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.next();
      while (p > limit) {
        k++;
        p *= this.next();
      }
      return k;
    }
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.next() - 0.5;
      const v = this.next();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logGamma(k + 1)) {
        return k;
      }
    }
  }

  /** Fisher–Yates on a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = out[i]!;
      out[i] = out[j]!;
      out[j] = tmp;
    }
    return out;
  }

  /** `length` lowercase hex characters (even length), e.g. a 64-character police.uk Crime ID. */
  hex(length: number): string {
    let s = '';
    for (let i = 0; i < length; i += 8) {
      const x = this.nextUint32();
      s += HEX_BYTE[x >>> 24]! + HEX_BYTE[(x >>> 16) & 255]! + HEX_BYTE[(x >>> 8) & 255]! + HEX_BYTE[x & 255]!;
    }
    return s.length === length ? s : s.slice(0, length);
  }
}

export function createRandom(seed: Seed): Random {
  return new Random(seed);
}

/**
 * Walker/Vose alias table: O(1) weighted picks after O(n) set-up. The large police file
 * draws a snap point per row from ~1,000 weighted points, a million times.
 */
export class WeightedTable<T> {
  readonly items: readonly T[];
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  constructor(items: readonly T[], weights: readonly number[]) {
    const n = items.length;
    if (n === 0 || weights.length !== n) throw new Error('WeightedTable needs one weight per item');
    let total = 0;
    for (const w of weights) {
      if (!(w >= 0) || !Number.isFinite(w)) throw new Error('WeightedTable weights must be finite and non-negative');
      total += w;
    }
    if (!(total > 0)) throw new Error('WeightedTable needs a positive total weight');
    this.items = items;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = weights.map((w) => (w * n) / total);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.prob[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      (scaled[l]! < 1 ? small : large).push(l);
    }
    for (const i of large) this.prob[i] = 1;
    for (const i of small) this.prob[i] = 1;
  }

  pick(rng: Random): T {
    const u = rng.next() * this.items.length;
    const i = Math.floor(u);
    return this.items[u - i < this.prob[i]! ? i : this.alias[i]!]!;
  }
}

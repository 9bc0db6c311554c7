/**
 * Axis ticks on "nice" numbers (1, 2 or 5 times a power of ten), after Heckbert's
 * "Nice numbers for graph labels" (Graphics Gems, 1990). The first and last tick enclose
 * [min, max], so they double as the axis domain and no mark runs past the axis.
 */
export function niceTicks(min: number, max: number, targetCount = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new RangeError(`Axis range must be finite, got ${min} to ${max}`);
  let lo = Math.min(min, max);
  let hi = Math.max(min, max);
  if (lo === hi) {
    // A flat series still needs an axis: stretch towards zero, or to 0..1 for all zeros.
    if (lo === 0) hi = 1;
    else if (lo > 0) lo = 0;
    else hi = 0;
  }
  const step = niceNumber(niceNumber(hi - lo, false) / Math.max(1, targetCount - 1), true);
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  // The small allowance stops binary fractions (0.3 / 0.1 = 2.9999…) adding a needless tick.
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toFixed(decimals)) + 0);
  return ticks;
}

/** Decimals needed to print every tick exactly: 0 for steps of 1 or more, 1 for 0.5 or 0.2… */
export function tickDecimals(ticks: readonly number[]): number {
  if (ticks.length < 2) return 0;
  const step = Math.abs(ticks[1]! - ticks[0]!);
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/** The nearest of 1, 2, 5, 10 times a power of ten, rounded or rounded up. */
function niceNumber(value: number, round: boolean): number {
  const exponent = Math.floor(Math.log10(value));
  const fraction = value / 10 ** exponent;
  let nice: number;
  if (round) nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  else nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * 10 ** exponent;
}

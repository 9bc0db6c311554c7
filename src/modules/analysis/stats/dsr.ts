/**
 * Direct age standardisation to the 2013 European Standard Population, with the Dobson
 * method confidence interval, as the Public Health England "Technical Guide: Confidence
 * Intervals" and its reference implementation (PHEindicatormethods::phe_dsr) compute it,
 * so that a partnership's age-standardised rates sit beside the published PHOF ones.
 */
import { byarInterval, type RateInterval } from './intervals.ts';

/**
 * The 2013 European Standard Population (Eurostat, "Revision of the European Standard
 * Population", 2013): 19 five-year bands (0-4 ... 85-89, then 90 and over) summing to 100,000.
 * The published under-1 and 1-4 bands (1,000 and 4,000) are combined into 0-4, as PHE does.
 */
export const ESP2013: ReadonlyArray<{ from: number; to: number | null; weight: number }> = [
  { from: 0, to: 4, weight: 5000 }, { from: 5, to: 9, weight: 5500 }, { from: 10, to: 14, weight: 5500 },
  { from: 15, to: 19, weight: 5500 }, { from: 20, to: 24, weight: 6000 }, { from: 25, to: 29, weight: 6000 },
  { from: 30, to: 34, weight: 6500 }, { from: 35, to: 39, weight: 7000 }, { from: 40, to: 44, weight: 7000 },
  { from: 45, to: 49, weight: 7000 }, { from: 50, to: 54, weight: 7000 }, { from: 55, to: 59, weight: 6500 },
  { from: 60, to: 64, weight: 6000 }, { from: 65, to: 69, weight: 5500 }, { from: 70, to: 74, weight: 5000 },
  { from: 75, to: 79, weight: 4000 }, { from: 80, to: 84, weight: 2500 }, { from: 85, to: 89, weight: 1500 },
  { from: 90, to: null, weight: 1000 },
];

/** PHE does not publish a DSR from fewer events than this (Morris et al. 2018 found the interval unreliable below it). */
export const DSR_MINIMUM_COUNT = 10;

export type AgeBand = { label: string; from: number; to: number | null };

/** Reads an age-band label as the ONS population files write them: "0-15", "16-29", "65+", "90+". */
export function parseAgeBand(label: string): AgeBand {
  const range = /^(\d{1,3})\s*-\s*(\d{1,3})$/.exec(label.trim());
  if (range) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (to < from) throw new RangeError(`Age band "${label}" ends before it starts`);
    return { label, from, to };
  }
  const open = /^(\d{1,3})\s*\+$/.exec(label.trim());
  if (open) return { label, from: Number(open[1]), to: null };
  throw new RangeError(`"${label}" is not an age band such as 0-15 or 65+`);
}

/**
 * The ESP2013 weight of each of the given age bands. Local population files give broader
 * bands than the standard's five-year ones (the ONS mid-year LSOA file: 0-15, 16-29, 30-44,
 * 45-64, 65+), so each five-year weight is shared among the bands it overlaps in proportion
 * to the single years of age it lends each: the standard assumes people spread evenly
 * within a five-year band, and this keeps that assumption. So age 15 takes one fifth of the
 * 15-19 weight (1,100) into 0-15 and ages 16-19 the other four fifths (4,400) into 16-29,
 * giving 0-15: 17,100; 16-29: 16,400; 30-44: 20,500; 45-64: 26,500; 65+: 19,500. The open
 * 90+ band goes whole to the band holding age 90. The bands must cover every age once.
 */
export function esp2013Weights(bands: readonly AgeBand[]): number[] {
  const sorted = [...bands].sort((a, b) => a.from - b.from);
  sorted.forEach((band, i) => {
    const expected = i === 0 ? 0 : sorted[i - 1]!.to! + 1;
    if (band.from !== expected) throw new RangeError(`Age bands must cover every age once: ${band.label} starts at ${band.from}, expected ${expected}`);
    if ((band.to === null) !== (i === sorted.length - 1)) throw new RangeError('Age bands must end with one open band such as 65+');
  });
  return bands.map((band) => ESP2013.reduce((sum, esp) => {
    // The open 90+ band counts as the single point 90 here: it belongs wholly to the band holding 90.
    const espTo = esp.to ?? esp.from;
    const overlap = Math.min(espTo, band.to ?? Number.POSITIVE_INFINITY) - Math.max(esp.from, band.from) + 1;
    return overlap > 0 ? sum + (esp.weight * overlap) / (espTo - esp.from + 1) : sum;
  }, 0));
}

export type Stratum = { count: number; population: number; weight: number };

export type DsrResult = RateInterval & { count: number; population: number };

/**
 * Directly standardised rate per `multiplier` with its Dobson interval:
 *   DSR = Σ wᵢ Oᵢ / nᵢ ÷ Σ wᵢ,  var(DSR) = Σ wᵢ² Oᵢ / nᵢ² ÷ (Σ wᵢ)²,
 *   limits = DSR + √(var(DSR) / O) · (O_limit − O), O = Σ Oᵢ,
 * with O's limits by Byar's method (Dobson et al. 1991, Stat Med 10:457-62). Returns null
 * below DSR_MINIMUM_COUNT events, as PHE publishes no DSR there.
 */
export function directlyStandardisedRate(strata: readonly Stratum[], multiplier: number, level = 0.95): DsrResult | null {
  if (strata.length === 0) throw new RangeError('A standardised rate needs at least one stratum');
  for (const s of strata) {
    if (!Number.isInteger(s.count) || s.count < 0) throw new RangeError(`Counts must be whole numbers ≥ 0, got ${s.count}`);
    if (!(s.population > 0)) throw new RangeError(`Every stratum needs a population above zero, got ${s.population}`);
    if (!(s.weight >= 0)) throw new RangeError(`Weights must be ≥ 0, got ${s.weight}`);
  }
  const count = strata.reduce((sum, s) => sum + s.count, 0);
  const population = strata.reduce((sum, s) => sum + s.population, 0);
  if (count < DSR_MINIMUM_COUNT) return null;
  const totalWeight = strata.reduce((sum, s) => sum + s.weight, 0);
  const dsr = strata.reduce((sum, s) => sum + (s.weight * s.count) / s.population, 0) / totalWeight;
  const variance = strata.reduce((sum, s) => sum + (s.weight ** 2 * s.count) / s.population ** 2, 0) / totalWeight ** 2;
  const { lower, upper } = byarInterval(count, level);
  const scale = Math.sqrt(variance / count);
  return {
    rate: dsr * multiplier,
    lower: (dsr + scale * (lower - count)) * multiplier,
    upper: (dsr + scale * (upper - count)) * multiplier,
    count, population,
  };
}

/**
 * A family for the synthetic demo partnership: fifteen fictional comparator partnerships
 * with plausible characteristics, and yearly figures for B12a, B12b, B12c and ASB for
 * Kingsbridge and each of them, written in the comparator file formats so that the demo
 * loads them through the same reader users load theirs with.
 *
 * Everything is synthetic and labelled so: names end "(synthetic)" and codes are in the
 * range ONS does not use that the demo borough has (E0999xxxx). Output depends only on the
 * seed and the inputs, never on the clock.
 *
 * Half the comparators are drawn close to Kingsbridge's own characteristics and half from
 * the spread of English urban districts, so that the ten nearest are a real choice. Rates
 * rise with deprivation, density and the share of young adults (as violence and ASB do),
 * times a lasting local factor and a local trend; counts are Poisson draws from them.
 */
import { createRandom, type Random, type Seed } from '../demo/random.ts';
import { characteristicsCsv, figuresCsv, type CharacteristicsRow, type FigureRow } from './family-csv.ts';
import { month, monthIndex, type FamilyPeriod } from './period.ts';
import type { Characteristics } from './similarity.ts';

export const DEMO_COMPARATOR_NAMES = [
  'Ashcombe Vale', 'Brackwater', 'Corvington', 'Dunmere', 'Eastwick Fields', 'Fallowmere', 'Greyhaven', 'Hollowell',
  'Ivelstone', 'Juniper Ford', 'Kestrel Bay', 'Lynford Cross', 'Marrowfield', 'Northmoor Vale', 'Oakhallow',
] as const;

/** Codes after the demo borough's own E09990001. */
export const demoComparatorCode = (i: number) => `E0999${String(2 + i).padStart(4, '0')}`;

export type DemoFamilyOptions = {
  seed: Seed;
  /** The months the demo's own data covers ('YYYY-MM'), to choose the financial years. */
  months: readonly string[];
  own: { code: string; name: string; characteristics: Characteristics };
  /** Financial years before the demo's data, for the trend. Default 3. */
  earlierYears?: number;
};

export type DemoFamily = {
  years: FamilyPeriod[];
  figures: Array<Omit<FigureRow, 'line'>>;
  characteristics: Array<Omit<CharacteristicsRow, 'line'>>;
  figuresCsv: string;
  characteristicsCsv: string;
};

type Place = { code: string; name: string; c: { [K in keyof Characteristics]: number } };

/** Used when the demo borough's own geography lacks a figure (it does not, but the generator must not fail). */
const TYPICAL: Characteristics = {
  population: 180_000, areaKm2: 40, density: 4500, deprivedShare: 0.2, imdMeanRank: 14_000, aged0to15: 0.19, aged16to29: 0.2, aged65plus: 0.15,
};

const INDICATORS = [
  { code: 'B12a', multiplier: 100_000, base: 36, deprivation: 2.2, density: 0.1, young: 1.5, sd: 0.15 },
  { code: 'B12b', multiplier: 1000, base: 21, deprivation: 1.5, density: 0.15, young: 1.2, sd: 0.12 },
  { code: 'B12c', multiplier: 1000, base: 2.2, deprivation: 0.9, density: 0.12, young: 1.6, sd: 0.12 },
  { code: 'ASB', multiplier: 1000, base: 19, deprivation: 1.0, density: 0.25, young: 0.8, sd: 0.2 },
] as const;

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const round = (x: number, dp: number) => Math.round(x * 10 ** dp) / 10 ** dp;

/** Financial years that end within the demo's months (the ones its data covers whole or in part), and `earlier` before them. */
export function demoFinancialYears(months: readonly string[], earlier: number): FamilyPeriod[] {
  if (months.length === 0) return [];
  const sorted = [...months].sort();
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const startYear = (m: string) => (Number(m.slice(5, 7)) >= 4 ? Number(m.slice(0, 4)) : Number(m.slice(0, 4)) - 1);
  const years: FamilyPeriod[] = [];
  for (let y = startYear(first) - earlier; y <= startYear(last); y++) {
    const period = { from: month(y, 4), to: month(y + 1, 3) };
    if (monthIndex(period.to) <= monthIndex(last)) years.push(period);
  }
  return years;
}

function complete(c: Characteristics): Place['c'] {
  const v = { ...TYPICAL, ...Object.fromEntries(Object.entries(c).filter(([, x]) => x !== null)) } as Place['c'];
  v.density = v.population / v.areaKm2;
  return v;
}

function drawPlace(rng: Random, own: Place['c'], near: boolean): Place['c'] {
  const population = Math.round(rng.uniform(110_000, 330_000) / 10) * 10;
  const density = near ? clamp(own.density * Math.exp(rng.normal(0, 0.18)), 250, 16_000) : clamp(rng.logNormal(3500, 0.6), 400, 14_000);
  const deprivedShare = near ? clamp(own.deprivedShare + rng.normal(0, 0.05), 0, 0.85) : rng.uniform(0, 0.55);
  const aged0to15 = near ? clamp(own.aged0to15 + rng.normal(0, 0.012), 0.1, 0.3) : rng.uniform(0.14, 0.24);
  const aged16to29 = near ? clamp(own.aged16to29 + rng.normal(0, 0.015), 0.1, 0.35) : rng.uniform(0.14, 0.3);
  const aged65plus = near ? clamp(own.aged65plus + rng.normal(0, 0.015), 0.05, 0.3) : rng.uniform(0.07, 0.23);
  const imdMeanRank = clamp(32_844 * (0.6 - 0.75 * deprivedShare) + rng.normal(0, 1200), 1500, 30_000);
  return {
    population, areaKm2: round(population / density, 2), density: population / round(population / density, 2),
    deprivedShare: round(deprivedShare, 4), imdMeanRank: Math.round(imdMeanRank),
    aged0to15: round(aged0to15, 4), aged16to29: round(aged16to29, 4), aged65plus: round(aged65plus, 4),
  };
}

export function generateDemoFamily(options: DemoFamilyOptions): DemoFamily {
  const root = createRandom(options.seed).fork('family');
  const years = demoFinancialYears(options.months, options.earlierYears ?? 3);
  const own = complete(options.own.characteristics);
  const places: Place[] = [{ code: options.own.code, name: options.own.name, c: own }];
  DEMO_COMPARATOR_NAMES.forEach((name, i) => {
    const rng = root.fork(`place-${i}`);
    places.push({ code: demoComparatorCode(i), name: `${name} (synthetic)`, c: drawPlace(rng, own, i % 2 === 0) });
  });
  const figures: DemoFamily['figures'] = [];
  // Figures for the comparators only: the demo borough's own come from its shared data, through the indicators.
  for (const place of places.slice(1)) {
    const rng = root.fork(`rates-${place.code}`);
    for (const indicator of INDICATORS) {
      const local = Math.exp(rng.normal(0, indicator.sd));
      const trend = rng.normal(0.01, 0.04);
      const level = indicator.base
        * (1 + indicator.deprivation * place.c.deprivedShare)
        * (place.c.density / 5000) ** indicator.density
        * (1 + indicator.young * (place.c.aged16to29 - 0.2))
        * local;
      years.forEach((period, t) => {
        const fromLast = t - (years.length - 1);
        const denominator = Math.round(place.c.population * (1 + 0.006 * fromLast));
        const rate = level * (1 + trend) ** t * Math.exp(rng.normal(0, 0.03));
        figures.push({
          areaCode: place.code, areaName: place.name, indicator: indicator.code, period, ageBand: '',
          numerator: rng.poisson((rate * denominator) / indicator.multiplier), denominator, multiplier: indicator.multiplier,
        });
      });
    }
  }
  // The demo borough's own characteristics come from its geography, not from this file.
  const characteristics = places.slice(1).map((p) => ({
    areaCode: p.code, areaName: p.name, population: p.c.population, areaKm2: p.c.areaKm2, deprivedShare: p.c.deprivedShare,
    imdMeanRank: p.c.imdMeanRank, aged0to15: p.c.aged0to15, aged16to29: p.c.aged16to29, aged65plus: p.c.aged65plus,
  }));
  return { years, figures, characteristics, figuresCsv: figuresCsv(figures), characteristicsCsv: characteristicsCsv(characteristics) };
}

/**
 * Who bears each cost: the one place the Home Office cost components are allocated to the
 * agencies a partnership reports to. Every page, export, API answer and calculator uses
 * this, so the allocation can be read and challenged here alone.
 *
 * - NHS: health services.
 * - Police: police costs.
 * - Criminal justice: the rest of the criminal justice system (CPS, courts, legal aid,
 *   prisons, probation), which the report costs apart from the police.
 * - Victims: physical and emotional harms, property stolen and damaged, and lost output.
 *   Lost output is partly borne by employers and the Exchequer; the report does not split
 *   it, so it stays with victims, whose absence from work causes it.
 * - Wider society: costs in anticipation of crime (defensive expenditure, insurance
 *   administration), borne by households and businesses in general, and victim services,
 *   funded publicly and by charities rather than by any one agency here.
 * - Not split: the part of a unit cost whose split between components could not be
 *   verified (unit-costs.data.ts). It is shown, never spread over agencies by guesswork.
 */
import { COMPONENT_KEYS, type CostComponent } from './unit-costs.data.ts';

export const AGENCIES = [
  { key: 'nhs', label: 'NHS (health services)', components: ['healthServices'] },
  { key: 'police', label: 'Police', components: ['policeCosts'] },
  { key: 'criminal-justice', label: 'Criminal justice system (other than police)', components: ['criminalJustice'] },
  { key: 'victims', label: 'Victims (harm, property, lost output)', components: ['physicalEmotionalHarm', 'propertyStolenDamaged', 'lostOutput'] },
  { key: 'wider-society', label: 'Wider society (prevention, insurance, victim services)', components: ['defensiveExpenditure', 'insuranceAdministration', 'victimServices'] },
] as const satisfies ReadonlyArray<{ key: string; label: string; components: readonly CostComponent[] }>;

export type AgencyKey = (typeof AGENCIES)[number]['key'];
/** The agencies and, last, the part of the cost not split between them. */
export type AllocationKey = AgencyKey | 'not-split';

export const ALLOCATION_KEYS: readonly AllocationKey[] = [...AGENCIES.map((a) => a.key), 'not-split'];
export const ALLOCATION_LABELS: Record<AllocationKey, string> = {
  ...Object.fromEntries(AGENCIES.map((a) => [a.key, a.label])) as Record<AgencyKey, string>,
  'not-split': 'Not split between agencies (split not verified)',
};

// Every component must fall to exactly one agency, or costs would vanish or double.
const owners = new Map<CostComponent, AgencyKey>();
for (const agency of AGENCIES) for (const c of agency.components) owners.set(c, agency.key);
if (owners.size !== COMPONENT_KEYS.length || AGENCIES.reduce((s, a) => s + a.components.length, 0) !== COMPONENT_KEYS.length) {
  throw new Error('Every cost component must be allocated to exactly one agency');
}

export function agencyOf(component: CostComponent): AgencyKey {
  return owners.get(component)!;
}

/** A unit cost as allocated: known components by agency; the remainder of the total is "not split". */
export type UnitCostParts = { total: number; components: Partial<Record<CostComponent, number>> };

/**
 * Splits one unit cost between agencies. The parts always add up to the total: what the
 * known components do not cover is "not split". Components adding up to more than the
 * total mean the figures are inconsistent, which is refused rather than shown.
 */
export function allocateUnitCost(unit: UnitCostParts): Record<AllocationKey, number> {
  const out = Object.fromEntries(ALLOCATION_KEYS.map((k) => [k, 0])) as Record<AllocationKey, number>;
  let known = 0;
  for (const [component, value] of Object.entries(unit.components) as Array<[CostComponent, number | undefined]>) {
    if (value === undefined) continue;
    out[agencyOf(component)] += value;
    known += value;
  }
  // A cent of tolerance: components are entered in whole pounds, totals too.
  if (known > unit.total + 0.01) {
    throw new RangeError(`The components add up to £${known.toLocaleString('en-GB')}, more than the unit cost of £${unit.total.toLocaleString('en-GB')}`);
  }
  out['not-split'] = Math.max(0, unit.total - known);
  return out;
}

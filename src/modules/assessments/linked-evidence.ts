/**
 * The parts of an assessment that come from the indicators, family and cost-of-crime
 * modules. (Being wired to those modules: until then each part is left out and the
 * document says so.)
 */
import type { Db } from '../../db/connection.ts';
import type { Actor } from '../../shared/authorization.ts';
import type { Evidence } from './evidence.service.ts';

export type IndicatorEvidence = { rows: unknown[] };
export type FamilyEvidence = { rows: unknown[] };
export type CostEvidence = {
  totalToday: number | null;
  byCategory: Array<{ category: string; today: number | null }>;
  byAgency: Array<{ agency: string; label: string; today: number | null }>;
};

export async function gatherIndicators(_db: Db, _actor: Actor, _from: string, _to: string): Promise<IndicatorEvidence | null> {
  return null;
}
export async function gatherFamily(_db: Db, _actor: Actor, _from: string, _to: string): Promise<FamilyEvidence | null> {
  return null;
}
export async function gatherCosts(_db: Db, _actor: Actor, _from: string, _to: string): Promise<CostEvidence | null> {
  return null;
}

export function linkedCharts(_e: Evidence): Record<string, string> {
  return {};
}

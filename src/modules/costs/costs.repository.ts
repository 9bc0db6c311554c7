/**
 * SQL of the cost of crime: a partnership's own unit costs, mapping rules and inflation
 * index. The counts come from the analysis repository (countBy over incident_counts).
 */
import type { Db, Tx } from '../../db/connection.ts';

type Conn = Db | Tx;

export type CostSettingsRow = {
  index_base: number | null; index_current: number | null; index_current_label: string | null; index_source: string | null;
  updated_by: string; updated_at: Date;
};

export async function findCostSettings(db: Conn, partnershipId: number): Promise<CostSettingsRow | undefined> {
  return db.selectFrom('cost_settings').select(['index_base', 'index_current', 'index_current_label', 'index_source', 'updated_by', 'updated_at'])
    .where('partnership_id', '=', partnershipId).executeTakeFirst();
}

export async function saveCostSettings(tx: Conn, partnershipId: number, values: Omit<CostSettingsRow, 'updated_at'>): Promise<void> {
  await tx.insertInto('cost_settings').values({ partnership_id: partnershipId, ...values, updated_at: new Date() })
    .onConflict((oc) => oc.column('partnership_id').doUpdateSet({ ...values, updated_at: new Date() })).execute();
}

export type UnitOverrideRow = { cost_category: string; total: number | null; components: unknown; source: string; updated_by: string; updated_at: Date };

export async function listUnitOverrides(db: Conn, partnershipId: number): Promise<UnitOverrideRow[]> {
  return db.selectFrom('cost_unit_overrides').select(['cost_category', 'total', 'components', 'source', 'updated_by', 'updated_at'])
    .where('partnership_id', '=', partnershipId).orderBy('cost_category').execute();
}

export async function findUnitOverride(db: Conn, partnershipId: number, costCategory: string): Promise<UnitOverrideRow | undefined> {
  return db.selectFrom('cost_unit_overrides').select(['cost_category', 'total', 'components', 'source', 'updated_by', 'updated_at'])
    .where('partnership_id', '=', partnershipId).where('cost_category', '=', costCategory).executeTakeFirst();
}

export async function saveUnitOverride(tx: Conn, partnershipId: number, row: { cost_category: string; total: number | null; components: Record<string, number>; source: string; updated_by: string }): Promise<void> {
  const values = { total: row.total, components: JSON.stringify(row.components), source: row.source, updated_by: row.updated_by, updated_at: new Date() };
  await tx.insertInto('cost_unit_overrides').values({ partnership_id: partnershipId, cost_category: row.cost_category, ...values })
    .onConflict((oc) => oc.columns(['partnership_id', 'cost_category']).doUpdateSet(values)).execute();
}

/** Removes a partnership's own figure; true when there was one. */
export async function deleteUnitOverride(tx: Conn, partnershipId: number, costCategory: string): Promise<boolean> {
  const result = await tx.deleteFrom('cost_unit_overrides').where('partnership_id', '=', partnershipId).where('cost_category', '=', costCategory).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export type CostRuleRow = { rule_key: string; mix: unknown; treatment: 'total' | 'note'; basis: string; updated_by: string; updated_at: Date };

export async function listCostRules(db: Conn, partnershipId: number): Promise<CostRuleRow[]> {
  return db.selectFrom('cost_rules').select(['rule_key', 'mix', 'treatment', 'basis', 'updated_by', 'updated_at'])
    .where('partnership_id', '=', partnershipId).orderBy('rule_key').execute();
}

export async function saveCostRule(tx: Conn, partnershipId: number, row: { rule_key: string; mix: unknown; treatment: 'total' | 'note'; basis: string; updated_by: string }): Promise<void> {
  const values = { mix: JSON.stringify(row.mix), treatment: row.treatment, basis: row.basis, updated_by: row.updated_by, updated_at: new Date() };
  await tx.insertInto('cost_rules').values({ partnership_id: partnershipId, rule_key: row.rule_key, ...values })
    .onConflict((oc) => oc.columns(['partnership_id', 'rule_key']).doUpdateSet(values)).execute();
}

export async function deleteCostRule(tx: Conn, partnershipId: number, ruleKey: string): Promise<boolean> {
  const result = await tx.deleteFrom('cost_rules').where('partnership_id', '=', partnershipId).where('rule_key', '=', ruleKey).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}


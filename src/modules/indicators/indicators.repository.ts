/**
 * SQL of the indicators: the partnership's custom definitions. Figures come from the
 * analysis counts through analysis.repository.ts.
 */
import { sql } from 'kysely';
import type { Db, Tx } from '../../db/connection.ts';
import type { Polarity } from '../analysis/stats/compare.ts';

type Conn = Db | Tx;

export type StoredIndicator = {
  id: number; code: string; name: string; source_slugs: string[]; categories: string[]; source_categories: string[];
  multiplier: number; polarity: Polarity; note: string;
};

const COLUMNS = ['id', 'code', 'name', 'source_slugs', 'categories', 'source_categories', 'multiplier', 'polarity', 'note'] as const;

export async function listIndicators(db: Conn, partnershipId: number): Promise<StoredIndicator[]> {
  return db.selectFrom('indicators').select(COLUMNS).where('partnership_id', '=', partnershipId).orderBy('code').execute();
}

export async function findIndicatorByCode(db: Conn, partnershipId: number, code: string): Promise<StoredIndicator | undefined> {
  return db.selectFrom('indicators').select(COLUMNS).where('partnership_id', '=', partnershipId)
    .where(sql<boolean>`lower(code) = lower(${code})`).executeTakeFirst();
}

export async function insertIndicator(tx: Conn, values: {
  partnership_id: number; code: string; name: string; source_slugs: string[]; categories: string[]; source_categories: string[];
  multiplier: number; polarity: Polarity; note: string; created_by: number | null;
}): Promise<StoredIndicator> {
  return tx.insertInto('indicators').values(values).returning(COLUMNS).executeTakeFirstOrThrow();
}

export async function updateIndicator(tx: Conn, partnershipId: number, id: number, values: {
  name: string; source_slugs: string[]; categories: string[]; source_categories: string[]; multiplier: number; polarity: Polarity; note: string;
}): Promise<StoredIndicator> {
  const { name, source_slugs, categories, source_categories, multiplier, polarity, note } = values;
  return tx.updateTable('indicators').set({ name, source_slugs, categories, source_categories, multiplier, polarity, note })
    .where('partnership_id', '=', partnershipId).where('id', '=', id).returning(COLUMNS).executeTakeFirstOrThrow();
}

export async function deleteIndicator(tx: Conn, partnershipId: number, id: number): Promise<void> {
  await tx.deleteFrom('indicators').where('partnership_id', '=', partnershipId).where('id', '=', id).execute();
}

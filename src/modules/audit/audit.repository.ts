import { sql } from 'kysely';
import type { Db, Tx } from '../../db/connection.ts';

export type AuditRow = {
  id: string;
  partnership_id: number;
  at: Date;
  actor_user_id: number | null;
  actor_token_id: number | null;
  actor_label: string;
  agency_id: number | null;
  action: string;
  record_type: string;
  record_id: string | null;
  detail: unknown;
  prev_hash: string;
  hash: string;
};

/** Serialises appends per partnership so the hash chain has one order. Released at commit. */
export async function lockAuditChain(tx: Db | Tx, partnershipId: number): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(4201, ${partnershipId})`.execute(tx);
}

export async function findLastAuditHash(tx: Db | Tx, partnershipId: number): Promise<string | null> {
  const row = await tx.selectFrom('audit_events').select('hash')
    .where('partnership_id', '=', partnershipId).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.hash ?? null;
}

export async function insertAuditEvent(tx: Db | Tx, row: Omit<AuditRow, 'id'>): Promise<void> {
  await tx.insertInto('audit_events').values({ ...row, detail: JSON.stringify(row.detail) }).execute();
}

export async function listAuditEvents(db: Db, partnershipId: number, options: { limit: number; beforeId?: string; recordType?: string }): Promise<AuditRow[]> {
  let query = db.selectFrom('audit_events').selectAll().where('partnership_id', '=', partnershipId);
  if (options.beforeId) query = query.where('id', '<', options.beforeId);
  if (options.recordType) query = query.where('record_type', '=', options.recordType);
  return (await query.orderBy('id', 'desc').limit(options.limit).execute()) as AuditRow[];
}

export async function listAuditChain(db: Db, partnershipId: number): Promise<AuditRow[]> {
  return (await db.selectFrom('audit_events').selectAll().where('partnership_id', '=', partnershipId)
    .orderBy('id', 'asc').execute()) as AuditRow[];
}

import { createHash } from 'node:crypto';
import type { Db, Tx } from '../../db/connection.ts';
import { requireAccess, type Actor } from '../../shared/authorization.ts';
import { insertAuditEvent, findLastAuditHash, listAuditChain, listAuditEvents, lockAuditChain, type AuditRow } from './audit.repository.ts';

export type AuditEvent = {
  action: string;
  recordType: string;
  recordId?: string | number | null;
  detail?: Record<string, unknown>;
};

const GENESIS = '0'.repeat(64);

/** JSON with object keys sorted, because jsonb does not keep the order they were written in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function eventHash(prevHash: string, row: Omit<AuditRow, 'id' | 'hash' | 'prev_hash'>): string {
  const canonical = canonicalJson([
    row.partnership_id, row.at.toISOString(), row.actor_user_id, row.actor_token_id, row.actor_label,
    row.agency_id, row.action, row.record_type, row.record_id, row.detail,
  ]);
  return createHash('sha256').update(prevHash).update(canonical).digest('hex');
}

/**
 * Appends an audit event in the caller's transaction, so the event exists exactly when
 * the change it describes does. Events are hash-chained per partnership.
 */
export async function recordAudit(tx: Db | Tx, actor: Actor, event: AuditEvent): Promise<void> {
  await lockAuditChain(tx, actor.partnershipId);
  const prevHash = (await findLastAuditHash(tx, actor.partnershipId)) ?? GENESIS;
  const row = {
    partnership_id: actor.partnershipId,
    at: new Date(),
    actor_user_id: actor.userId,
    actor_token_id: actor.tokenId,
    actor_label: actor.label,
    agency_id: actor.agencyId,
    action: event.action,
    record_type: event.recordType,
    record_id: event.recordId == null ? null : String(event.recordId),
    detail: event.detail ?? {},
  };
  await insertAuditEvent(tx, { ...row, prev_hash: prevHash, hash: eventHash(prevHash, row) });
}

export type ChainCheck = { ok: true; events: number } | { ok: false; events: number; brokenAtId: string };

/** Recomputes the chain: an edited, inserted or deleted event shows as the first id where it breaks. */
export async function verifyAuditChain(db: Db, partnershipId: number): Promise<ChainCheck> {
  const rows = await listAuditChain(db, partnershipId);
  let prev = GENESIS;
  for (const row of rows) {
    const { id: _id, hash, prev_hash, ...rest } = row;
    if (prev_hash !== prev || eventHash(prev, rest) !== hash) return { ok: false, events: rows.length, brokenAtId: row.id };
    prev = hash;
  }
  return { ok: true, events: rows.length };
}

/** The audit page: newest events first, and whether the chain is intact. */
export async function readAuditTrail(db: Db, actor: Actor, options: { beforeId?: string; limit?: number } = {}) {
  const partnershipId = requireAccess(actor, 'audit:read', actor.partnershipId);
  const limit = options.limit ?? 100;
  const [events, chain] = await Promise.all([
    listAuditEvents(db, partnershipId, { limit, ...(options.beforeId ? { beforeId: options.beforeId } : {}) }),
    verifyAuditChain(db, partnershipId),
  ]);
  return { events, chain, nextBefore: events.length === limit ? events[events.length - 1]!.id : null };
}

import type { Db, Tx } from '../../db/connection.ts';
import type { AgencyType, Role } from '../../db/schema.ts';

type Conn = Db | Tx;

export async function insertPartnership(tx: Conn, values: { slug: string; name: string; synthetic: boolean }) {
  return tx.insertInto('partnerships').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function findPartnershipBySlug(db: Conn, slug: string) {
  return db.selectFrom('partnerships').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function findPartnershipById(db: Conn, id: number) {
  return db.selectFrom('partnerships').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listPartnerships(db: Conn) {
  return db.selectFrom('partnerships').selectAll().orderBy('name').execute();
}

export async function insertCategories(tx: Conn, partnershipId: number, categories: ReadonlyArray<{ code: string; label: string }>) {
  if (categories.length === 0) return;
  await tx.insertInto('categories').values(categories.map((c) => ({ partnership_id: partnershipId, ...c })))
    .onConflict((oc) => oc.columns(['partnership_id', 'code']).doNothing()).execute();
}

export async function upsertCategoryMap(tx: Conn, partnershipId: number, sourceKind: string, map: Readonly<Record<string, string>>) {
  const rows = Object.entries(map).map(([source_category, category_code]) => ({ partnership_id: partnershipId, source_kind: sourceKind, source_category, category_code }));
  if (rows.length === 0) return;
  await tx.insertInto('category_map').values(rows)
    .onConflict((oc) => oc.columns(['partnership_id', 'source_kind', 'source_category']).doUpdateSet((eb) => ({ category_code: eb.ref('excluded.category_code') })))
    .execute();
}

export async function listCategoryMap(db: Conn, partnershipId: number, sourceKind: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('category_map').select(['source_category', 'category_code'])
    .where('partnership_id', '=', partnershipId).where('source_kind', '=', sourceKind).execute();
  return new Map(rows.map((r) => [r.source_category, r.category_code]));
}

export async function listCategories(db: Conn, partnershipId: number) {
  return db.selectFrom('categories').selectAll().where('partnership_id', '=', partnershipId).orderBy('label').execute();
}

export async function insertAgency(tx: Conn, values: { partnership_id: number; name: string; type: AgencyType; ods_code?: string | null }) {
  return tx.insertInto('agencies').values({ ods_code: null, ...values }).returningAll().executeTakeFirstOrThrow();
}

export async function listAgencies(db: Conn, partnershipId: number) {
  return db.selectFrom('agencies').selectAll().where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

export async function findAgency(db: Conn, partnershipId: number, agencyId: number) {
  return db.selectFrom('agencies').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', agencyId).executeTakeFirst();
}

export async function findAgencyByName(db: Conn, partnershipId: number, name: string) {
  return db.selectFrom('agencies').selectAll().where('partnership_id', '=', partnershipId).where('name', '=', name).executeTakeFirst();
}

export async function insertUser(tx: Conn, values: { partnership_id: number; agency_id: number; email: string; display_name: string; role: Role; password_hash: string }) {
  return tx.insertInto('users').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function findUserByEmail(db: Conn, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

export async function listUsers(db: Conn, partnershipId: number) {
  return db.selectFrom('users').innerJoin('agencies', 'agencies.id', 'users.agency_id')
    .select(['users.id', 'users.email', 'users.display_name', 'users.role', 'users.disabled', 'users.created_at', 'agencies.name as agency_name'])
    .where('users.partnership_id', '=', partnershipId).orderBy('users.display_name').execute();
}

export async function insertSession(tx: Conn, values: { id_hash: string; partnership_id: number; user_id: number; expires_at: Date }) {
  await tx.insertInto('sessions').values(values).execute();
}

export async function findSession(db: Conn, idHash: string) {
  return db.selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('agencies', 'agencies.id', 'users.agency_id')
    .innerJoin('partnerships', 'partnerships.id', 'sessions.partnership_id')
    .select([
      'sessions.expires_at', 'users.id as user_id', 'users.email', 'users.display_name', 'users.role', 'users.disabled',
      'users.agency_id', 'agencies.name as agency_name', 'partnerships.id as partnership_id', 'partnerships.slug as partnership_slug',
      'partnerships.name as partnership_name', 'partnerships.synthetic',
    ])
    .where('sessions.id_hash', '=', idHash).executeTakeFirst();
}

export async function deleteSession(db: Conn, idHash: string) {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

export async function deleteExpiredSessions(db: Conn) {
  await db.deleteFrom('sessions').where('expires_at', '<', new Date()).execute();
}

export async function insertApiToken(tx: Conn, values: { partnership_id: number; agency_id: number; role: Role; name: string; token_hash: string }) {
  return tx.insertInto('api_tokens').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function findApiToken(db: Conn, tokenHash: string) {
  return db.selectFrom('api_tokens')
    .innerJoin('partnerships', 'partnerships.id', 'api_tokens.partnership_id')
    .select(['api_tokens.id', 'api_tokens.partnership_id', 'api_tokens.agency_id', 'api_tokens.role', 'api_tokens.name', 'api_tokens.revoked_at', 'partnerships.slug as partnership_slug'])
    .where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function listApiTokens(db: Conn, partnershipId: number) {
  return db.selectFrom('api_tokens').innerJoin('agencies', 'agencies.id', 'api_tokens.agency_id')
    .select(['api_tokens.id', 'api_tokens.name', 'api_tokens.role', 'api_tokens.created_at', 'api_tokens.revoked_at', 'agencies.name as agency_name'])
    .where('api_tokens.partnership_id', '=', partnershipId).orderBy('api_tokens.created_at', 'desc').execute();
}

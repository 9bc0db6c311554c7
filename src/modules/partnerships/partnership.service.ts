import type { Db } from '../../db/connection.ts';
import type { AgencyType, Role } from '../../db/schema.ts';
import { requireAccess, type Actor } from '../../shared/authorization.ts';
import { LanternError, notFoundOrNoAccess } from '../../shared/errors.ts';
import { DUMMY_PASSWORD_HASH, hashPassword, randomToken, sha256Hex, verifyPassword } from '../../shared/secrets.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { DEFAULT_CATEGORIES, POLICE_UK_CATEGORY_MAP } from '../ingestion/taxonomy.ts';
import * as repo from './partnership.repository.ts';
import { ZAgencySchema, ZPartnershipSchema, ZUserSchema, type TAgency, type TPartnership, type TUser } from './partnership.schema.ts';

const SESSION_HOURS = 10;

/** Creates a partnership with the default taxonomy. Run by an operator (CLI or demo). */
export async function createPartnership(db: Db, input: TPartnership) {
  const values = ZPartnershipSchema.parse(input);
  return db.transaction().execute(async (tx) => {
    if (await repo.findPartnershipBySlug(tx, values.slug)) {
      throw new LanternError('conflict', `A partnership called "${values.slug}" already exists.`);
    }
    const partnership = await repo.insertPartnership(tx, values);
    await repo.insertCategories(tx, partnership.id, DEFAULT_CATEGORIES);
    await repo.upsertCategoryMap(tx, partnership.id, 'police-uk', POLICE_UK_CATEGORY_MAP);
    await recordAudit(tx, { kind: 'system', partnershipId: partnership.id, agencyId: null, role: 'partnership-admin', userId: null, tokenId: null, label: 'system' }, {
      action: 'partnership.create', recordType: 'partnership', recordId: partnership.id, detail: { slug: values.slug, name: values.name },
    });
    return partnership;
  });
}

export async function addAgency(db: Db, actor: Actor, input: TAgency) {
  const partnershipId = requireAccess(actor, 'users:manage', actor.partnershipId);
  const values = ZAgencySchema.parse(input);
  return db.transaction().execute(async (tx) => {
    if (await repo.findAgencyByName(tx, partnershipId, values.name)) {
      throw new LanternError('conflict', `There is already an agency called "${values.name}".`);
    }
    const agency = await repo.insertAgency(tx, { partnership_id: partnershipId, name: values.name, type: values.type as AgencyType, ods_code: values.odsCode ?? null });
    await recordAudit(tx, actor, { action: 'agency.create', recordType: 'agency', recordId: agency.id, detail: { name: agency.name, type: agency.type } });
    return agency;
  });
}

export async function addUser(db: Db, actor: Actor, input: TUser) {
  const partnershipId = requireAccess(actor, 'users:manage', actor.partnershipId);
  const values = ZUserSchema.parse(input);
  if (!(await repo.findAgency(db, partnershipId, values.agencyId))) throw notFoundOrNoAccess();
  const passwordHash = await hashPassword(values.password);
  return db.transaction().execute(async (tx) => {
    if (await repo.findUserByEmail(tx, values.email)) throw new LanternError('conflict', 'There is already an account with that email address.');
    const user = await repo.insertUser(tx, {
      partnership_id: partnershipId, agency_id: values.agencyId, email: values.email, display_name: values.displayName,
      role: values.role as Role, password_hash: passwordHash,
    });
    await recordAudit(tx, actor, { action: 'user.create', recordType: 'user', recordId: user.id, detail: { email: user.email, role: user.role, agencyId: user.agency_id } });
    return user;
  });
}

export type SignedInUser = NonNullable<Awaited<ReturnType<typeof repo.findSession>>>;

/** Checks the password and opens a session; returns the raw session id for the cookie. */
export async function signIn(db: Db, email: string, password: string): Promise<{ sessionId: string; user: { id: number; partnershipId: number } } | null> {
  const user = await repo.findUserByEmail(db, email.trim().toLowerCase());
  // Always spend the hashing time so the response time does not reveal which emails exist.
  const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
  if (!user || !ok || user.disabled) return null;
  const sessionId = randomToken();
  await db.transaction().execute(async (tx) => {
    await repo.insertSession(tx, {
      id_hash: sha256Hex(sessionId), partnership_id: user.partnership_id, user_id: user.id,
      expires_at: new Date(Date.now() + SESSION_HOURS * 3600_000),
    });
    await recordAudit(tx, actorForUser({ ...user, user_id: user.id }), { action: 'session.sign-in', recordType: 'user', recordId: user.id });
  });
  return { sessionId, user: { id: user.id, partnershipId: user.partnership_id } };
}

export async function resolveSession(db: Db, sessionId: string): Promise<SignedInUser | null> {
  const session = await repo.findSession(db, sha256Hex(sessionId));
  if (!session || session.disabled || session.expires_at < new Date()) return null;
  return session;
}

export async function signOut(db: Db, sessionId: string): Promise<void> {
  await repo.deleteSession(db, sha256Hex(sessionId));
}

export function actorForUser(user: { user_id: number; partnership_id: number; agency_id: number; role: Role; email: string }): Actor {
  return { kind: 'user', partnershipId: user.partnership_id, agencyId: user.agency_id, role: user.role, userId: user.user_id, tokenId: null, label: user.email };
}

/** Issues an API bearer token for scripts and automated feeds; only its hash is stored. */
export async function createApiToken(db: Db, actor: Actor, input: { agencyId: number; role: Role; name: string }): Promise<{ token: string; id: number }> {
  const partnershipId = requireAccess(actor, 'tokens:manage', actor.partnershipId);
  if (!(await repo.findAgency(db, partnershipId, input.agencyId))) throw notFoundOrNoAccess();
  const token = `lt_${randomToken()}`;
  const row = await db.transaction().execute(async (tx) => {
    const created = await repo.insertApiToken(tx, { partnership_id: partnershipId, agency_id: input.agencyId, role: input.role, name: input.name, token_hash: sha256Hex(token) });
    await recordAudit(tx, actor, { action: 'api-token.create', recordType: 'api-token', recordId: created.id, detail: { name: input.name, role: input.role, agencyId: input.agencyId } });
    return created;
  });
  return { token, id: row.id };
}

export async function resolveApiToken(db: Db, token: string): Promise<Actor | null> {
  const row = await repo.findApiToken(db, sha256Hex(token));
  if (!row || row.revoked_at) return null;
  return { kind: 'token', partnershipId: row.partnership_id, agencyId: row.agency_id, role: row.role, userId: null, tokenId: row.id, label: `token:${row.name}` };
}

export async function requirePartnershipBySlug(db: Db, slug: string) {
  const partnership = await repo.findPartnershipBySlug(db, slug);
  if (!partnership) throw new LanternError('not-found-or-no-access', `There is no partnership called "${slug}".`);
  return partnership;
}

export { listAgencies, listUsers, listApiTokens, findPartnershipById, listCategories } from './partnership.repository.ts';

import type { Role } from '../db/schema.ts';
import { notFoundOrNoAccess } from './errors.ts';

/**
 * The one place that decides who may do what. Default deny: a permission not listed for
 * a role is refused, and a record of another partnership is "not found or no access".
 */
export type Permission =
  | 'overview:read'
  | 'data:read'
  | 'data:upload'
  | 'agreements:read'
  | 'agreements:manage'
  | 'geography:manage'
  | 'users:manage'
  | 'tokens:manage'
  | 'audit:read'
  | 'incidents:read-records'
  /** Import the licensed-premises register and decide which venue an A&E description means. */
  | 'venues:manage'
  /** Define indicators, load other partnerships' figures, choose the family, edit unit costs. */
  | 'indicators:manage'
  /** Draft, edit and publish strategic assessments (published versions are read with overview:read). */
  | 'assessments:edit';

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  'partnership-admin': [
    'overview:read', 'data:read', 'data:upload', 'agreements:read', 'agreements:manage',
    'geography:manage', 'users:manage', 'tokens:manage', 'audit:read', 'venues:manage',
    'indicators:manage', 'assessments:edit',
  ],
  analyst: ['overview:read', 'data:read', 'agreements:read', 'incidents:read-records', 'venues:manage', 'indicators:manage', 'assessments:edit'],
  'data-provider': ['overview:read', 'data:read', 'data:upload', 'agreements:read', 'agreements:manage'],
  practitioner: ['overview:read'],
  viewer: ['overview:read'],
};

export const ROLES = Object.keys(ROLE_PERMISSIONS) as Role[];

export const ROLE_LABELS: Record<Role, string> = {
  'partnership-admin': 'Partnership admin',
  analyst: 'Analyst',
  'data-provider': 'Data provider',
  practitioner: 'Practitioner',
  viewer: 'Viewer',
};

/** Who is acting: a signed-in user, an API token, or the system itself (CLI, jobs). */
export type Actor = {
  kind: 'user' | 'token' | 'system';
  partnershipId: number;
  agencyId: number | null;
  role: Role;
  userId: number | null;
  tokenId: number | null;
  /** Shown in the audit trail: an e-mail, a token name, or the job. */
  label: string;
};

export function can(actor: Actor, permission: Permission): boolean {
  return ROLE_PERMISSIONS[actor.role].includes(permission);
}

/**
 * Throws "not found or no access" unless the actor holds the permission within the
 * partnership. Returns the partnership id so callers use the checked value.
 */
export function requireAccess(actor: Actor, permission: Permission, partnershipId: number): number {
  if (actor.partnershipId !== partnershipId || !can(actor, permission)) throw notFoundOrNoAccess();
  return partnershipId;
}

/** An actor with full rights inside one partnership, for the CLI and scheduled jobs run by an operator. */
export function systemActor(partnershipId: number, label: string, agencyId: number | null = null): Actor {
  return { kind: 'system', partnershipId, agencyId, role: 'partnership-admin', userId: null, tokenId: null, label };
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import { can, type Actor, type Permission } from '../shared/authorization.ts';
import { LanternError, notFoundOrNoAccess } from '../shared/errors.ts';
import { findPartnershipBySlug } from '../modules/partnerships/partnership.repository.ts';

/** For pages: signed in with a session, else to the sign-in page; then the permission. */
export function pageAccess(permission: Permission) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.signedIn || !request.actor) {
      return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`);
    }
    if (!can(request.actor, permission)) throw notFoundOrNoAccess();
  };
}

/** For the API: a valid bearer token, then the permission. */
export function apiAccess(permission: Permission) {
  return async (request: FastifyRequest) => {
    if (!request.actor || request.actor.kind !== 'token') {
      throw new LanternError('unauthenticated', 'Send an agency API token: Authorization: Bearer <token>.');
    }
    if (!can(request.actor, permission)) throw notFoundOrNoAccess();
  };
}

/** The checked actor of a guarded route. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw notFoundOrNoAccess();
  return request.actor;
}

/**
 * For the API: the partnership in the path must be the token's own; any other answers like
 * a missing one, so a path never reveals which partnerships exist. Returns the checked actor.
 */
export async function actorForSlug(request: FastifyRequest, slug: string): Promise<Actor> {
  const actor = actorOf(request);
  const partnership = await findPartnershipBySlug(request.server.handle.db, slug);
  if (!partnership || partnership.id !== actor.partnershipId) throw notFoundOrNoAccess();
  return actor;
}

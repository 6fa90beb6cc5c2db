import { errors } from '../domain/errors.js';
import type { Actor } from './context.js';

/**
 * The foundation's access rules, until role bindings decide: an OrganizationAdmin may do
 * everything, any other principal may manage only its own keys, and nobody creates keys for
 * another user.
 */
export function requireOrganizationAdmin(actor: Actor): void {
  if (!actor.isOrganizationAdmin) throw errors.forbidden('This needs the OrganizationAdmin role');
}

export function canManageKeysOf(actor: Actor, owner: { kind: 'user' | 'service-account'; id: string }): boolean {
  if (owner.kind === actor.kind && owner.id === actor.id) return true;
  return actor.isOrganizationAdmin;
}

export function requireKeyCreationFor(actor: Actor, owner: { kind: 'user' | 'service-account'; id: string }): void {
  if (owner.kind === 'user' && owner.id !== actor.id) {
    throw errors.forbidden('Nobody can create API keys for another user; create a service-account key instead');
  }
  if (!canManageKeysOf(actor, owner)) throw errors.forbidden(`You are not allowed to manage the API keys of ${owner.id}`);
}

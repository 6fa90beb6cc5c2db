import { errors } from '../domain/errors.js';
import { buildCrn, organizationCrn } from '../domain/crn.js';
import type { CallContext, ServiceDeps } from './context.js';

// Role-based access: every management operation asks the one authorizer (deps.authz) with the
// CRN of its target; these are the CRNs of principals and the rules of API keys.

/**
 * The one rule for ids the caller may not see (DESIGN §9): the row when it exists and the caller
 * may read it; otherwise the same 404 as for an id that does not exist (`${what} "${id}" not
 * found`), so that ids cannot be probed. Whether the caller may then change what it sees is the
 * operation's own check, a 403.
 */
export async function visibleOrNotFound<T>(row: T | undefined, canRead: (row: T) => boolean | Promise<boolean>, what: string, id: string): Promise<T> {
  if (row === undefined || !(await canRead(row))) throw errors.notFound(what, id);
  return row;
}

/** The CRN of a user, as role bindings at organization scope cover it. */
export function userCrn(organizationId: string, userId: string): string {
  return `${organizationCrn(organizationId)}/user=${userId}`;
}

export function serviceAccountCrn(organizationId: string, id: string): string {
  return buildCrn({ organization: organizationId, leaf: { type: 'service-account', name: id } });
}

export function ownerCrn(organizationId: string, owner: { kind: 'user' | 'service-account'; id: string }): string {
  return owner.kind === 'user' ? userCrn(organizationId, owner.id) : serviceAccountCrn(organizationId, owner.id);
}

export interface KeyTarget {
  owner: { kind: 'user' | 'service-account'; id: string };
  /** The CRN of the key's cluster, or undefined for a `cloud` key. */
  resourceCrn?: string;
}

/**
 * Who may see and manage an API key: its owner always; otherwise `api-key:read|manage` on the
 * owner (AccountAdmin, ResourceOwner of a service account, OrganizationAdmin) or on the key's
 * cluster (CloudClusterAdmin, EnvironmentAdmin).
 */
export function keyAccess(deps: Pick<ServiceDeps, 'authz' | 'organizationId'>) {
  async function can(ctx: CallContext, target: KeyTarget, level: 'read' | 'manage'): Promise<boolean> {
    if (target.owner.kind === ctx.actor.kind && target.owner.id === ctx.actor.id) return true;
    const action = level === 'read' ? 'api-key:read' : 'api-key:manage';
    if (await deps.authz.can(ctx, action, ownerCrn(deps.organizationId, target.owner))) return true;
    return target.resourceCrn !== undefined && deps.authz.can(ctx, action, target.resourceCrn);
  }
  return {
    can,
    /** Creating: own keys always; never for another user; a service account's keys as `can(manage)`. */
    async requireCreate(ctx: CallContext, target: KeyTarget): Promise<void> {
      if (target.owner.kind === 'user' && target.owner.id !== ctx.actor.id) {
        throw errors.forbidden('Nobody can create API keys for another user; create a service-account key instead');
      }
      if (!(await can(ctx, target, 'manage'))) {
        throw errors.forbidden(`Forbidden: creating keys for ${target.owner.id} needs OrganizationAdmin, AccountAdmin or ResourceOwner on it, or CloudClusterAdmin or EnvironmentAdmin on the key's cluster`);
      }
    },
  };
}

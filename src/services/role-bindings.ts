import { errors } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { organizationCrn } from '../domain/crn.js';
import { findRole, ROLE_NAMES } from '../domain/authz/roles.js';
import { parseCrn, resourceTypeOfCrn } from '../domain/authz/crn-pattern.js';
import { roleBindingsRepo, type RoleBindingRow } from '../store/repositories/grants.js';
import { usersRepo } from '../store/repositories/users.js';
import { serviceAccountsRepo } from '../store/repositories/service-accounts.js';
import { environmentsRepo } from '../store/repositories/environments.js';
import { clustersRepo } from '../store/repositories/clusters.js';
import type { Executor } from '../store/repositories/executor.js';
import { applyChange } from './change.js';
import { nowIso, type CallContext, type ServiceDeps } from './context.js';
import { decodePage, visiblePage, type PageRequest, type PageResult } from './pagination.js';
import { freshId } from './fresh-id.js';
import { createOrgAdminGuard } from './org-admin-guard.js';
import { createAuthority } from './authority.js';
import { visibleOrNotFound } from './access.js';
import { maskSecretsInText } from '../domain/mask-secrets.js';
import { principalId } from '../domain/principal.js';

export type RoleBinding = RoleBindingRow;

/** The CRN a permission on a pattern is checked against: the pattern itself, without its `*`. */
export function patternScope(crnPattern: string): string {
  return crnPattern.endsWith('*') ? crnPattern.slice(0, -1) : crnPattern;
}

/** A principal must name an existing user or service account: bindings never start out orphaned. */
export async function requireExistingPrincipal(db: Executor, principal: unknown): Promise<string> {
  if (typeof principal !== 'string' || !/^User:\S+$/.test(principal)) {
    throw errors.invalid(`principal must be "User:<id>", e.g. User:sa-abc123 (got "${String(principal)}")`);
  }
  const id = principalId(principal);
  const exists = id.startsWith('sa-') ? await serviceAccountsRepo.find(db, id) : id.startsWith('u-') ? await usersRepo.find(db, id) : undefined;
  if (!exists) throw errors.invalid(`Unknown principal "${principal}": no user or service account has the id ${id}`);
  return principal;
}

export function createRoleBindingService(deps: ServiceDeps) {
  const orgCrn = organizationCrn(deps.organizationId);
  const adminGuard = createOrgAdminGuard(deps);
  const authority = createAuthority(deps);

  /** Checks that the pattern fits the role's scope. */
  async function validatePattern(roleName: string, rawPattern: unknown): Promise<string> {
    const role = findRole(roleName);
    if (!role) throw errors.invalid(`Unknown role "${roleName}"; the roles are ${ROLE_NAMES.join(', ')}`);
    if (typeof rawPattern !== 'string' || rawPattern === '') throw errors.invalid('crn_pattern is required');
    // A resource name in the pattern is free text: a keyward secret pasted into it is masked.
    const crnPattern = maskSecretsInText(rawPattern);
    const parsed = parseCrn(crnPattern);
    if (parsed.organization !== deps.organizationId) throw errors.invalid(`crn_pattern must be inside this organization (${orgCrn})`);
    const types = parsed.segments.map((s) => s.type);
    const shape = types.join('/');
    const fits =
      role.scope === 'organization'
        ? shape === 'organization' && !parsed.prefix
        : role.scope === 'environment'
          ? shape === 'organization/environment' && !parsed.prefix
          : role.scope === 'cluster'
            ? shape === 'organization/environment/cloud-cluster' && !parsed.prefix
            : (() => {
                const type = resourceTypeOfCrn(parsed);
                return parsed.leaf !== undefined && type !== undefined && (role.resourceTypes ?? []).includes(type);
              })();
    if (!fits) throw errors.invalid(`crn_pattern ${crnPattern} does not fit role ${role.name}, which is bound at ${role.scope} scope`);
    return crnPattern;
  }

  /**
   * Checks that what the pattern names exists. Asked only once the caller may manage bindings on
   * the pattern: anyone else gets the same 403 for an existing and a missing id (DESIGN §9).
   */
  async function requireNamedResources(crnPattern: string): Promise<void> {
    const parsed = parseCrn(crnPattern);
    if (parsed.environment !== undefined && !(await environmentsRepo.find(deps.db, parsed.environment))) throw errors.notFound('Environment', parsed.environment);
    for (const id of [parsed.cloudCluster, parsed.kafka, parsed.schemaRegistry]) {
      if (id === undefined) continue;
      const cluster = await clustersRepo.find(deps.db, id);
      if (!cluster || cluster.environment_id !== parsed.environment) throw errors.notFound(id.startsWith('lsrc-') ? 'Schema Registry cluster' : 'Kafka cluster', `${id}" in environment "${parsed.environment ?? ''}`);
    }
    if (parsed.leaf?.type === 'service-account' && !(await serviceAccountsRepo.find(deps.db, parsed.leaf.name))) throw errors.notFound('Service account', parsed.leaf.name);
  }

  async function get(ctx: CallContext, id: string): Promise<RoleBinding> {
    return visibleOrNotFound(await roleBindingsRepo.find(deps.db, id), (row) => deps.authz.can(ctx, 'role-binding:read', patternScope(row.crn_pattern)), 'Role binding', id);
  }

  return {
    get,
    async create(ctx: CallContext, input: { principal: unknown; roleName: unknown; crnPattern: unknown }): Promise<RoleBinding> {
      if (typeof input.roleName !== 'string' || input.roleName === '') throw errors.invalid('role_name is required');
      const crnPattern = await validatePattern(input.roleName, input.crnPattern);
      await deps.authz.require(ctx, 'role-binding:manage', patternScope(crnPattern));
      // and the new binding must lie inside a binding the caller manages bindings with (a literal
      // never covers a prefix), grant no more there than that binding does, and pass on nothing a
      // DENY ACL refuses the caller
      await authority.requireMayGrant(ctx.actor.principal, [{ kind: 'role-binding', roleName: input.roleName, crnPattern }]);
      await requireNamedResources(crnPattern);
      const principal = await requireExistingPrincipal(deps.db, input.principal);
      await adminGuard.requireAuthorityOver(deps.db, ctx, principalId(principal), `bind roles to ${principal}`);
      if (await roleBindingsRepo.findSame(deps.db, principal, input.roleName, crnPattern)) {
        throw errors.conflict(`${principal} already has ${input.roleName} on ${crnPattern}`);
      }
      return applyChange(deps, ctx, async ({ trx, audit, changed }) => {
        const id = await freshId((c) => roleBindingsRepo.find(trx, c), () => newId('roleBinding'));
        const row: RoleBinding = { id, principal, role_name: input.roleName as string, crn_pattern: crnPattern, created_at: nowIso(deps.clock) };
        await roleBindingsRepo.insert(trx, row);
        audit({ method: 'iam.CreateRoleBinding', subject: patternScope(crnPattern), details: { id, principal, role_name: row.role_name, crn_pattern: crnPattern } });
        changed({ kind: 'grants', principal });
        return row;
      });
    },
    async list(ctx: CallContext, filter: { principal?: string; roleName?: string; crnPrefix?: string }, page: PageRequest): Promise<PageResult<RoleBinding>> {
      const p = decodePage(page);
      if (filter.roleName !== undefined && !findRole(filter.roleName)) throw errors.invalidFilter(`Unknown role "${filter.roleName}"; the roles are ${ROLE_NAMES.join(', ')}`);
      // Only the bindings the caller may read; filtered here because readability is per binding.
      const rows = await roleBindingsRepo.list(deps.db, filter, { limit: 100_000, offset: 0 });
      return visiblePage(rows, (row) => deps.authz.can(ctx, 'role-binding:read', patternScope(row.crn_pattern)), p);
    },
    async delete(ctx: CallContext, id: string): Promise<RoleBinding> {
      const row = await get(ctx, id);
      await deps.authz.require(ctx, 'role-binding:manage', patternScope(row.crn_pattern));
      const owner = principalId(row.principal);
      return applyChange(deps, ctx, async ({ trx, audit, changed }) =>
        adminGuard.protect(trx, ctx, { principalId: owner, action: `delete role binding ${id} of ${owner}`, what: `Deleting role binding ${id}` }, async () => {
          await roleBindingsRepo.delete(trx, id);
          audit({ method: 'iam.DeleteRoleBinding', subject: patternScope(row.crn_pattern), details: { id, principal: row.principal, role_name: row.role_name, crn_pattern: row.crn_pattern } });
          changed({ kind: 'grants', principal: row.principal });
          return row;
        }),
      );
    },
  };
}

export type RoleBindingService = ReturnType<typeof createRoleBindingService>;

/**
 * The organization always keeps an administrator (DESIGN §9):
 *
 * - **Invariant.** At least one principal is bound to OrganizationAdmin at organization scope, is
 *   ACTIVE (a user, or a service account that is not disabled) and holds an ACTIVE, unexpired
 *   `cloud` key: someone can always log in and repair the organization. Every change that can break
 *   this takes the organization's admin lock as its first statement and checks the invariant after
 *   its writes, in the same transaction; a change that would break it is rolled back with 422.
 *   (A key reaching its `expires_at` is not a change: an organization whose every administrator
 *   key has expired is repaired with `keyward server recover-admin`.)
 * - **Only an OrganizationAdmin changes an OrganizationAdmin.** Deleting, disabling, enabling or
 *   updating a principal that holds OrganizationAdmin, changing its keys or its role bindings needs a
 *   caller that holds OrganizationAdmin itself (AccountAdmin manages users and service accounts, not
 *   the organization's administrators).
 *
 * The lock: on PostgreSQL a row lock (`SELECT … FOR UPDATE`) on the organization's row, held until
 * the transaction ends, so two instances never check the invariant against the same state (each
 * statement under READ COMMITTED reads what the other committed before it got the lock). On SQLite
 * one process serves a store and its one connection runs one transaction at a time: writers are
 * serialised already.
 */
import { errors } from '../domain/errors.js';
import { organizationCrn } from '../domain/crn.js';
import type { Executor } from '../store/repositories/executor.js';
import { nowIso, type CallContext, type ServiceDeps } from './context.js';
import { principalOf, principalId } from '../domain/principal.js';

export const ORGANIZATION_ADMIN = 'OrganizationAdmin';

/** The end of the refusal: `${what} would leave the organization without …`. */
export const NO_ADMIN_LEFT = 'would leave the organization without an OrganizationAdmin that can log in (an active user or service account with an active cloud API key); grant OrganizationAdmin to another one first';

export type OrgAdminGuard = ReturnType<typeof createOrgAdminGuard>;

export function createOrgAdminGuard(deps: Pick<ServiceDeps, 'organizationId' | 'dialect' | 'clock'>) {
  const orgCrn = organizationCrn(deps.organizationId);

  /** The principals (`User:…`) bound to OrganizationAdmin at organization scope. */
  async function adminPrincipals(db: Executor): Promise<string[]> {
    const rows = await db.selectFrom('role_bindings').select('principal').where('role_name', '=', ORGANIZATION_ADMIN).where('crn_pattern', '=', orgCrn).execute();
    return [...new Set(rows.map((r) => r.principal))];
  }

  async function holdsOrgAdmin(db: Executor, principal: string): Promise<boolean> {
    const row = await db
      .selectFrom('role_bindings')
      .select('id')
      .where('principal', '=', principal)
      .where('role_name', '=', ORGANIZATION_ADMIN)
      .where('crn_pattern', '=', orgCrn)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The administrators who can log in now: active, bound at organization scope, with a usable cloud key. */
  async function usableAdmins(db: Executor): Promise<string[]> {
    const ids = (await adminPrincipals(db)).map((p) => principalId(p));
    if (ids.length === 0) return [];
    const now = nowIso(deps.clock);
    const keyed = await db
      .selectFrom('api_keys')
      .select(['owner_id', 'owner_kind'])
      .distinct()
      .where('owner_id', 'in', ids)
      .where('resource_kind', '=', 'cloud')
      .where('status', '=', 'ACTIVE')
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .execute();
    const users = keyed.filter((k) => k.owner_kind === 'user').map((k) => k.owner_id);
    const accounts = keyed.filter((k) => k.owner_kind === 'service-account').map((k) => k.owner_id);
    const active = [
      ...(users.length === 0 ? [] : await db.selectFrom('users').select('id').where('id', 'in', users).where('status', '=', 'ACTIVE').execute()),
      ...(accounts.length === 0 ? [] : await db.selectFrom('service_accounts').select('id').where('id', 'in', accounts).where('status', '=', 'ACTIVE').execute()),
    ];
    return active.map((r) => principalOf(r.id)).sort();
  }

  /** Serialises the changes that can break the invariant, across instances; the first statement of such a change. */
  async function lock(trx: Executor): Promise<void> {
    if (deps.dialect !== 'postgres') return;
    const row = await trx.selectFrom('organizations').select('id').where('id', '=', deps.organizationId).forUpdate().executeTakeFirst();
    // fail closed: without the row there is nothing to serialise on
    if (!row) throw errors.unavailable('The organization record is missing from the store');
  }

  /** Only an OrganizationAdmin changes a principal that holds OrganizationAdmin (403 otherwise). */
  async function requireAuthorityOver(db: Executor, ctx: CallContext, principalId: string, what: string): Promise<void> {
    const target = principalOf(principalId);
    if (target === ctx.actor.principal) return; // an administrator acting on itself is one
    if (!(await holdsOrgAdmin(db, target))) return;
    if (await holdsOrgAdmin(db, ctx.actor.principal)) return;
    throw errors.forbidden(`Forbidden: ${principalId} is an OrganizationAdmin; only an OrganizationAdmin may ${what}`);
  }

  /**
   * Inside the change, after its writes: 422 (and the change rolls back) when the change took the
   * last administrator who could log in. `before` is how many could, counted under the lock before
   * the writes; when none could already (their keys expired), an unrelated change is not blamed.
   */
  async function requireAdminRemains(trx: Executor, what: string, before: number): Promise<void> {
    if (before > 0 && (await usableAdmins(trx)).length === 0) throw errors.invalid(`${what} ${NO_ADMIN_LEFT}`);
  }

  return {
    lock,
    holdsOrgAdmin,
    usableAdmins,
    requireAuthorityOver,
    requireAdminRemains,
    /**
     * One guarded change to a principal, run inside the caller's transaction: takes the lock, refuses
     * a caller without authority over an OrganizationAdmin target, applies `mutate`, then checks that
     * an administrator can still log in. `action` completes "only an OrganizationAdmin may …";
     * `what` starts the refusal ("Deleting user u-abc123").
     */
    async protect<T>(trx: Executor, ctx: CallContext, target: { principalId: string; action: string; what: string }, mutate: () => Promise<T>): Promise<T> {
      await lock(trx);
      await requireAuthorityOver(trx, ctx, target.principalId, target.action);
      const before = (await usableAdmins(trx)).length;
      const result = await mutate();
      await requireAdminRemains(trx, target.what, before);
      return result;
    },
  };
}

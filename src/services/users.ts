import { errors } from '../domain/errors.js';
import { organizationCrn } from '../domain/crn.js';
import { usersRepo, type UserRow } from '../store/repositories/users.js';
import { isUniqueViolation } from '../store/connect.js';
import { userCrn, visibleOrNotFound } from './access.js';
import { createOrgAdminGuard } from './org-admin-guard.js';
import { applyChange } from './change.js';
import { nowIso, type CallContext, type ServiceDeps } from './context.js';
import { decodePage, visiblePage, type PageRequest, type PageResult } from './pagination.js';
import { requireText } from './validation.js';
import { drawId, freshId } from './fresh-id.js';
import { deleteOwnedBy, type DeletedCounts } from './principals.js';
import type { ApiKeyService } from './api-keys.js';

export type User = UserRow;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function createUserService(deps: ServiceDeps, apiKeys: ApiKeyService) {
  const adminGuard = createOrgAdminGuard(deps);
  const subject = (id: string) => `${organizationCrn(deps.organizationId)}/user=${id}`;

  async function find(id: string): Promise<User> {
    const row = await usersRepo.find(deps.db, id);
    if (!row) throw errors.notFound('User', id);
    return row;
  }

  /** Everyone may read themselves; others need `user:read`. */
  const canRead = async (ctx: CallContext, id: string) => (ctx.actor.kind === 'user' && ctx.actor.id === id) || deps.authz.can(ctx, 'user:read', userCrn(deps.organizationId, id));

  /** The user, if the caller may read it; otherwise 404, as for an id that does not exist. */
  async function findVisible(ctx: CallContext, id: string): Promise<User> {
    return visibleOrNotFound(await usersRepo.find(deps.db, id), () => canRead(ctx, id), 'User', id);
  }

  return {
    get: (ctx: CallContext, id: string) => findVisible(ctx, id),
    /** The users the caller may read. */
    async list(ctx: CallContext, page: PageRequest): Promise<PageResult<User>> {
      const p = decodePage(page);
      const rows = await usersRepo.all(deps.db);
      return visiblePage(rows, (row) => canRead(ctx, row.id), p);
    },
    /** Creates the user and its first `cloud` key; the secret is in this answer only. */
    async create(ctx: CallContext, input: { email: unknown; fullName: unknown }): Promise<{ user: User; key: string; secret: string }> {
      await deps.authz.require(ctx, 'user:manage', organizationCrn(deps.organizationId));
      const email = requireText(input.email, 'email', 254).toLowerCase();
      if (!EMAIL.test(email)) throw errors.invalid(`"${email}" is not an email address`);
      const fullName = requireText(input.fullName, 'full_name', 128);
      if (await usersRepo.findByEmail(deps.db, email)) throw errors.conflict(`A user with email "${email}" already exists`);
      const now = nowIso(deps.clock);
      return applyChange(deps, ctx, async (tools) => {
        // Checked again inside the (serialised) change: two concurrent requests both pass the check above.
        if (await usersRepo.findByEmail(tools.trx, email)) throw errors.conflict(`A user with email "${email}" already exists`);
        const id = await freshId((c) => usersRepo.find(tools.trx, c), drawId('user'));
        const user: User = { id, email, full_name: fullName, status: 'ACTIVE', created_at: now, updated_at: now };
        await usersRepo.insert(tools.trx, user);
        tools.audit({ method: 'iam.CreateUser', subject: subject(id), details: { id, email } });
        const { row, secret } = await apiKeys.insertKey(tools, {
          owner: { id, kind: 'user' },
          resource: { id: 'cloud', kind: 'cloud', environment: null },
          displayName: '',
          description: `First cloud API key of ${email}`,
          expiresAt: null,
        });
        return { user, key: row.id, secret };
      }).catch(async (error: unknown) => {
        // Another instance inserted the same email between our check and our insert.
        if (isUniqueViolation(error) && (await usersRepo.findByEmail(deps.db, email))) throw errors.conflict(`A user with email "${email}" already exists`);
        throw error;
      });
    },
    async update(ctx: CallContext, id: string, input: { fullName?: unknown }): Promise<User> {
      await findVisible(ctx, id);
      // anyone may correct their own name; others need user:manage
      if (!(ctx.actor.kind === 'user' && ctx.actor.id === id)) await deps.authz.require(ctx, 'user:manage', userCrn(deps.organizationId, id));
      if (input.fullName === undefined) throw errors.invalid('Nothing to update: give a full_name');
      const fullName = requireText(input.fullName, 'full_name', 128);
      await applyChange(deps, ctx, async ({ trx, audit }) => {
        await adminGuard.requireAuthorityOver(trx, ctx, id, `update user ${id}`);
        await usersRepo.update(trx, id, { full_name: fullName, updated_at: nowIso(deps.clock) });
        audit({ method: 'iam.UpdateUser', subject: subject(id), details: { id, full_name: fullName } });
      });
      return find(id);
    },
    /** Deletes the user with all its API keys, role bindings and ACLs, in one transaction. */
    async delete(ctx: CallContext, id: string): Promise<DeletedCounts> {
      await findVisible(ctx, id);
      await deps.authz.require(ctx, 'user:manage', userCrn(deps.organizationId, id));
      if (ctx.actor.kind === 'user' && ctx.actor.id === id) throw errors.invalid('You cannot delete your own user');
      return applyChange(deps, ctx, async (tools) =>
        adminGuard.protect(tools.trx, ctx, { principalId: id, action: `delete user ${id}`, what: `Deleting user ${id}` }, async () => {
          const counts = await deleteOwnedBy(tools, id);
          await usersRepo.delete(tools.trx, id);
          tools.audit({ method: 'iam.DeleteUser', subject: subject(id), details: { id, deleted: counts } });
          return counts;
        }),
      );
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;

import { errors } from '../domain/errors.js';
import { buildCrn, organizationCrn } from '../domain/crn.js';
import { serviceAccountsRepo, type ServiceAccountRow } from '../store/repositories/service-accounts.js';
import { isUniqueViolation } from '../store/connect.js';
import { serviceAccountCrn, visibleOrNotFound } from './access.js';
import { createOrgAdminGuard } from './org-admin-guard.js';
import { applyChange } from './change.js';
import { nowIso, type CallContext, type ServiceDeps } from './context.js';
import { decodePage, visiblePage, type PageRequest, type PageResult } from './pagination.js';
import { requireText } from './validation.js';
import { drawId, freshId } from './fresh-id.js';
import { deleteOwnedBy, type DeletedCounts } from './principals.js';

export type ServiceAccount = ServiceAccountRow;
export const DUPLICATE_SERVICE_ACCOUNT = 'Service name is already in use';

export function createServiceAccountService(deps: ServiceDeps) {
  const subject = (id: string) => buildCrn({ organization: deps.organizationId, leaf: { type: 'service-account', name: id } });

  async function find(id: string): Promise<ServiceAccount> {
    const row = await serviceAccountsRepo.find(deps.db, id);
    if (!row) throw errors.notFound('Service account', id);
    return row;
  }

  const crn = (id: string) => serviceAccountCrn(deps.organizationId, id);
  const adminGuard = createOrgAdminGuard(deps);

  /** The account, if the caller may read it; otherwise 404, as for an id that does not exist. */
  async function findVisible(ctx: CallContext, id: string): Promise<ServiceAccount> {
    return visibleOrNotFound(await serviceAccountsRepo.find(deps.db, id), () => deps.authz.can(ctx, 'service-account:read', crn(id)), 'Service account', id);
  }

  async function setStatus(ctx: CallContext, id: string, status: 'ACTIVE' | 'DISABLED'): Promise<ServiceAccount> {
    const sa = await findVisible(ctx, id);
    await deps.authz.require(ctx, 'service-account:manage', crn(id));
    const verb = status === 'DISABLED' ? 'disable' : 'enable';
    await adminGuard.requireAuthorityOver(deps.db, ctx, id, `${verb} service account ${id}`);
    if (sa.status !== status) {
      await applyChange(deps, ctx, async ({ trx, audit, changed }) =>
        adminGuard.protect(trx, ctx, { principalId: id, action: `${verb} service account ${id}`, what: `${status === 'DISABLED' ? 'Disabling' : 'Enabling'} service account ${id}` }, async () => {
          await serviceAccountsRepo.update(trx, id, { status, updated_at: nowIso(deps.clock) });
          audit({ method: status === 'DISABLED' ? 'iam.DisableServiceAccount' : 'iam.EnableServiceAccount', subject: subject(id), details: { id } });
          changed({ kind: 'owner', id });
        }),
      );
    }
    return find(id);
  }

  return {
    get: findVisible,
    /** The service accounts the caller may read. */
    async list(ctx: CallContext, filter: { displayName?: string }, page: PageRequest): Promise<PageResult<ServiceAccount>> {
      const p = decodePage(page);
      const rows = await serviceAccountsRepo.all(deps.db, { name: filter.displayName });
      return visiblePage(rows, (row) => deps.authz.can(ctx, 'service-account:read', crn(row.id)), p);
    },
    async create(ctx: CallContext, input: { name: unknown; description: unknown }): Promise<ServiceAccount> {
      await deps.authz.require(ctx, 'service-account:manage', organizationCrn(deps.organizationId));
      const name = requireText(input.name, 'display_name', 64);
      const description = input.description === undefined ? '' : requireText(input.description, 'description', 128, { allowEmpty: true });
      if (await serviceAccountsRepo.findByName(deps.db, name)) throw errors.conflict(DUPLICATE_SERVICE_ACCOUNT);
      const now = nowIso(deps.clock);
      return applyChange(deps, ctx, async ({ trx, audit }) => {
        if (await serviceAccountsRepo.findByName(trx, name)) throw errors.conflict(DUPLICATE_SERVICE_ACCOUNT);
        const id = await freshId((c) => serviceAccountsRepo.find(trx, c), drawId('serviceAccount'));
        const row: ServiceAccount = { id, name, description, status: 'ACTIVE', created_at: now, updated_at: now };
        await serviceAccountsRepo.insert(trx, row);
        audit({ method: 'iam.CreateServiceAccount', subject: subject(id), details: { id, display_name: name } });
        return row;
      }).catch(async (error: unknown) => {
        // Another instance inserted the same name between our check and our insert.
        if (isUniqueViolation(error) && (await serviceAccountsRepo.findByName(deps.db, name))) throw errors.conflict(DUPLICATE_SERVICE_ACCOUNT);
        throw error;
      });
    },
    async update(ctx: CallContext, id: string, input: { description?: unknown }): Promise<ServiceAccount> {
      await findVisible(ctx, id);
      await deps.authz.require(ctx, 'service-account:manage', crn(id));
      if (input.description === undefined) throw errors.invalid('Nothing to update: give a description');
      const description = requireText(input.description, 'description', 128, { allowEmpty: true });
      await applyChange(deps, ctx, async ({ trx, audit }) => {
        await adminGuard.requireAuthorityOver(trx, ctx, id, `update service account ${id}`);
        await serviceAccountsRepo.update(trx, id, { description, updated_at: nowIso(deps.clock) });
        audit({ method: 'iam.UpdateServiceAccount', subject: subject(id), details: { id, description } });
      });
      return find(id);
    },
    /** Deletes the account with all its API keys, role bindings and ACLs, in one transaction. */
    async delete(ctx: CallContext, id: string): Promise<DeletedCounts> {
      await findVisible(ctx, id);
      await deps.authz.require(ctx, 'service-account:manage', crn(id));
      return applyChange(deps, ctx, async (tools) =>
        adminGuard.protect(tools.trx, ctx, { principalId: id, action: `delete service account ${id}`, what: `Deleting service account ${id}` }, async () => {
          const counts = await deleteOwnedBy(tools, id);
          await serviceAccountsRepo.delete(tools.trx, id);
          tools.audit({ method: 'iam.DeleteServiceAccount', subject: subject(id), details: { id, deleted: counts } });
          return counts;
        }),
      );
    },
    disable: (ctx: CallContext, id: string) => setStatus(ctx, id, 'DISABLED'),
    enable: (ctx: CallContext, id: string) => setStatus(ctx, id, 'ACTIVE'),
  };
}

export type ServiceAccountService = ReturnType<typeof createServiceAccountService>;

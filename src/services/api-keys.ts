import { errors } from '../domain/errors.js';
import { newApiKeyId } from '../domain/ids.js';
import { generateSecret, hashSecret } from '../domain/secrets.js';
import { organizationCrn, resourceCrn } from '../domain/crn.js';
import { parseDuration } from '../domain/durations.js';
import { apiKeysRepo, type ApiKeyRow } from '../store/repositories/api-keys.js';
import { clustersRepo } from '../store/repositories/clusters.js';
import { usersRepo } from '../store/repositories/users.js';
import { serviceAccountsRepo } from '../store/repositories/service-accounts.js';
import type { Executor } from '../store/repositories/executor.js';
import { keyAccess, type KeyTarget } from './access.js';
import { createAuthority } from './authority.js';
import { clusterCrn } from './clusters.js';
import { applyChange, type ChangeTools } from './change.js';
import { nowIso, type Actor, type CallContext, type ServiceDeps } from './context.js';
import { decodePage, pageResult, visiblePage, type PageRequest, type PageResult } from './pagination.js';
import { parseTimestamp, requireText } from './validation.js';
import { freshId } from './fresh-id.js';
import { enforceKeyPolicy } from './policy.js';
import { createOrgAdminGuard } from './org-admin-guard.js';

export type OwnerKind = 'user' | 'service-account';
export type ResourceKind = 'cloud' | 'kafka' | 'schema-registry';
import { API_KEY_STATES, isOneOf, type ApiKeyState } from '../contract/enums.js';
import { principalOf } from '../domain/principal.js';

export type KeyState = ApiKeyState;

/** An API key as anyone outside the store sees it: never the secret hash. */
export interface ApiKeyView {
  id: string;
  display_name: string;
  description: string;
  owner: { id: string; kind: OwnerKind; email: string };
  resource: { id: string; kind: ResourceKind; environment: string | null };
  status: 'ACTIVE' | 'DISABLED';
  state: KeyState;
  created_at: string;
  updated_at: string;
  expires_at: string | null;
  last_used: string | null;
  replaces: string | null;
  replaced_by: string | null;
  /** For a disabled key: who disabled it and why (`owner`, `admin`, `leak`, `unknown`), which decides who may enable it. */
  disabled?: { by: string | null; reason: string; at: string | null };
}

export interface CreatedApiKey {
  key: ApiKeyView;
  secret: string;
}

export const SERVICE_ACCOUNT_EMAIL = '<service account>';
export const MAX_KEY_DESCRIPTION = 256;

export function keyState(row: Pick<ApiKeyRow, 'status' | 'expires_at'>, now: Date): KeyState {
  if (row.expires_at !== null && row.expires_at <= now.toISOString()) return 'expired';
  return row.status === 'DISABLED' ? 'disabled' : 'active';
}

export interface CreateKeyInput {
  resource: unknown;
  serviceAccount?: unknown;
  displayName?: unknown;
  description?: unknown;
  expiresIn?: unknown;
  expiresAt?: unknown;
}

export function createApiKeyService(deps: ServiceDeps) {
  async function resolveResource(db: Executor, resource: unknown): Promise<{ id: string; kind: ResourceKind; environment: string | null }> {
    if (typeof resource !== 'string' || resource === '') throw errors.invalid('resource is required: a Kafka cluster id (lkc-…), a Schema Registry id (lsrc-…) or "cloud"');
    if (resource === 'cloud') return { id: 'cloud', kind: 'cloud', environment: null };
    const cluster = await clustersRepo.find(db, resource);
    if (!cluster) {
      if (!/^(lkc|lsrc)-/.test(resource)) throw errors.invalid(`Unknown resource "${resource}": use a Kafka cluster id (lkc-…), a Schema Registry id (lsrc-…) or "cloud"`);
      throw errors.notFound(resource.startsWith('lkc-') ? 'Kafka cluster' : 'Schema Registry cluster', resource);
    }
    return { id: cluster.id, kind: cluster.kind, environment: cluster.environment_id };
  }

  async function ownerEmails(db: Executor, rows: ApiKeyRow[]): Promise<Map<string, string>> {
    const userIds = [...new Set(rows.filter((r) => r.owner_kind === 'user').map((r) => r.owner_id))];
    const users = await usersRepo.findMany(db, userIds);
    return new Map(users.map((u) => [u.id, u.email]));
  }

  async function environments(db: Executor, rows: ApiKeyRow[]): Promise<Map<string, string>> {
    const ids = [...new Set(rows.filter((r) => r.resource_kind !== 'cloud').map((r) => r.resource_id))];
    const map = new Map<string, string>();
    for (const id of ids) {
      const cluster = await clustersRepo.find(db, id);
      if (cluster) map.set(id, cluster.environment_id);
    }
    return map;
  }

  async function toViews(db: Executor, rows: ApiKeyRow[]): Promise<ApiKeyView[]> {
    const emails = await ownerEmails(db, rows);
    const envs = await environments(db, rows);
    const now = deps.clock();
    return rows.map((row) => ({
      id: row.id,
      display_name: row.display_name,
      description: row.description,
      owner: { id: row.owner_id, kind: row.owner_kind, email: row.owner_kind === 'user' ? (emails.get(row.owner_id) ?? '') : SERVICE_ACCOUNT_EMAIL },
      resource: { id: row.resource_id, kind: row.resource_kind, environment: envs.get(row.resource_id) ?? null },
      status: row.status === 'DISABLED' ? 'DISABLED' : 'ACTIVE',
      state: keyState(row, now),
      created_at: row.created_at,
      updated_at: row.updated_at,
      expires_at: row.expires_at,
      last_used: row.last_used,
      replaces: row.replaces,
      replaced_by: row.replaced_by,
      ...(row.status === 'DISABLED' && row.disabled_reason !== null ? { disabled: { by: row.disabled_by, reason: row.disabled_reason, at: row.disabled_at } } : {}),
    }));
  }

  async function view(db: Executor, row: ApiKeyRow): Promise<ApiKeyView> {
    const [v] = await toViews(db, [row]);
    return v as ApiKeyView;
  }

  const access = keyAccess(deps);
  const authority = createAuthority(deps);

  /**
   * A new key on a cluster needs read access to that cluster (the permission of its GET): one the
   * caller may not see is missing, as in GET. `cloud` keys belong to no cluster.
   */
  async function requireReadableResource(ctx: CallContext, resource: { id: string; kind: ResourceKind }): Promise<void> {
    if (resource.kind === 'cloud') return;
    const label = resource.kind === 'kafka' ? 'Kafka cluster' : 'Schema Registry cluster';
    const cluster = await clustersRepo.find(deps.db, resource.id);
    if (!cluster || !(await deps.authz.can(ctx, 'cluster:read', clusterCrn(deps.organizationId, cluster)))) throw errors.notFound(label, resource.id);
  }

  /** A key for another principal acts as that principal: the caller needs authority over it (DESIGN §9). */
  async function requireAuthorityOverOwner(ctx: CallContext, owner: { id: string }, doing: string, db: Executor = deps.db): Promise<void> {
    await authority.requireAuthorityOver(ctx.actor.principal, principalOf(owner.id), doing, db);
  }

  /**
   * Why the caller may not enable this disabled key, or undefined. Re-enabling another principal's
   * key needs authority over its owner; beyond that, a key disabled by its owner may be enabled by
   * it, one disabled by another principal only by that principal or one with authority over it, and
   * a leaked key (or one whose disabling was not recorded) only with OrganizationAdmin's authority.
   */
  async function enableRefusal(ctx: CallContext, row: ApiKeyRow, db: Executor): Promise<string | undefined> {
    const actor = ctx.actor.principal;
    const owner = principalOf(row.owner_id);
    if (owner !== actor) {
      const refusal = await authority.refusalOver(actor, owner, db);
      if (refusal !== undefined) return `re-enabling a key of ${row.owner_id} needs authority over it: ${refusal}`;
    }
    const organizationOnly = async (why: string) =>
      (await authority.holdsOrganizationAuthority(actor, db)) ? undefined : `API key "${row.id}" ${why}; only an OrganizationAdmin may enable it`;
    switch (row.disabled_reason) {
      case null:
      case 'owner':
        return undefined;
      case 'admin': {
        const disabler = row.disabled_by;
        if (disabler === null) return organizationOnly('was disabled by an administrator no longer known');
        if (disabler === ctx.actor.id) return undefined;
        const exists = disabler.startsWith('sa-') ? await serviceAccountsRepo.find(db, disabler) : await usersRepo.find(db, disabler);
        if (!exists) return organizationOnly(`was disabled by ${disabler}, who no longer exists`);
        const refusal = await authority.refusalOver(actor, principalOf(disabler), db);
        return refusal === undefined ? undefined : `API key "${row.id}" was disabled by ${disabler}; enabling it needs authority over ${disabler}: ${refusal}`;
      }
      case 'leak':
        return organizationOnly('was disabled by a leak report');
      default:
        return organizationOnly('was disabled before keyward recorded who disabled keys');
    }
  }
  const adminGuard = createOrgAdminGuard(deps);

  async function targetOf(db: Executor, row: Pick<ApiKeyRow, 'owner_kind' | 'owner_id' | 'resource_kind' | 'resource_id'>): Promise<KeyTarget> {
    const cluster = row.resource_kind === 'cloud' ? undefined : await clustersRepo.find(db, row.resource_id);
    return { owner: { kind: row.owner_kind, id: row.owner_id }, resourceCrn: cluster ? clusterCrn(deps.organizationId, cluster) : undefined };
  }

  /**
   * The key, if the caller may act on it at this level. A key the caller may not even read is
   * reported as missing, so ids cannot be probed; one it may read but not manage is a 403.
   */
  async function findAccessible(ctx: CallContext, id: string, level: 'read' | 'manage'): Promise<ApiKeyRow> {
    const row = await apiKeysRepo.find(deps.db, id);
    if (!row) throw errors.notFound('API key', id);
    const target = await targetOf(deps.db, row);
    if (!(await access.can(ctx, target, 'read'))) throw errors.notFound('API key', id);
    if (level === 'manage' && !(await access.can(ctx, target, 'manage'))) throw errors.forbidden(`Forbidden: you may read but not manage API key "${id}"`);
    return row;
  }
  const findManageable = (ctx: CallContext, id: string) => findAccessible(ctx, id, 'manage');

  function expiryFrom(input: CreateKeyInput, now: Date): string | null {
    if (input.expiresIn !== undefined && input.expiresAt !== undefined && input.expiresIn !== null && input.expiresAt !== null) {
      throw errors.invalid('Give either expires_in or expires_at, not both');
    }
    if (typeof input.expiresIn === 'string' && input.expiresIn !== '') {
      const ms = parseDuration(input.expiresIn, 'expires_in');
      if (ms <= 0) throw errors.invalid('expires_in must be greater than zero');
      return new Date(now.getTime() + ms).toISOString();
    }
    if (typeof input.expiresAt === 'string' && input.expiresAt !== '') {
      const at = parseTimestamp(input.expiresAt, 'expires_at');
      if (at.getTime() <= now.getTime()) throw errors.invalid('expires_at must be in the future');
      return at.toISOString();
    }
    if ((input.expiresIn !== undefined && input.expiresIn !== null) || (input.expiresAt !== undefined && input.expiresAt !== null)) {
      throw errors.invalid('expires_in and expires_at must be strings');
    }
    return null;
  }

  /** Inserts a key inside the caller's change; the secret is returned once and only its hash is kept. */
  async function insertKey(
    tools: ChangeTools,
    input: { owner: { id: string; kind: OwnerKind }; resource: { id: string; kind: ResourceKind; environment: string | null }; displayName: string; description: string; expiresAt: string | null; replaces?: string },
  ): Promise<{ row: ApiKeyRow; secret: string }> {
    const id = await freshId((c) => apiKeysRepo.find(tools.trx, c), newApiKeyId);
    const secret = generateSecret();
    const now = nowIso(deps.clock);
    const row: ApiKeyRow = {
      id,
      secret_hash: hashSecret(secret),
      owner_id: input.owner.id,
      owner_kind: input.owner.kind,
      resource_id: input.resource.id,
      resource_kind: input.resource.kind,
      display_name: input.displayName,
      description: input.description,
      status: 'ACTIVE',
      created_at: now,
      updated_at: now,
      expires_at: input.expiresAt,
      last_used: null,
      replaces: input.replaces ?? null,
      replaced_by: null,
      disabled_by: null,
      disabled_reason: null,
      disabled_at: null,
    };
    await apiKeysRepo.insert(tools.trx, row);
    tools.audit({
      method: 'iam.CreateAPIKey',
      subject: keySubject(input.resource),
      // a key issued by `api-key rotate` names the key it replaces: `audit-log list --target` on it shows where it came from
      details: { id, owner: input.owner.id, resource: input.resource.id, ...(input.expiresAt ? { expires_at: input.expiresAt } : {}), ...(input.replaces ? { replaces: input.replaces } : {}) },
    });
    tools.changed({ kind: 'api-key', id });
    return { row, secret };
  }

  /** The subject of a stored key's events: its cluster's CRN (with the environment), as at creation. */
  async function rowSubject(db: Executor, row: ApiKeyRow): Promise<string> {
    const cluster = row.resource_kind === 'cloud' ? undefined : await clustersRepo.find(db, row.resource_id);
    return keySubject({ id: row.resource_id, kind: row.resource_kind, environment: cluster?.environment_id ?? null });
  }

  function keySubject(resource: { id: string; kind: ResourceKind; environment: string | null }): string {
    return resourceCrn(deps.organizationId, resource);
  }

  /** The owner a new key names, by the shape of its id; whether it exists is asked after the access check. */
  function resolveOwner(actor: Actor, serviceAccount: unknown): { id: string; kind: OwnerKind } {
    if (serviceAccount === undefined || serviceAccount === null || serviceAccount === '') return { id: actor.id, kind: actor.kind };
    if (typeof serviceAccount !== 'string') throw errors.invalid('owner must be a service account or user id');
    return { id: serviceAccount, kind: serviceAccount.startsWith('u-') ? 'user' : 'service-account' };
  }

  /**
   * 404 for an owner that does not exist. Asked only once the caller may create keys for that id:
   * anyone else gets the same 403 for an existing and a missing owner (DESIGN §9).
   */
  async function requireOwnerExists(owner: { id: string; kind: OwnerKind }): Promise<void> {
    if (owner.kind === 'user' && !(await usersRepo.find(deps.db, owner.id))) throw errors.notFound('User', owner.id);
    if (owner.kind === 'service-account' && !(await serviceAccountsRepo.find(deps.db, owner.id))) throw errors.notFound('Service account', owner.id);
  }

  /** May the caller act on this stored key at this level (the rules of `keyAccess`)? */
  const canAccess = async (ctx: CallContext, row: ApiKeyRow, level: 'read' | 'manage') => access.can(ctx, await targetOf(deps.db, row), level);

  /** May the caller read every key (`api-key:read` on the organization: OrganizationAdmin, AccountAdmin)? Anyone else reads a key as `canAccess` says. */
  const readsEveryKey = (ctx: CallContext) => deps.authz.can(ctx, 'api-key:read', organizationCrn(deps.organizationId));

  return {
    findAccessible,
    canAccess,
    readsEveryKey,
    rowSubject,
    toViews,
    insertKey,
    keySubject,
    resolveResource,
    requireReadableResource,
    requireAuthorityOverOwner,
    async create(ctx: CallContext, input: CreateKeyInput): Promise<CreatedApiKey> {
      const owner = resolveOwner(ctx.actor, input.serviceAccount);
      const resource = await resolveResource(deps.db, input.resource);
      await requireReadableResource(ctx, resource);
      const resourceCluster = resource.kind === 'cloud' ? undefined : await clustersRepo.find(deps.db, resource.id);
      await access.requireCreate(ctx, { owner, resourceCrn: resourceCluster ? clusterCrn(deps.organizationId, resourceCluster) : undefined });
      await requireOwnerExists(owner);
      const description = input.description === undefined ? '' : requireText(input.description, 'description', MAX_KEY_DESCRIPTION, { allowEmpty: true });
      const displayName = input.displayName === undefined ? '' : requireText(input.displayName, 'display_name', 64, { allowEmpty: true });
      const expiresAt = expiryFrom(input, deps.clock());
      return applyChange(deps, ctx, async (tools) => {
        await requireAuthorityOverOwner(ctx, owner, `creating keys for ${owner.id}`, tools.trx);
        await enforceKeyPolicy(tools.trx, { owner, resource, expiresAt, now: deps.clock() });
        const { row, secret } = await insertKey(tools, { owner, resource, displayName, description, expiresAt });
        return { key: await view(tools.trx, row), secret };
      });
    },
    async get(ctx: CallContext, id: string): Promise<ApiKeyView> {
      return view(deps.db, await findAccessible(ctx, id, 'read'));
    },
    async list(
      ctx: CallContext,
      filter: { owner?: string; resource?: string; environment?: string; status?: string },
      page: PageRequest,
    ): Promise<PageResult<ApiKeyView>> {
      const p = decodePage(page);
      if (filter.status !== undefined && !isOneOf(API_KEY_STATES, filter.status)) {
        throw errors.invalidFilter(`status must be one of ${API_KEY_STATES.join(', ')} (got "${filter.status}")`);
      }
      const ownerId = filter.owner;
      let resourceIds: string[] | undefined;
      if (filter.environment !== undefined) {
        const kafka = await clustersRepo.all(deps.db, 'kafka', { environmentId: filter.environment });
        const registries = await clustersRepo.all(deps.db, 'schema-registry', { environmentId: filter.environment });
        resourceIds = [...kafka, ...registries].map((c) => c.id);
      }
      const repoFilter = { ownerId, resourceId: filter.resource, resourceIds, status: filter.status as 'active' | undefined, now: nowIso(deps.clock) };
      // Whoever may read every key pages in the database; anyone else sees the keys they may read, filtered here.
      if (await readsEveryKey(ctx)) {
        const { rows, total } = await apiKeysRepo.list(deps.db, repoFilter, p);
        return pageResult(await toViews(deps.db, rows), total, p);
      }
      const { rows } = await apiKeysRepo.list(deps.db, repoFilter, { limit: 1_000_000, offset: 0 });
      const visible = await visiblePage(rows, async (row) => access.can(ctx, await targetOf(deps.db, row), 'read'), p);
      return { ...visible, items: await toViews(deps.db, visible.items) };
    },
    async update(ctx: CallContext, id: string, input: { description?: unknown; displayName?: unknown }): Promise<ApiKeyView> {
      const row = await findManageable(ctx, id);
      await adminGuard.requireAuthorityOver(deps.db, ctx, row.owner_id, `change API key ${id}`);
      const patch: { description?: string; display_name?: string } = {};
      if (input.description !== undefined) patch.description = requireText(input.description, 'description', MAX_KEY_DESCRIPTION, { allowEmpty: true });
      if (input.displayName !== undefined) patch.display_name = requireText(input.displayName, 'display_name', 64, { allowEmpty: true });
      if (Object.keys(patch).length === 0) throw errors.invalid('Nothing to update: give a description or a display_name');
      await applyChange(deps, ctx, async ({ trx, audit }) => {
        await apiKeysRepo.update(trx, id, { ...patch, updated_at: nowIso(deps.clock) });
        audit({ method: 'iam.UpdateAPIKey', subject: await rowSubject(trx, row), apiKey: ctx.actor.apiKeyId, details: { id, ...patch } });
      });
      return view(deps.db, await findAccessible(ctx, id, 'read'));
    },
    async delete(ctx: CallContext, id: string): Promise<void> {
      const row = await findManageable(ctx, id);
      await applyChange(deps, ctx, async ({ trx, audit, changed }) =>
        adminGuard.protect(trx, ctx, { principalId: row.owner_id, action: `delete API key ${id}`, what: `Deleting API key ${id}` }, async () => {
          await apiKeysRepo.delete(trx, id);
          if (row.replaces) await apiKeysRepo.update(trx, row.replaces, { replaced_by: null });
          if (row.replaced_by) await apiKeysRepo.update(trx, row.replaced_by, { replaces: null });
          audit({ method: 'iam.DeleteAPIKey', subject: await rowSubject(trx, row), details: { id, owner: row.owner_id, resource: row.resource_id } });
          changed({ kind: 'api-key', id });
        }),
      );
    },
    async setStatus(ctx: CallContext, id: string, status: 'ACTIVE' | 'DISABLED'): Promise<ApiKeyView> {
      const row = await findManageable(ctx, id);
      const verb = status === 'DISABLED' ? 'disable' : 'enable';
      await adminGuard.requireAuthorityOver(deps.db, ctx, row.owner_id, `${verb} API key ${id}`);
      if (row.status !== status) {
        await applyChange(deps, ctx, async ({ trx, audit, changed }) =>
          adminGuard.protect(trx, ctx, { principalId: row.owner_id, action: `${verb} API key ${id}`, what: `${status === 'DISABLED' ? 'Disabling' : 'Enabling'} API key ${id}` }, async () => {
            const current = (await apiKeysRepo.find(trx, id)) ?? row;
            const now = nowIso(deps.clock);
            // who disabled the key and why decides who may enable it again (enableRefusal)
            let disabling: Pick<ApiKeyRow, 'disabled_by' | 'disabled_reason' | 'disabled_at'>;
            if (status === 'ACTIVE') {
              const refusal = await enableRefusal(ctx, current, trx);
              if (refusal !== undefined) throw errors.forbidden(`Forbidden: ${refusal}`);
              disabling = { disabled_by: null, disabled_reason: null, disabled_at: null };
            } else {
              disabling = { disabled_by: ctx.actor.id, disabled_reason: ctx.actor.id === current.owner_id ? 'owner' : 'admin', disabled_at: now };
            }
            await apiKeysRepo.update(trx, id, { status, updated_at: now, ...disabling });
            audit({ method: status === 'DISABLED' ? 'iam.DisableAPIKey' : 'iam.EnableAPIKey', subject: await rowSubject(trx, row), details: { id } });
            changed({ kind: 'api-key', id });
          }),
        );
      }
      return view(deps.db, await findAccessible(ctx, id, 'read'));
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;

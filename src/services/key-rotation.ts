/**
 * `api-key rotate` (DESIGN §6, "Stripe's roll, made safe"): one change issues a new key with the
 * old key's owner, resource, display name and description, links the two (`replaces` /
 * `replaced_by`) and moves the old key's expiry to the end of the grace period. During the grace
 * both keys authenticate; `last_used` on each shows which one the clients use.
 *
 * With `service_account`, the new key belongs to that service account instead of the old key's
 * owner: how a user's key in production is handed over to a service account without breaking the
 * client that still uses it (the advisor's `user-key-in-production` remediation).
 */
import { errors } from '../domain/errors.js';
import { formatDuration, parseDuration } from '../domain/durations.js';
import { DEFAULT_ROTATION_GRACE, ROTATION_GRACE } from '../contract/durations.js';
import { rotatedKeyExpiry } from '../domain/policy.js';
import { apiKeysRepo, type ApiKeyRow } from '../store/repositories/api-keys.js';
import { clustersRepo } from '../store/repositories/clusters.js';
import { serviceAccountsRepo } from '../store/repositories/service-accounts.js';
import { keyAccess } from './access.js';
import { clusterCrn } from './clusters.js';
import { keyState, type ApiKeyService, type ApiKeyView } from './api-keys.js';
import { applyChange } from './change.js';
import type { CallContext, ServiceDeps } from './context.js';
import { enforceKeyPolicy, readPolicy } from './policy.js';
import { createOrgAdminGuard } from './org-admin-guard.js';

const MAX_ROTATION_GRACE_MS = ROTATION_GRACE.maxMs as number;

export interface RotatedKey {
  key: ApiKeyView;
  secret: string;
  /** The rotated-out key. */
  replaces: string;
  /** When the rotated-out key stops working: min(its previous expiry, now + grace). */
  old_key_expires_at: string;
}

/** Parses `--grace`: a duration from 0 (the old key expires now) to 7 days; default 24h. */
export function parseGrace(value: unknown): number {
  if (value === undefined || value === null || value === '') return parseDuration(DEFAULT_ROTATION_GRACE);
  if (typeof value !== 'string') throw errors.invalid('grace must be a duration such as 24h, 30m or 0');
  const ms = parseDuration(value, 'grace');
  if (ms > MAX_ROTATION_GRACE_MS) throw errors.invalid(`grace must be from 0 to 7d (got ${value})`);
  return ms;
}

function createCommand(row: ApiKeyRow): string {
  const owner = row.owner_kind === 'service-account' ? ` --service-account ${row.owner_id}` : '';
  const description = row.description ? ` --description ${JSON.stringify(row.description)}` : '';
  return `keyward api-key create --resource ${row.resource_id}${owner}${description}`;
}

/** Why this key cannot be rotated now, or nothing. */
function refuseRotation(row: ApiKeyRow, now: Date): void {
  if (row.replaced_by !== null) {
    throw errors.invalid(
      `API key ${row.id} was already rotated: its replacement is ${row.replaced_by}. Rotate that key instead: keyward api-key rotate ${row.replaced_by}`,
    );
  }
  const state = keyState(row, now);
  if (state === 'expired') {
    throw errors.invalid(`API key ${row.id} expired at ${row.expires_at} and cannot be rotated; create a new key instead: ${createCommand(row)}`);
  }
  if (state === 'disabled') {
    throw errors.invalid(
      `API key ${row.id} is disabled and cannot be rotated: enable it first (keyward api-key enable ${row.id}), or create a new key: ${createCommand(row)}`,
    );
  }
}

/** The service account a rotation hands the new key to: an `sa-` id, or nothing (the old key's owner keeps it). */
function parseNewOwner(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !value.startsWith('sa-')) {
    throw errors.invalid(`service_account must be the id of a service account (sa-…)${typeof value === 'string' ? ` (got "${value}")` : ''}`);
  }
  return value;
}

export function createKeyRotationService(deps: ServiceDeps, apiKeys: ApiKeyService) {
  const adminGuard = createOrgAdminGuard(deps);
  const access = keyAccess(deps);
  return {
    async rotate(ctx: CallContext, id: string, input: { grace?: unknown; serviceAccount?: unknown } = {}): Promise<RotatedKey> {
      const graceMs = parseGrace(input.grace);
      const named = parseNewOwner(input.serviceAccount);
      // Who may manage the key, as for every other key operation: a key the caller may not read is
      // missing (404), one it may read but not manage is a 403.
      const found = await apiKeys.findAccessible(ctx, id, 'manage');
      // naming the key's own service account is an ordinary rotation
      const newOwner = named === found.owner_id ? undefined : named;
      // Rotating issues a new key with the old key's owner: for another user's key that would be
      // creating a key for another user, which nobody may do (DESIGN §5). Handing the new key to a
      // service account creates none for the user.
      if (newOwner === undefined && found.owner_kind === 'user' && !(ctx.actor.kind === 'user' && ctx.actor.id === found.owner_id)) {
        throw errors.forbidden(`Nobody can create API keys for another user: only ${found.owner_id} may rotate API key "${id}"; disable or delete it instead`);
      }
      refuseRotation(found, deps.clock());
      const resource = await apiKeys.resolveResource(deps.db, found.resource_id);
      const owner = newOwner === undefined ? { kind: found.owner_kind, id: found.owner_id } : { kind: 'service-account' as const, id: newOwner };
      // and a new key on a cluster needs read access to it, as for `api-key create`
      await apiKeys.requireReadableResource(ctx, resource);
      if (newOwner !== undefined) {
        // a key for another owner is a new key for it: the checks of `api-key create`, then its existence
        const cluster = resource.kind === 'cloud' ? undefined : await clustersRepo.find(deps.db, resource.id);
        await access.requireCreate(ctx, { owner, resourceCrn: cluster ? clusterCrn(deps.organizationId, cluster) : undefined });
        if (!(await serviceAccountsRepo.find(deps.db, newOwner))) throw errors.notFound('Service account', newOwner);
      }

      // a rotation with grace 0 expires the old key now: guarded like a disable (org-admin-guard.ts)
      const guarded = { principalId: found.owner_id, action: `rotate API key ${id}`, what: `Rotating API key ${id}` };
      return applyChange(deps, ctx, async (tools) => adminGuard.protect(tools.trx, ctx, guarded, async () => {
        const { trx } = tools;
        const now = deps.clock();
        const old = await apiKeysRepo.find(trx, id);
        if (!old) throw errors.notFound('API key', id);
        refuseRotation(old, now);
        // the new key acts as its owner: rotating another principal's key needs authority over it
        await apiKeys.requireAuthorityOverOwner(ctx, owner, `rotating API key "${id}"`, trx);
        const newExpiry = rotatedKeyExpiry(await readPolicy(trx), old, now);
        // the new key replaces one of its owner's, so it counts against the quota only for a new owner
        await enforceKeyPolicy(trx, { owner, resource, expiresAt: newExpiry, now, countQuota: newOwner !== undefined });
        const graceEnd = new Date(now.getTime() + graceMs).toISOString();
        const oldExpiry = old.expires_at !== null && old.expires_at < graceEnd ? old.expires_at : graceEnd;
        const { row, secret } = await apiKeys.insertKey(tools, {
          owner,
          resource,
          displayName: old.display_name,
          description: old.description,
          expiresAt: newExpiry,
          replaces: old.id,
        });
        // Only one rotation of a key wins: a concurrent one finds replaced_by set and rolls back.
        const updated = await trx
          .updateTable('api_keys')
          .set({ replaced_by: row.id, expires_at: oldExpiry, updated_at: now.toISOString() })
          .where('id', '=', old.id)
          .where('replaced_by', 'is', null)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) throw errors.invalid(`API key ${old.id} was rotated by another request at the same time`);
        tools.audit({
          method: 'iam.RotateAPIKey',
          subject: apiKeys.keySubject(resource),
          details: {
            id: old.id, new_key: row.id, owner: old.owner_id, resource: old.resource_id, grace: formatDuration(graceMs), old_key_expires_at: oldExpiry,
            ...(newOwner === undefined ? {} : { new_owner: newOwner }),
          },
        });
        tools.changed({ kind: 'api-key', id: old.id });
        const [key] = await apiKeys.toViews(trx, [row]);
        return { key: key as ApiKeyView, secret, replaces: old.id, old_key_expires_at: oldExpiry };
      }));
    },
  };
}

export type KeyRotationService = ReturnType<typeof createKeyRotationService>;

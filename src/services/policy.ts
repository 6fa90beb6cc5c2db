/**
 * The organization policy (DESIGN §6): stored as JSON in the `settings` table under `policy`, read
 * by `GET /keyward/v1/policy`, changed by `PATCH` (OrganizationAdmin), and enforced when keys are
 * issued through `enforceKeyPolicy`. The policy is read from the store on every check (one row), so
 * every instance enforces the latest policy without a cache to invalidate.
 */
import { organizationCrn } from '../domain/crn.js';
import { applyPolicyPatch, parseStoredPolicy, refusalForNewKey, type Policy } from '../domain/policy.js';
import { environmentsRepo } from '../store/repositories/environments.js';
import { clustersRepo } from '../store/repositories/clusters.js';
import type { Executor } from '../store/repositories/executor.js';
import { settingsRepo } from '../store/repositories/settings.js';
import { applyChange } from './change.js';
import { nowIso, type CallContext, type ServiceDeps } from './context.js';

export const POLICY_SETTING = 'policy';

export async function readPolicy(db: Executor): Promise<Policy> {
  return parseStoredPolicy(await settingsRepo.get(db, POLICY_SETTING));
}

/** Keys the owner holds on the resource that have not expired (disabled ones count: they can be enabled). */
export async function countUnexpiredKeys(db: Executor, ownerId: string, resourceId: string, now: Date): Promise<number> {
  const { n } = await db
    .selectFrom('api_keys')
    .where('owner_id', '=', ownerId)
    .where('resource_id', '=', resourceId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now.toISOString())]))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

export interface KeyPolicyInput {
  owner: { kind: 'user' | 'service-account'; id: string };
  resource: { id: string; kind: 'cloud' | 'kafka' | 'schema-registry'; environment: string | null };
  expiresAt: string | null;
  now: Date;
  /** False for `api-key rotate`: the new key replaces one, so it does not count against the quota. */
  countQuota?: boolean;
}

/**
 * Throws the refusal of the first policy a new key breaks: `invalid_configuration` (422) naming
 * `require_service_account_keys_in_production` or `max_key_lifetime`, or `quota_exceeded` (402) for
 * `max_keys_per_owner_resource`; each message says what to do instead. Run it inside the change's
 * transaction so that the quota is counted against what the change will see.
 */
export async function enforceKeyPolicy(db: Executor, input: KeyPolicyInput): Promise<void> {
  const policy = await readPolicy(db);
  let environment: { id: string; name: string; stage: string } | null = null;
  if (input.resource.kind !== 'cloud') {
    const environmentId = input.resource.environment ?? (await clustersRepo.find(db, input.resource.id))?.environment_id;
    const row = environmentId === undefined || environmentId === null ? undefined : await environmentsRepo.find(db, environmentId);
    if (row) environment = { id: row.id, name: row.name, stage: row.stage };
  }
  const existingKeys = input.countQuota === false ? 0 : await countUnexpiredKeys(db, input.owner.id, input.resource.id, input.now);
  const refusal = refusalForNewKey(policy, {
    owner: input.owner,
    resource: { id: input.resource.id, kind: input.resource.kind },
    environment,
    expiresAt: input.expiresAt,
    existingKeys,
    now: input.now,
  });
  if (refusal) throw refusal.error;
}

export function createPolicyService(deps: Pick<ServiceDeps, 'db' | 'clock' | 'authz' | 'organizationId' | 'audit' | 'changes'>) {
  return {
    /** Any authenticated caller may read the policy: it explains why a create was refused. */
    async get(_ctx: CallContext): Promise<Policy> {
      return readPolicy(deps.db);
    },
    async update(ctx: CallContext, patch: unknown): Promise<Policy> {
      await deps.authz.require(ctx, 'policy:manage', organizationCrn(deps.organizationId));
      return applyChange(deps, ctx, async ({ trx, audit }) => {
        const before = await readPolicy(trx);
        const after = applyPolicyPatch(before, patch);
        await settingsRepo.put(trx, POLICY_SETTING, JSON.stringify(after), nowIso(deps.clock));
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        for (const field of Object.keys(after) as Array<keyof Policy>) {
          if (before[field] !== after[field]) changes[field] = { from: before[field], to: after[field] };
        }
        audit({ method: 'keyward.UpdatePolicy', subject: organizationCrn(deps.organizationId), details: { changes } });
        return after;
      });
    },
  };
}

export type PolicyService = ReturnType<typeof createPolicyService>;

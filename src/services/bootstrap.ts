import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { errors } from '../domain/errors.js';
import { newApiKeyId, newId } from '../domain/ids.js';
import { generateSecret, hashSecret } from '../domain/secrets.js';
import { organizationCrn } from '../domain/crn.js';
import type { Database } from '../store/database.js';
import { organizationsRepo } from '../store/repositories/organizations.js';
import { environmentsRepo } from '../store/repositories/environments.js';
import { usersRepo } from '../store/repositories/users.js';
import { apiKeysRepo } from '../store/repositories/api-keys.js';
import { roleBindingsRepo } from '../store/repositories/grants.js';
import { settingsRepo } from '../store/repositories/settings.js';
import type { AuditLog } from './audit/audit-log.js';
import { DEFAULT_ENVIRONMENT_SETTING } from './environments.js';
import { channelFor } from './postgres-change-relay.js';
import { recordReplicaChanges } from './kafka/replica-log.js';
import { principalOf } from '../domain/principal.js';

export const ADMIN_EMAIL = 'admin@localhost';

export interface BootstrapResult {
  key: string;
  secret: string;
  user: string;
  organization: string;
  environment: string;
}

export async function organizationId(db: Kysely<Database>): Promise<string | undefined> {
  return (await organizationsRepo.get(db))?.id;
}

/**
 * Creates the organization, the `default` environment, `admin@localhost` (OrganizationAdmin) and a
 * `cloud` key for it, in one transaction. Refuses a store that is already initialized.
 */
export async function initializeStore(db: Kysely<Database>, audit: AuditLog, clock: () => Date): Promise<BootstrapResult> {
  if (await organizationId(db)) throw errors.conflict('This store is already initialized');
  const now = clock().toISOString();
  const org = randomUUID();
  const env = newId('environment');
  const user = newId('user');
  const key = newApiKeyId();
  const secret = generateSecret();
  await audit.transaction(async (trx, record) => {
    if (await organizationsRepo.get(trx)) throw errors.conflict('This store is already initialized');
    await organizationsRepo.insert(trx, { id: org, name: 'keyward', created_at: now });
    await environmentsRepo.insert(trx, { id: env, name: 'default', stage: 'development', created_at: now, updated_at: now });
    await settingsRepo.put(trx, DEFAULT_ENVIRONMENT_SETTING, env, now);
    await usersRepo.insert(trx, { id: user, email: ADMIN_EMAIL, full_name: 'Administrator', status: 'ACTIVE', created_at: now, updated_at: now });
    await roleBindingsRepo.insert(trx, { id: newId('roleBinding'), principal: principalOf(user), role_name: 'OrganizationAdmin', crn_pattern: organizationCrn(org), created_at: now });
    await apiKeysRepo.insert(trx, {
      id: key, secret_hash: hashSecret(secret), owner_id: user, owner_kind: 'user', resource_id: 'cloud', resource_kind: 'cloud',
      display_name: '', description: 'Bootstrap administrator key', status: 'ACTIVE', created_at: now, updated_at: now,
      expires_at: null, last_used: null, replaces: null, replaced_by: null,
    });
    record({
      type: 'io.keyward.management', method: 'keyward.Bootstrap', subject: organizationCrn(org), principal: 'System', status: 'SUCCESS',
      details: { organization: org, environment: env, user, api_key: key },
    });
  });
  return { key, secret, user, organization: org, environment: env };
}

export interface RecoveryResult {
  key: string;
  secret: string;
  user: string;
  /** What had to be repaired besides the new key. */
  restored: { user_created: boolean; user_enabled: boolean; binding_created: boolean };
}

/**
 * Break-glass (`keyward server recover-admin`), for an operator with access to the store: makes
 * the bootstrap administrator (`admin@localhost`) an enabled OrganizationAdmin with a new `cloud`
 * key, whatever happened to it: the user is re-created if it was deleted, re-enabled if it was
 * disabled, re-bound to OrganizationAdmin if its binding was removed. One transaction, audited as
 * `iam.RecoverAdmin` with the operator (`System:<OS user>`) as principal. On PostgreSQL it takes the
 * organization's admin lock (as every change to the administrators does) and tells running
 * servers to drop their caches, so the key works on them at once.
 */
export async function recoverAdmin(
  db: Kysely<Database>,
  audit: AuditLog,
  clock: () => Date,
  options: { dialect: 'sqlite' | 'postgres'; operator: string },
): Promise<RecoveryResult> {
  const org = await organizationId(db);
  if (!org) throw errors.invalid('This store is not initialized: run keyward server init (or server start) instead');
  const now = clock().toISOString();
  const key = newApiKeyId();
  const secret = generateSecret();
  return audit.transaction(async (trx, record) => {
    if (options.dialect === 'postgres') {
      await trx.selectFrom('organizations').select('id').where('id', '=', org).forUpdate().executeTakeFirst();
    }
    const restored = { user_created: false, user_enabled: false, binding_created: false };
    let user = await usersRepo.findByEmail(trx, ADMIN_EMAIL);
    if (!user) {
      user = { id: newId('user'), email: ADMIN_EMAIL, full_name: 'Administrator', status: 'ACTIVE', created_at: now, updated_at: now };
      await usersRepo.insert(trx, user);
      restored.user_created = true;
    } else if (user.status !== 'ACTIVE') {
      await usersRepo.update(trx, user.id, { status: 'ACTIVE', updated_at: now });
      restored.user_enabled = true;
    }
    const principal = principalOf(user.id);
    const bindings = await roleBindingsRepo.byPrincipal(trx, principal);
    if (!bindings.some((b) => b.role_name === 'OrganizationAdmin' && b.crn_pattern === organizationCrn(org))) {
      await roleBindingsRepo.insert(trx, { id: newId('roleBinding'), principal, role_name: 'OrganizationAdmin', crn_pattern: organizationCrn(org), created_at: now });
      restored.binding_created = true;
    }
    await apiKeysRepo.insert(trx, {
      id: key, secret_hash: hashSecret(secret), owner_id: user.id, owner_kind: 'user', resource_id: 'cloud', resource_kind: 'cloud',
      display_name: '', description: `Recovery administrator key (keyward server recover-admin by ${options.operator})`, status: 'ACTIVE',
      created_at: now, updated_at: now, expires_at: null, last_used: null, replaces: null, replaced_by: null,
      disabled_by: null, disabled_reason: null, disabled_at: null,
    });
    // Kafka brokers' replicas hold the administrator's grants (OrganizationAdmin reaches every cluster).
    if (restored.user_created || restored.user_enabled || restored.binding_created) {
      await recordReplicaChanges(trx, [{ kind: 'owner', id: user.id }, { kind: 'grants', principal }], clock());
    }
    if (options.dialect === 'postgres') {
      // Running servers cache grants and owners: they must hear of this change like of any other.
      const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(trx);
      const payload = JSON.stringify({ origin: `recover-admin-${randomUUID()}`, changes: [{ kind: 'all' }] });
      await sql`select pg_notify(${channelFor(rows[0]?.schema ?? 'public')}, ${payload})`.execute(trx);
    }
    record({
      type: 'io.keyward.management', method: 'iam.RecoverAdmin', subject: organizationCrn(org), principal: `System:${options.operator}`, status: 'SUCCESS',
      details: { user: user.id, api_key: key, ...restored },
    });
    return { key, secret, user: user.id, restored };
  });
}

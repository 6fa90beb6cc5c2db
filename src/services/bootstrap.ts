import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
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
    await roleBindingsRepo.insert(trx, { id: newId('roleBinding'), principal: `User:${user}`, role_name: 'OrganizationAdmin', crn_pattern: organizationCrn(org), created_at: now });
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

import { organizationCrn } from '../domain/crn.js';
import { errors } from '../domain/errors.js';
import { digestsEqual, hashSecret } from '../domain/secrets.js';
import { apiKeysRepo } from '../store/repositories/api-keys.js';
import { roleBindingsRepo } from '../store/repositories/grants.js';
import { usersRepo } from '../store/repositories/users.js';
import { serviceAccountsRepo } from '../store/repositories/service-accounts.js';
import type { Actor, RequestMetadata, ServiceDeps } from './context.js';

export const CLOUD_KEY_REQUIRED = 'Use a cloud API key for the management API';
const UNKNOWN_KEY_HASH = hashSecret('keyward: a key that does not exist');

/**
 * Authenticates a management request's `cloud` key. Unknown keys cost the same hashing and
 * comparison as known ones; every failure is audited without the secret.
 */
export function createManagementAuth(deps: Pick<ServiceDeps, 'db' | 'clock' | 'audit' | 'organizationId'>) {
  function fail(key: string | undefined, request: RequestMetadata, reason: string, message: string): never {
    deps.audit.record({
      type: 'io.keyward.authentication',
      method: 'keyward.ManagementLogin',
      subject: organizationCrn(deps.organizationId),
      ...(key ? { apiKey: key } : {}),
      mechanism: 'HTTP_BASIC',
      request,
      status: 'UNAUTHENTICATED',
      reason,
    });
    throw errors.unauthenticated(message);
  }

  return async function authenticate(key: string, secret: string, request: RequestMetadata): Promise<Actor> {
    const presented = hashSecret(secret);
    const row = /^[A-Z0-9]{16}$/.test(key) ? await apiKeysRepo.find(deps.db, key) : undefined;
    const matches = digestsEqual(presented, row?.secret_hash ?? UNKNOWN_KEY_HASH);
    if (!row || !matches) return fail(row ? key : undefined, request, 'INVALID_CREDENTIALS', 'Invalid API key or secret');
    if (row.resource_kind !== 'cloud') return fail(key, request, 'WRONG_RESOURCE', CLOUD_KEY_REQUIRED);
    if (row.status !== 'ACTIVE') return fail(key, request, 'DISABLED', 'This API key is disabled');
    if (row.expires_at !== null && row.expires_at <= deps.clock().toISOString()) return fail(key, request, 'EXPIRED', 'This API key has expired');
    const owner = row.owner_kind === 'user' ? await usersRepo.find(deps.db, row.owner_id) : await serviceAccountsRepo.find(deps.db, row.owner_id);
    if (!owner || owner.status !== 'ACTIVE') return fail(key, request, 'DISABLED', 'The owner of this API key is disabled');
    const principal = `User:${row.owner_id}`;
    const bindings = await roleBindingsRepo.byPrincipal(deps.db, principal);
    const orgCrn = organizationCrn(deps.organizationId);
    return {
      kind: row.owner_kind,
      id: row.owner_id,
      principal,
      apiKeyId: row.id,
      isOrganizationAdmin: bindings.some((b) => b.role_name === 'OrganizationAdmin' && (b.crn_pattern === orgCrn || b.crn_pattern === `${orgCrn}*` || b.crn_pattern === `${orgCrn}/*`)),
    };
  };
}

export type ManagementAuth = ReturnType<typeof createManagementAuth>;

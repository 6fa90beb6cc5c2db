import { apiKeysRepo } from '../store/repositories/api-keys.js';
import { aclsRepo, roleBindingsRepo } from '../store/repositories/grants.js';
import type { ChangeTools } from './change.js';
import { principalOf } from '../domain/principal.js';

export interface DeletedCounts {
  api_keys: number;
  role_bindings: number;
  acls: number;
}

/** Deletes everything a principal owns (keys, role bindings, ACLs) inside the caller's change. */
export async function deleteOwnedBy(tools: ChangeTools, ownerId: string): Promise<DeletedCounts> {
  const principal = principalOf(ownerId);
  // The callers run this inside the OrganizationAdmin guard (org-admin-guard.ts): the organization
  // never loses its last administrator this way.
  const keyIds = await apiKeysRepo.idsByOwner(tools.trx, ownerId);
  const apiKeys = await apiKeysRepo.deleteByOwner(tools.trx, ownerId);
  const roleBindings = await roleBindingsRepo.deleteByPrincipal(tools.trx, principal);
  const acls = await aclsRepo.deleteByPrincipal(tools.trx, principal);
  for (const id of keyIds) tools.changed({ kind: 'api-key', id });
  tools.changed({ kind: 'owner', id: ownerId });
  if (roleBindings + acls > 0) tools.changed({ kind: 'grants', principal });
  return { api_keys: apiKeys, role_bindings: roleBindings, acls };
}

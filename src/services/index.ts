import { createApiKeyService } from './api-keys.js';
import { createClusterService } from './clusters.js';
import type { ServiceDeps } from './context.js';
import { createEnvironmentService } from './environments.js';
import { createManagementAuth } from './management-auth.js';
import { createServiceAccountService } from './service-accounts.js';
import { createUserService } from './users.js';
import { KeyCache } from './verify/key-cache.js';
import { BruteForceGuard, type BruteForceOptions } from './verify/brute-force.js';
import { LastUsedRecorder } from './verify/last-used.js';
import { createVerifier, type DataPlaneAuthorizer } from './verify/verifier.js';

export interface DataPlaneOptions {
  cacheCapacity?: number;
  bruteForce?: BruteForceOptions;
  authorizer?: DataPlaneAuthorizer;
  /** False while cross-instance invalidation is down. */
  cacheTrusted?: () => boolean;
}

/** Builds every service from the same narrow dependencies. */
export function createServices(deps: ServiceDeps, dataPlane: DataPlaneOptions = {}) {
  const apiKeys = createApiKeyService(deps);
  const keyCache = new KeyCache(dataPlane.cacheCapacity);
  const unfollow = keyCache.follow(deps.changes);
  const lastUsed = new LastUsedRecorder(deps.db, deps.clock);
  const guard = new BruteForceGuard(dataPlane.bruteForce);
  const verify = createVerifier({
    db: deps.db, organizationId: deps.organizationId, clock: deps.clock, cache: keyCache, guard, lastUsed, audit: deps.audit,
    authorizer: dataPlane.authorizer, cacheTrusted: dataPlane.cacheTrusted,
  });
  return {
    deps,
    verify,
    keyCache,
    authenticate: createManagementAuth(deps, verify),
    environments: createEnvironmentService(deps),
    kafkaClusters: createClusterService(deps, 'kafka'),
    schemaRegistries: createClusterService(deps, 'schema-registry'),
    users: createUserService(deps, apiKeys),
    serviceAccounts: createServiceAccountService(deps),
    apiKeys,
    /** Writes what is buffered (last use) and stops following changes. */
    async close() {
      unfollow();
      await lastUsed.close();
    },
  };
}

export type Services = ReturnType<typeof createServices>;

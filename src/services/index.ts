import { createApiKeyService } from './api-keys.js';
import { createClusterService } from './clusters.js';
import type { ServiceDeps } from './context.js';
import { createEnvironmentService } from './environments.js';
import { createManagementAuth } from './management-auth.js';
import { createServiceAccountService } from './service-accounts.js';
import { createUserService } from './users.js';

/** Builds every management service from the same narrow dependencies. */
export function createServices(deps: ServiceDeps) {
  const apiKeys = createApiKeyService(deps);
  return {
    deps,
    authenticate: createManagementAuth(deps),
    environments: createEnvironmentService(deps),
    kafkaClusters: createClusterService(deps, 'kafka'),
    schemaRegistries: createClusterService(deps, 'schema-registry'),
    users: createUserService(deps, apiKeys),
    serviceAccounts: createServiceAccountService(deps),
    apiKeys,
  };
}

export type Services = ReturnType<typeof createServices>;

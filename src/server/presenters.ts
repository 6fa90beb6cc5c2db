import type { ApiKeyView, CreatedApiKey } from '../services/api-keys.js';
import type { Cluster } from '../services/clusters.js';
import type { Environment as EnvironmentRow } from '../services/environments.js';
import type { ServiceAccount as ServiceAccountRow } from '../services/service-accounts.js';
import type { User as UserRow } from '../services/users.js';
import type { ApiKey, Environment, EnvironmentRef, KafkaCluster, ListOf, Metadata, SchemaRegistryCluster, ServiceAccount, User } from '../contract/index.js';
import type { PageResult } from '../services/pagination.js';
import { buildCrn } from '../domain/crn.js';
import { clusterCrn } from '../services/clusters.js';

/** Maps service objects to Confluent Cloud's public API shapes, typed by the contract's schemas (a field a schema lacks does not compile). */
export function createPresenters(baseUrl: string, organizationId: string) {
  const meta = (path: string, resourceName: string, row: { created_at: string; updated_at: string }): Metadata => ({
    self: `${baseUrl}${path}`,
    resource_name: resourceName,
    created_at: row.created_at,
    updated_at: row.updated_at,
  });
  const environmentRef = (id: string): EnvironmentRef => ({
    id,
    related: `${baseUrl}/org/v2/environments/${id}`,
    resource_name: buildCrn({ organization: organizationId, environment: id }),
  });

  return {
    baseUrl,
    list<T, U>(apiVersion: string, kind: string, path: string, page: PageResult<T>, present: (item: T) => U, query: Record<string, string | undefined> = {}): ListOf<U> {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined && k !== 'page_token') params.set(k, v);
      const first = `${baseUrl}${path}${params.size ? `?${params}` : ''}`;
      const metadata: ListOf<U>['metadata'] = { first, total_size: page.total };
      if (page.nextToken) {
        params.set('page_token', page.nextToken);
        metadata.next = `${baseUrl}${path}?${params}`;
      }
      return { api_version: apiVersion, kind: `${kind}List`, metadata, data: page.items.map(present) };
    },
    environment: (env: EnvironmentRow): Environment => ({
      api_version: 'org/v2',
      kind: 'Environment',
      id: env.id,
      metadata: meta(`/org/v2/environments/${env.id}`, buildCrn({ organization: organizationId, environment: env.id }), env),
      display_name: env.name,
      stage: env.stage,
    }),
    kafkaCluster: (c: Cluster): KafkaCluster => ({
      api_version: 'cmk/v2',
      kind: 'Cluster',
      id: c.id,
      metadata: meta(`/cmk/v2/clusters/${c.id}`, clusterCrn(organizationId, c), c),
      spec: {
        display_name: c.name,
        availability: (c.availability ?? 'single-zone').toUpperCase().replace('-', '_'),
        cloud: c.provider.toUpperCase(),
        region: c.region,
        config: { kind: (c.type ?? 'basic').replace(/^./, (ch) => ch.toUpperCase()) },
        kafka_bootstrap_endpoint: c.endpoint,
        environment: environmentRef(c.environment_id),
      },
      status: { phase: c.status },
    }),
    schemaRegistry: (c: Cluster): SchemaRegistryCluster => ({
      api_version: 'srcm/v2',
      kind: 'Cluster',
      id: c.id,
      metadata: meta(`/srcm/v2/clusters/${c.id}`, clusterCrn(organizationId, c), c),
      spec: { display_name: c.name, cloud: c.provider.toUpperCase(), region: c.region, http_endpoint: c.endpoint, environment: environmentRef(c.environment_id) },
      status: { phase: c.status },
    }),
    user: (u: UserRow): User => ({
      api_version: 'iam/v2',
      kind: 'User',
      id: u.id,
      metadata: meta(`/iam/v2/users/${u.id}`, buildCrn({ organization: organizationId, leaf: { type: 'user', name: u.id } }), u),
      email: u.email,
      full_name: u.full_name,
      auth_type: 'AUTH_TYPE_API_KEY',
    }),
    serviceAccount: (sa: ServiceAccountRow): ServiceAccount => ({
      api_version: 'iam/v2',
      kind: 'ServiceAccount',
      id: sa.id,
      metadata: meta(`/iam/v2/service-accounts/${sa.id}`, buildCrn({ organization: organizationId, leaf: { type: 'service-account', name: sa.id } }), sa),
      display_name: sa.name,
      description: sa.description,
      status: sa.status,
    }),
    apiKey: (k: ApiKeyView, secret?: string): ApiKey => ({
      api_version: 'iam/v2',
      kind: 'ApiKey',
      id: k.id,
      metadata: meta(`/iam/v2/api-keys/${k.id}`, buildCrn({ organization: organizationId, leaf: { type: 'api-key', name: k.id } }), k),
      spec: {
        ...(secret !== undefined ? { secret } : {}),
        display_name: k.display_name,
        description: k.description,
        owner: { id: k.owner.id, kind: k.owner.kind === 'user' ? 'User' : 'ServiceAccount', email: k.owner.email },
        resource: { id: k.resource.id, kind: k.resource.kind === 'kafka' ? 'Cluster' : k.resource.kind === 'schema-registry' ? 'SchemaRegistry' : 'Cloud', environment: k.resource.environment },
        status: k.status,
        state: k.state,
        expires_at: k.expires_at,
        last_used: k.last_used,
        replaces: k.replaces,
        replaced_by: k.replaced_by,
        ...(k.disabled ? { disabled: k.disabled } : {}),
      },
    }),
    createdApiKey(created: CreatedApiKey): ApiKey {
      return this.apiKey(created.key, created.secret);
    },
  };
}

export type Presenters = ReturnType<typeof createPresenters>;

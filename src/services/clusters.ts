import { errors } from '../domain/errors.js';
import { buildCrn, resourceCrn } from '../domain/crn.js';
import { clustersRepo, type ClusterKind, type ClusterRow } from '../store/repositories/clusters.js';
import { environmentsRepo } from '../store/repositories/environments.js';
import { apiKeysRepo } from '../store/repositories/api-keys.js';
import { aclsRepo, roleBindingsRepo } from '../store/repositories/grants.js';
import { applyChange } from './change.js';
import { nowIso, type CallContext, type ServiceDeps } from './context.js';
import { decodePage, visiblePage, type PageRequest, type PageResult } from './pagination.js';
import { requireOneOf, requireText } from './validation.js';
import { drawId, freshId } from './fresh-id.js';
import { settingsRepo } from '../store/repositories/settings.js';
import { DEFAULT_ENVIRONMENT_SETTING } from './environments.js';
import { visibleOrNotFound } from './access.js';

import { AVAILABILITIES, CLUSTER_TYPES, DEFAULT_AVAILABILITY, DEFAULT_CLUSTER_TYPE, PROVIDERS } from '../contract/enums.js';

export type Cluster = ClusterRow;

export interface ClusterInput {
  name: unknown;
  cloud: unknown;
  region: unknown;
  type?: unknown;
  availability?: unknown;
  endpoint?: unknown;
  environment?: unknown;
}

const LABEL = { kafka: 'Kafka cluster', 'schema-registry': 'Schema Registry cluster' } as const;

export function clusterCrn(organizationId: string, cluster: Pick<ClusterRow, 'id' | 'kind' | 'environment_id'>): string {
  return resourceCrn(organizationId, { kind: cluster.kind, id: cluster.id, environment: cluster.environment_id });
}

function validEndpoint(value: unknown, kind: ClusterKind): string | null {
  if (value === undefined || value === null || value === '') return null;
  const text = requireText(value, kind === 'kafka' ? 'kafka_bootstrap_endpoint' : 'http_endpoint', 255);
  if (kind === 'kafka' && !/^(SASL_SSL:\/\/|SASL_PLAINTEXT:\/\/|PLAINTEXT:\/\/)?[A-Za-z0-9.[\]:-]+:\d{1,5}$/.test(text)) {
    throw errors.invalid(`kafka_bootstrap_endpoint must be HOST:PORT (got "${text}")`);
  }
  if (kind === 'schema-registry' && !/^https?:\/\/\S+$/.test(text)) {
    throw errors.invalid(`http_endpoint must be an http:// or https:// URL (got "${text}")`);
  }
  return text;
}

export function createClusterService(deps: Pick<ServiceDeps, 'db' | 'clock' | 'authz' | 'organizationId' | 'audit' | 'changes'>, kind: ClusterKind) {
  const label = LABEL[kind];

  async function find(id: string): Promise<Cluster> {
    const row = await clustersRepo.find(deps.db, id);
    if (!row || row.kind !== kind) throw errors.notFound(label, id);
    return row;
  }

  /** The cluster, if the caller may read it; otherwise 404, as for an id that does not exist. */
  async function get(ctx: CallContext, id: string): Promise<Cluster> {
    const row = await clustersRepo.find(deps.db, id);
    return visibleOrNotFound(row?.kind === kind ? row : undefined, (r) => deps.authz.can(ctx, 'cluster:read', clusterCrn(deps.organizationId, r)), label, id);
  }

  async function resolveEnvironment(value: unknown): Promise<string> {
    if (value === undefined || value === null || value === '') {
      const id = await settingsRepo.get(deps.db, DEFAULT_ENVIRONMENT_SETTING);
      if (!id) throw errors.invalid('environment is required');
      return id;
    }
    if (typeof value !== 'string') throw errors.invalid('environment must be an environment id');
    if (!(await environmentsRepo.find(deps.db, value))) throw errors.notFound('Environment', value);
    return value;
  }

  return {
    get,
    crn: (cluster: Cluster) => clusterCrn(deps.organizationId, cluster),
    /** The clusters the caller may read. */
    async list(ctx: CallContext, filter: { environment?: string }, page: PageRequest): Promise<PageResult<Cluster>> {
      const p = decodePage(page);
      const environment = filter.environment;
      const canRead = (row: Cluster) => deps.authz.can(ctx, 'cluster:read', clusterCrn(deps.organizationId, row));
      if (environment !== undefined && !(await environmentsRepo.find(deps.db, environment))) throw errors.notFound('Environment', environment);
      const rows = await clustersRepo.all(deps.db, kind, { environmentId: environment });
      const visible = await visiblePage(rows, canRead, p);
      // An environment the caller can neither read nor see a cluster of answers as a missing one does.
      if (environment !== undefined && visible.total === 0 && !(await deps.authz.can(ctx, 'environment:read', buildCrn({ organization: deps.organizationId, environment })))) {
        throw errors.notFound('Environment', environment);
      }
      return visible;
    },
    async create(ctx: CallContext, input: ClusterInput): Promise<Cluster> {
      const name = requireText(input.name, 'display_name', 64);
      const provider = requireOneOf(input.cloud, 'cloud', PROVIDERS);
      const region = requireText(input.region, 'region', 64);
      const type = kind === 'kafka' ? (input.type === undefined ? DEFAULT_CLUSTER_TYPE : requireOneOf(input.type, 'type', CLUSTER_TYPES)) : null;
      const availability = kind === 'kafka' ? (input.availability === undefined ? DEFAULT_AVAILABILITY : requireOneOf(input.availability, 'availability', AVAILABILITIES)) : null;
      const endpoint = validEndpoint(input.endpoint, kind);
      const environmentId = await resolveEnvironment(input.environment);
      const environmentCrn = buildCrn({ organization: deps.organizationId, environment: environmentId });
      // a named environment the caller may not read answers as a missing one does
      if (input.environment !== undefined && input.environment !== null && input.environment !== '' && !(await deps.authz.can(ctx, 'environment:read', environmentCrn))) {
        throw errors.notFound('Environment', environmentId);
      }
      await deps.authz.require(ctx, 'cluster:manage', environmentCrn);
      const now = nowIso(deps.clock);
      return applyChange(deps, ctx, async ({ trx, audit }) => {
        const id = await freshId((c) => clustersRepo.find(trx, c), drawId(kind === 'kafka' ? 'kafkaCluster' : 'schemaRegistry'));
        const row: Cluster = { id, kind, environment_id: environmentId, name, provider, region, type, availability, endpoint, status: 'UP', created_at: now, updated_at: now };
        await clustersRepo.insert(trx, row);
        audit({ method: kind === 'kafka' ? 'cmk.CreateCluster' : 'srcm.CreateCluster', subject: clusterCrn(deps.organizationId, row), details: { id, display_name: name, cloud: provider, region } });
        return row;
      });
    },
    async update(ctx: CallContext, id: string, input: { name?: unknown }): Promise<Cluster> {
      const cluster = await get(ctx, id);
      await deps.authz.require(ctx, 'cluster:manage', clusterCrn(deps.organizationId, cluster));
      if (input.name === undefined) throw errors.invalid('Nothing to update: give a display_name');
      const name = requireText(input.name, 'display_name', 64);
      await applyChange(deps, ctx, async ({ trx, audit }) => {
        await clustersRepo.update(trx, id, { name, updated_at: nowIso(deps.clock) });
        audit({ method: kind === 'kafka' ? 'cmk.UpdateCluster' : 'srcm.UpdateCluster', subject: clusterCrn(deps.organizationId, cluster), details: { id, display_name: name } });
      });
      return find(id);
    },
    /** Deletes the cluster with the API keys scoped to it, the role bindings inside it and its ACLs, in one transaction. */
    async delete(ctx: CallContext, id: string): Promise<{ api_keys: number; role_bindings: number; acls: number }> {
      const cluster = await get(ctx, id);
      await deps.authz.require(ctx, 'cluster:manage', clusterCrn(deps.organizationId, cluster));
      return applyChange(deps, ctx, async ({ trx, audit, changed }) => {
        const keyIds = await apiKeysRepo.idsByResource(trx, id);
        const apiKeys = await apiKeysRepo.deleteByResource(trx, id);
        const acls = await aclsRepo.deleteByCluster(trx, id);
        const roleBindings = await roleBindingsRepo.deleteUnder(trx, clusterCrn(deps.organizationId, cluster));
        await clustersRepo.delete(trx, id);
        audit({ method: kind === 'kafka' ? 'cmk.DeleteCluster' : 'srcm.DeleteCluster', subject: clusterCrn(deps.organizationId, cluster), details: { id, deleted_api_keys: apiKeys, deleted_role_bindings: roleBindings, deleted_acls: acls } });
        for (const keyId of keyIds) changed({ kind: 'api-key', id: keyId });
        if (acls + roleBindings > 0) changed({ kind: 'grants' });
        return { api_keys: apiKeys, role_bindings: roleBindings, acls };
      });
    },
  };
}

export type ClusterService = ReturnType<typeof createClusterService>;

/**
 * The names behind the ids a key carries: owners (service accounts, users), resources (Kafka and Schema
 * Registry clusters) and environments, as maps so that a table of 1,000 keys looks each up in O(1).
 * A list the caller may not read (403) leaves its map empty: the ids are shown instead.
 */
import { api } from '../api';
import type { Environment, KafkaCluster, SchemaRegistryCluster, ServiceAccount, User } from './types';

export interface Named {
  id: string;
  name: string;
}

export interface Directory {
  serviceAccounts: ReadonlyMap<string, Named>;
  users: ReadonlyMap<string, Named>;
  /** Kafka and Schema Registry clusters by id, with their environment. */
  resources: ReadonlyMap<string, Named & { kind: 'kafka' | 'schema-registry'; environment: string }>;
  environments: ReadonlyMap<string, Named>;
}

export const EMPTY_DIRECTORY: Directory = { serviceAccounts: new Map(), users: new Map(), resources: new Map(), environments: new Map() };

async function orEmpty<T>(load: Promise<T[]>): Promise<T[]> {
  try {
    return await load;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    return [];
  }
}

function byId<T extends Named>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((item) => [item.id, item]));
}

/** Loads the five lists in parallel. */
export async function loadDirectory(signal: AbortSignal): Promise<Directory> {
  const [accounts, users, kafka, registries, environments] = await Promise.all([
    orEmpty(api.listAll<ServiceAccount>('/iam/v2/service-accounts', {}, signal)),
    orEmpty(api.listAll<User>('/iam/v2/users', {}, signal)),
    orEmpty(api.listAll<KafkaCluster>('/cmk/v2/clusters', {}, signal)),
    orEmpty(api.listAll<SchemaRegistryCluster>('/srcm/v2/clusters', {}, signal)),
    orEmpty(api.listAll<Environment>('/org/v2/environments', {}, signal)),
  ]);
  return {
    serviceAccounts: byId(accounts.map((a) => ({ id: a.id, name: a.display_name }))),
    users: byId(users.map((u) => ({ id: u.id, name: u.full_name === '' ? u.email : `${u.full_name} (${u.email})` }))),
    resources: byId([
      ...kafka.map((c) => ({ id: c.id, name: c.spec.display_name, kind: 'kafka' as const, environment: c.spec.environment.id })),
      ...registries.map((c) => ({ id: c.id, name: c.spec.display_name, kind: 'schema-registry' as const, environment: c.spec.environment.id })),
    ]),
    environments: byId(environments.map((e) => ({ id: e.id, name: e.display_name }))),
  };
}

/** The owner's name, or its id (or the key's owner email) when the caller cannot list owners. */
export function ownerName(directory: Directory, owner: { id: string; kind: string; email: string }): string {
  const found = owner.kind === 'ServiceAccount' ? directory.serviceAccounts.get(owner.id) : directory.users.get(owner.id);
  if (found !== undefined) return found.name;
  return owner.kind === 'ServiceAccount' || owner.email === '' ? owner.id : owner.email;
}

/** "orders-cluster (lkc-abc123)", "cloud" for the management API. */
export function resourceName(directory: Directory, resource: { id: string; kind: string }): string {
  if (resource.kind === 'Cloud') return 'cloud';
  return directory.resources.get(resource.id)?.name ?? resource.id;
}

export function environmentName(directory: Directory, id: string | null): string {
  if (id === null) return '';
  return directory.environments.get(id)?.name ?? id;
}

/** Look-ups and human labels over one snapshot, shared by the rules so that messages read alike. */
import { shellQuote } from './shell.js';
import type {
  AdvisorSnapshot,
  KeyOwnerKind,
  SnapshotApiKey,
  SnapshotCluster,
  SnapshotEnvironment,
  SnapshotServiceAccount,
  SnapshotUser,
} from './types.js';

export interface SnapshotLookup {
  user(id: string): SnapshotUser | undefined;
  serviceAccount(id: string): SnapshotServiceAccount | undefined;
  apiKey(id: string): SnapshotApiKey | undefined;
  /** The environment a key's resource lives in; none for `cloud` keys and unknown clusters. */
  environmentOf(key: SnapshotApiKey): SnapshotEnvironment | undefined;
  /** `user alice@example.com`, `service account sa-abc123 ("orders-app")`. */
  ownerLabel(kind: KeyOwnerKind, id: string): string;
  /** `Kafka cluster lkc-abc123 in environment prod (env-abc123, stage production)`. */
  resourceLabel(key: SnapshotApiKey): string;
  /** `API key ABCD… of <owner> on <resource>`. */
  keyLabel(key: SnapshotApiKey): string;
}

function byId<T extends { id: string }>(rows: readonly T[]): Map<string, T> {
  return new Map(rows.map((row) => [row.id, row]));
}

export function lookupSnapshot(snapshot: AdvisorSnapshot): SnapshotLookup {
  const users = byId(snapshot.users);
  const serviceAccounts = byId(snapshot.serviceAccounts);
  const apiKeys = byId(snapshot.apiKeys);
  const clusters = byId<SnapshotCluster>(snapshot.clusters);
  const environments = byId(snapshot.environments);

  function environmentOf(key: SnapshotApiKey): SnapshotEnvironment | undefined {
    if (key.resource_kind === 'cloud') return undefined;
    const cluster = clusters.get(key.resource_id);
    return cluster ? environments.get(cluster.environment_id) : undefined;
  }

  function ownerLabel(kind: KeyOwnerKind, id: string): string {
    if (kind === 'user') {
      const user = users.get(id);
      return user ? `user ${user.email}` : `user ${id} (no longer exists)`;
    }
    const account = serviceAccounts.get(id);
    return account ? `service account ${id} ("${account.name}")` : `service account ${id} (no longer exists)`;
  }

  function resourceLabel(key: SnapshotApiKey): string {
    if (key.resource_kind === 'cloud') return 'the management API (cloud)';
    const kind = key.resource_kind === 'kafka' ? 'Kafka cluster' : 'Schema Registry cluster';
    const environment = environmentOf(key);
    if (!environment) return `${kind} ${key.resource_id}`;
    return `${kind} ${key.resource_id} in environment ${environment.name} (${environment.id}, stage ${environment.stage})`;
  }

  return {
    user: (id) => users.get(id),
    serviceAccount: (id) => serviceAccounts.get(id),
    apiKey: (id) => apiKeys.get(id),
    environmentOf,
    ownerLabel,
    resourceLabel,
    keyLabel: (key) => `API key ${key.id} of ${ownerLabel(key.owner_kind, key.owner_id)} on ${resourceLabel(key)}`,
  };
}

/**
 * `keyward api-key list …` narrowed to one owner and resource. The CLI can filter by service account
 * but not by another user, so a user's keys are listed by resource only.
 */
export function listKeysCommand(ownerKind: KeyOwnerKind, ownerId: string, resourceId: string): string {
  const owner = ownerKind === 'service-account' ? ` --service-account ${shellQuote(ownerId)}` : '';
  return `keyward api-key list${owner} --resource ${shellQuote(resourceId)}`;
}

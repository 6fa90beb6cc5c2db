import type { KafkaAcl } from '../../domain/authz/acl.js';
import { compileGrants, type ReplicaGrant } from '../../domain/kafka/compile-grants.js';
import type { Executor } from '../../store/repositories/executor.js';
import { aclsRepo, roleBindingsRepo } from '../../store/repositories/grants.js';
import { clustersRepo } from '../../store/repositories/clusters.js';
import { replicaLogState } from './replica-log.js';

/**
 * What a Kafka broker of one cluster holds (DESIGN §8): the cluster's keys with their owners and the
 * grants its ACLs and role bindings compile into. The only data keyward serves with secret hashes.
 */

export type OwnerKind = 'service-account' | 'user';

export interface ReplicaOwner {
  id: string;
  kind: OwnerKind;
  status: 'ACTIVE' | 'DISABLED' | 'DELETED';
}

export interface ReplicaKey {
  id: string;
  secret_sha256: string;
  status: 'ACTIVE' | 'DISABLED';
  owner: { id: string; kind: OwnerKind; status: 'ACTIVE' | 'DISABLED' };
  expires_at: string | null;
}

export interface Replica {
  cluster: string;
  revision: number;
  keys: ReplicaKey[];
  grants: ReplicaGrant[];
}

/** A cluster as far as compiling grants goes. */
export interface ReplicaCluster {
  id: string;
  environmentId: string;
}

/** Lists in `IN (…)` are sent in chunks of this many. */
const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

const active = (status: string | null): 'ACTIVE' | 'DISABLED' => (status === 'ACTIVE' ? 'ACTIVE' : 'DISABLED');

function keyQuery(db: Executor) {
  return db
    .selectFrom('api_keys as k')
    .leftJoin('users as u', 'u.id', 'k.owner_id')
    .leftJoin('service_accounts as s', 's.id', 'k.owner_id')
    .select(['k.id', 'k.secret_hash', 'k.status', 'k.owner_id', 'k.owner_kind', 'k.expires_at', 'k.resource_id', 'u.status as user_status', 's.status as sa_status']);
}

type KeyRow = Awaited<ReturnType<ReturnType<typeof keyQuery>['execute']>>[number];

function toReplicaKey(row: KeyRow): ReplicaKey {
  const ownerStatus = row.owner_kind === 'user' ? row.user_status : row.sa_status;
  return {
    id: row.id,
    secret_sha256: row.secret_hash,
    status: active(row.status),
    owner: { id: row.owner_id, kind: row.owner_kind, status: active(ownerStatus ?? null) },
    expires_at: row.expires_at,
  };
}

/** The Kafka cluster with this id, or undefined (also for a Schema Registry cluster). */
export async function findReplicaCluster(db: Executor, id: string): Promise<ReplicaCluster | undefined> {
  const row = await clustersRepo.find(db, id);
  return row?.kind === 'kafka' ? { id: row.id, environmentId: row.environment_id } : undefined;
}

/**
 * The whole replica. The revision is read first: whatever commits while the rest is read is in the
 * data already and is sent again by the change stream after that revision (every change frame
 * carries whole entries, so applying one twice changes nothing).
 */
export async function loadReplica(db: Executor, organizationId: string, cluster: ReplicaCluster): Promise<Replica> {
  const { revision } = await replicaLogState(db);
  const [keys, acls, roleBindings] = await Promise.all([
    keyQuery(db).where('k.resource_id', '=', cluster.id).orderBy('k.id').execute(),
    aclsRepo.list(db, { clusterId: cluster.id }),
    roleBindingsRepo.all(db),
  ]);
  const grants = compileGrants({ organizationId, environmentId: cluster.environmentId, clusterId: cluster.id, acls: acls as unknown as KafkaAcl[], roleBindings });
  return { cluster: cluster.id, revision, keys: keys.map(toReplicaKey), grants };
}

/** The keys among `ids` that are this cluster's now, and the ids that are not (deleted). */
export async function replicaKeys(db: Executor, clusterId: string, ids: readonly string[]): Promise<{ keys: ReplicaKey[]; gone: string[] }> {
  const found = new Map<string, KeyRow>();
  for (const part of chunks(ids)) for (const row of await keyQuery(db).where('k.id', 'in', part).execute()) found.set(row.id, row);
  const keys: ReplicaKey[] = [];
  const gone: string[] = [];
  for (const id of ids) {
    const row = found.get(id);
    if (row === undefined) gone.push(id);
    else if (row.resource_id === clusterId) keys.push(toReplicaKey(row));
    // a key of another resource was never this cluster's (a key's resource never changes)
  }
  return { keys, gone };
}

/** The status of each owner: `DELETED` when it no longer exists. */
export async function replicaOwners(db: Executor, ids: readonly string[]): Promise<ReplicaOwner[]> {
  const status = new Map<string, string>();
  for (const part of chunks(ids)) {
    for (const row of await db.selectFrom('service_accounts').select(['id', 'status']).where('id', 'in', part).execute()) status.set(row.id, row.status);
    for (const row of await db.selectFrom('users').select(['id', 'status']).where('id', 'in', part).execute()) status.set(row.id, row.status);
  }
  return ids.map((id) => {
    const found = status.get(id);
    return { id, kind: id.startsWith('u-') ? 'user' : 'service-account', status: found === undefined ? 'DELETED' : active(found) };
  });
}

/** The complete grant list of each principal on this cluster (`[]`: none left). */
export async function replicaGrantsOf(
  db: Executor,
  organizationId: string,
  cluster: ReplicaCluster,
  principals: readonly string[],
): Promise<Array<{ principal: string; grants: ReplicaGrant[] }>> {
  const acls: KafkaAcl[] = [];
  const roleBindings: Awaited<ReturnType<typeof roleBindingsRepo.all>> = [];
  for (const part of chunks(principals)) {
    acls.push(...((await db.selectFrom('acls').selectAll().where('cluster_id', '=', cluster.id).where('principal', 'in', part).orderBy('created_at').orderBy('id').execute()) as unknown as KafkaAcl[]));
    roleBindings.push(...(await db.selectFrom('role_bindings').selectAll().where('principal', 'in', part).orderBy('created_at').orderBy('id').execute()));
  }
  const compiled = compileGrants({ organizationId, environmentId: cluster.environmentId, clusterId: cluster.id, acls, roleBindings });
  return principals.map((principal) => ({ principal, grants: compiled.filter((grant) => grant.principal === principal) }));
}

import type { ReplicaGrant } from '../../domain/kafka/compile-grants.js';
import type { Executor } from '../../store/repositories/executor.js';
import { replicaChangesAfter, replicaLogState } from './replica-log.js';
import { replicaGrantsOf, replicaKeys, replicaOwners, type ReplicaCluster, type ReplicaKey, type ReplicaOwner } from './replica.js';

/**
 * The change stream's frames (DESIGN §8): what changed for one cluster's replica after a revision,
 * read from the change log and the current data. Every entry is whole (a key as in the replica, an
 * owner's status, a principal's complete grant list on the cluster), so a frame applied twice, or
 * one that already reflects a later revision, leaves the replica right.
 */

export interface ChangeFrame {
  /** The last revision this frame covers. */
  revision: number;
  keys: ReplicaKey[];
  deleted_keys: string[];
  owners: ReplicaOwner[];
  grants: Array<{ principal: string; grants: ReplicaGrant[] }>;
}

export type ChangeStep =
  /** Nothing committed after the revision. */
  | { kind: 'none'; revision: number }
  /** `empty`: the revisions covered change nothing of this cluster (the stream moves on silently). */
  | { kind: 'change'; frame: ChangeFrame; empty: boolean }
  /** The broker must load the whole replica: the revision is too old or unknown, or a change names no principal. */
  | { kind: 'resync'; revision: number };

export async function changesSince(db: Executor, organizationId: string, cluster: ReplicaCluster, since: number): Promise<ChangeStep> {
  const state = await replicaLogState(db);
  if (!Number.isSafeInteger(since) || since < state.floor || since > state.revision) return { kind: 'resync', revision: state.revision };
  if (since === state.revision) return { kind: 'none', revision: since };
  const rows = await replicaChangesAfter(db, since);
  if (rows === undefined) return { kind: 'resync', revision: state.revision };
  if (rows.length === 0) {
    // pruned between the two reads: the floor moved past `since`
    const now = await replicaLogState(db);
    return since < now.floor ? { kind: 'resync', revision: now.revision } : { kind: 'none', revision: since };
  }
  if (rows.some((row) => row.kind === 'all' || row.target === null)) return { kind: 'resync', revision: state.revision };

  const targets = (kind: string) => [...new Set(rows.filter((row) => row.kind === kind).map((row) => row.target as string))];
  const [{ keys, gone }, owners, grants] = await Promise.all([
    replicaKeys(db, cluster.id, targets('api-key')),
    replicaOwners(db, targets('owner')),
    replicaGrantsOf(db, organizationId, cluster, targets('grants')),
  ]);
  const frame: ChangeFrame = { revision: rows[rows.length - 1]!.revision, keys, deleted_keys: gone, owners, grants };
  return { kind: 'change', frame, empty: keys.length + gone.length + owners.length + grants.length === 0 };
}

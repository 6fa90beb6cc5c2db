import type { Kysely } from 'kysely';
import type { Database, ReplicaChangesTable } from '../../store/database.js';
import type { Executor } from '../../store/repositories/executor.js';
import type { Change } from '../changes.js';

/**
 * The Kafka brokers' replica revision and change log (DESIGN §8, migration 0004): every change that
 * alters a broker's replica advances the one revision counter in its own transaction and records
 * what it changed, so that a broker resumes its change stream from any instance after its revision.
 */

export type ReplicaChangeKind = ReplicaChangesTable['kind'];

export interface ReplicaChange {
  kind: ReplicaChangeKind;
  /** The key id, owner id or principal; null: everything (a resync). */
  target: string | null;
}

export interface ReplicaChangeRow extends ReplicaChange {
  revision: number;
}

export interface ReplicaLogState {
  /** The latest committed revision. */
  revision: number;
  /** The highest revision pruned from the log: a broker below it must load the whole replica. */
  floor: number;
}

export interface ReplicaLogRetention {
  /** Changes older than this are pruned (default 24 h). */
  maxAgeMs: number;
  /** At most this many revisions are kept (default 100,000). */
  maxRevisions: number;
}

export const DEFAULT_RETENTION: ReplicaLogRetention = { maxAgeMs: 24 * 3600_000, maxRevisions: 100_000 };

/** The log is pruned in the transaction of every this-many-th revision. */
const PRUNE_EVERY = 500;
/** Rows per INSERT (5 columns: well inside SQLite's bound on parameters). */
const INSERT_CHUNK = 150;

/**
 * The changes that alter a broker's replica, deduplicated: keys, owners and grants (signing keys and
 * the policy do not). Anything that covers everything (`all`, or grants of no one principal) is one
 * `all` row, which tells every broker to load the whole replica again.
 */
export function replicaChangesOf(changes: readonly Change[]): ReplicaChange[] {
  const out: ReplicaChange[] = [];
  const seen = new Set<string>();
  for (const change of changes) {
    let entry: ReplicaChange;
    if (change.kind === 'api-key' || change.kind === 'owner') entry = { kind: change.kind, target: change.id };
    else if (change.kind === 'grants' && change.principal !== undefined) entry = { kind: 'grants', target: change.principal };
    else if (change.kind === 'grants' || change.kind === 'all') return [{ kind: 'all', target: null }];
    else continue;
    const id = `${entry.kind} ${entry.target}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(entry);
  }
  return out;
}

/**
 * Inside the change's transaction: advances the revision by one (an UPDATE of the one counter row,
 * whose row lock on PostgreSQL makes revisions commit in order) and records what it changed. Returns
 * the new revision, or undefined when nothing of a replica changed.
 */
export async function recordReplicaChanges(
  trx: Kysely<Database>,
  changes: readonly Change[],
  now: Date,
  retention: ReplicaLogRetention = DEFAULT_RETENTION,
): Promise<number | undefined> {
  const entries = replicaChangesOf(changes);
  if (entries.length === 0) return undefined;
  const row = await trx
    .updateTable('replica_revision')
    .set((eb) => ({ revision: eb('revision', '+', 1) }))
    .where('id', '=', 1)
    .returning('revision')
    .executeTakeFirstOrThrow();
  const revision = Number(row.revision);
  const time = now.toISOString();
  const rows = entries.map((entry, position) => ({ revision, position, kind: entry.kind, target: entry.target, time }));
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await trx.insertInto('replica_changes').values(rows.slice(i, i + INSERT_CHUNK)).execute();
  if (revision % PRUNE_EVERY === 0) await pruneReplicaLog(trx, now, retention);
  return revision;
}

export async function replicaLogState(db: Executor): Promise<ReplicaLogState> {
  const row = await db.selectFrom('replica_revision').select(['revision', 'floor']).where('id', '=', 1).executeTakeFirstOrThrow();
  return { revision: Number(row.revision), floor: Number(row.floor) };
}

/**
 * The changes after `since`, oldest first, whole revisions only, at most about `limit` rows.
 * Undefined when the next revision alone holds more rows than that (the broker reloads instead).
 */
export async function replicaChangesAfter(db: Executor, since: number, limit = 2000): Promise<ReplicaChangeRow[] | undefined> {
  const rows = await db
    .selectFrom('replica_changes')
    .select(['revision', 'kind', 'target'])
    .where('revision', '>', since)
    .orderBy('revision')
    .orderBy('position')
    .limit(limit + 1)
    .execute();
  const changes = rows.map((row) => ({ revision: Number(row.revision), kind: row.kind, target: row.target }));
  if (changes.length <= limit) return changes;
  const cut = changes[limit]!.revision;
  const whole = changes.filter((change) => change.revision < cut);
  return whole.length > 0 ? whole : undefined;
}

/**
 * Drops the changes older than the retention allows and raises the floor to the highest revision
 * dropped. Runs inside a change's transaction (every PRUNE_EVERY revisions) or on its own.
 */
export async function pruneReplicaLog(db: Executor, now: Date, retention: ReplicaLogRetention = DEFAULT_RETENTION): Promise<number> {
  const state = await replicaLogState(db);
  const cutoff = new Date(now.getTime() - retention.maxAgeMs).toISOString();
  const old = await db.selectFrom('replica_changes').select((eb) => eb.fn.max('revision').as('revision')).where('time', '<', cutoff).executeTakeFirst();
  const upTo = Math.min(state.revision, Math.max(state.revision - retention.maxRevisions, Number(old?.revision ?? 0)));
  if (upTo <= state.floor) return state.floor;
  await db.deleteFrom('replica_changes').where('revision', '<=', upTo).execute();
  await db.updateTable('replica_revision').set({ floor: upTo }).where('id', '=', 1).where('floor', '<', upTo).execute();
  return upTo;
}

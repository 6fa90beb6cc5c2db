import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../store/database.js';
import { BROKER_SYNC_HEADER, type KafkaBrokerSync, type KafkaBrokers } from '../../contract/kafka-brokers.js';
import type { CallContext, Clock } from '../context.js';
import { replicaLogState } from './replica-log.js';
import type { StreamProgress } from './replica-streams.js';

/**
 * Each Kafka broker's sync state (DESIGN §8; the console's "Kafka clusters" page), kept in the database
 * (table `kafka_broker_sync`) so that any instance can answer `GET /keyward/v1/kafka/clusters/{id}/brokers`.
 *
 * The recorder learns from the broker's own requests: the replica it was served, the position its change
 * stream reached, and its event batches. It writes a broker's row at most once per `minGapMs` when something
 * changed (revision, open stream, address) and once per `refreshMs` otherwise; a change inside the gap is
 * written when the gap ends. Nothing is written per Kafka event: a batch of events counts as one sighting.
 * Writes never delay the broker's request; a failed write is reported to `onError` and the next sighting
 * writes again.
 */

/** The header the plugin names its broker in (its `node.id`), as Node spells it; optional, an older plugin does not send it. */
export const BROKER_HEADER = BROKER_SYNC_HEADER.toLowerCase();

const BROKER_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The broker's name: the header when it is well formed, otherwise `unknown@<client address>`, so that
 * brokers of an older plugin (or one without a node.id) still appear, one per address.
 */
export function brokerName(header: unknown, clientAddress: string): string {
  return typeof header === 'string' && BROKER_ID.test(header) ? header : `unknown@${clientAddress}`;
}

/** A broker as one of its requests names it. */
export interface BrokerPeer {
  /** From {@link brokerName}. */
  broker: string;
  clientAddress: string;
}

export interface BrokerSyncOptions {
  /** Least time between two writes of a broker's row when something changed (default 1000 ms). */
  minGapMs?: number;
  /** Least time between two writes of a broker's row when nothing changed but it was seen (default 10 s). */
  refreshMs?: number;
  /** An open stream counts while its instance confirmed it this recently (default 30 s; above `refreshMs`). */
  streamStaleMs?: number;
  /** Milliseconds for the throttle (default Date.now; the recorded times come from the service clock). */
  now?: () => number;
  /** This instance's id in `stream_instance` (default a random UUID). */
  instance?: string;
}

export const DEFAULT_STREAM_STALE_MS = 30_000;

export interface BrokerSyncDeps {
  db: Kysely<Database>;
  clock: Clock;
  /** A write failed (the database gone); logged without detail that could carry data. */
  onError?: (error: unknown) => void;
}

interface Written {
  revision: number | null;
  streaming: boolean;
  clientAddress: string;
  at: number;
}

interface Entry {
  clusterId: string;
  broker: string;
  /** What the broker holds as far as keyward knows: null until it was served a replica or streamed. */
  revision: number | null;
  clientAddress: string;
  /** Its change streams open on this instance. */
  streams: number;
  /** This instance marked the row as streaming and has not cleared it since. */
  marked: boolean;
  written?: Written;
  timer?: NodeJS.Timeout;
  /** The last write of this row: the next one starts after it, so that they commit in order. */
  last?: Promise<void>;
}

const MAX_IDLE_ENTRIES = 1024;

export function createBrokerSyncRecorder(deps: BrokerSyncDeps, options: BrokerSyncOptions = {}) {
  const minGapMs = options.minGapMs ?? 1000;
  const refreshMs = options.refreshMs ?? 10_000;
  const now = options.now ?? Date.now;
  const instance = options.instance ?? randomUUID();
  const entries = new Map<string, Entry>();
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  function entryOf(clusterId: string, peer: BrokerPeer): Entry {
    const id = `${clusterId}\u0000${peer.broker}`;
    let entry = entries.get(id);
    if (!entry) {
      if (entries.size >= MAX_IDLE_ENTRIES) forgetIdle();
      entry = { clusterId, broker: peer.broker, revision: null, clientAddress: peer.clientAddress, streams: 0, marked: false };
      entries.set(id, entry);
    }
    entry.clientAddress = peer.clientAddress;
    return entry;
  }

  /** Drops what is remembered of brokers with no stream here, nothing pending and no write for a while. */
  function forgetIdle(): void {
    const before = now() - 6 * refreshMs;
    for (const [id, entry] of entries) {
      if (entry.streams === 0 && !entry.timer && !entry.marked && (entry.written?.at ?? 0) < before) entries.delete(id);
    }
  }

  function changed(entry: Entry): boolean {
    const w = entry.written;
    return !w || w.revision !== entry.revision || w.streaming !== entry.streams > 0 || w.clientAddress !== entry.clientAddress;
  }

  /** The broker was seen: writes now, later (when the gap ends) or not at all, by the throttle. */
  function sighted(entry: Entry): void {
    if (closed) return;
    const at = now();
    const since = entry.written ? at - entry.written.at : Infinity;
    if (changed(entry)) {
      if (since >= minGapMs) write(entry);
      else if (!entry.timer) {
        entry.timer = setTimeout(() => write(entry), minGapMs - since);
        entry.timer.unref();
      }
    } else if (since >= refreshMs) write(entry);
  }

  function write(entry: Entry): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    const streaming = entry.streams > 0;
    const clear = !streaming && entry.marked;
    if (streaming) entry.marked = true;
    else if (clear) entry.marked = false;
    entry.written = { revision: entry.revision, streaming, clientAddress: entry.clientAddress, at: now() };
    const { clusterId, broker, revision, clientAddress } = entry;
    const pending = (entry.last ?? Promise.resolve())
      .then(() => upsert(clusterId, broker, revision, clientAddress, streaming, clear))
      .catch((error: unknown) => {
        entry.written = undefined; // the next sighting writes again
        if (clear) entry.marked = true;
        deps.onError?.(error);
      })
      .finally(() => inFlight.delete(pending));
    inFlight.add(pending);
    entry.last = pending;
  }

  async function upsert(clusterId: string, broker: string, revision: number | null, clientAddress: string, streaming: boolean, clear: boolean): Promise<void> {
    const time = deps.clock().toISOString();
    const own = sql<boolean>`kafka_broker_sync.stream_instance = ${instance}`;
    const stream = streaming
      ? { stream_instance: instance, stream_seen_at: time }
      : clear
        ? {
            // another instance may hold the broker's newer stream: only this instance's mark is cleared
            stream_instance: sql<string | null>`case when ${own} then null else kafka_broker_sync.stream_instance end`,
            stream_seen_at: sql<string | null>`case when ${own} then null else kafka_broker_sync.stream_seen_at end`,
          }
        : {};
    await deps.db
      .insertInto('kafka_broker_sync')
      .values({
        cluster_id: clusterId, broker, revision, last_seen_at: time, client_address: clientAddress,
        stream_instance: streaming ? instance : null, stream_seen_at: streaming ? time : null,
      })
      .onConflict((oc) => oc.columns(['cluster_id', 'broker']).doUpdateSet({
        ...(revision === null ? {} : { revision }),
        last_seen_at: time,
        client_address: clientAddress,
        ...stream,
      }))
      .execute();
  }

  return {
    /** The broker was served the whole replica at `revision`. */
    served(clusterId: string, peer: BrokerPeer, revision: number): void {
      const entry = entryOf(clusterId, peer);
      entry.revision = revision;
      sighted(entry);
    },
    /** The broker sent a batch of events (its revision is not learnt from them). */
    seen(clusterId: string, peer: BrokerPeer): void {
      sighted(entryOf(clusterId, peer));
    },
    /** Follows one change stream of the broker: it counts as open from its first position to its close. */
    stream(clusterId: string, peer: BrokerPeer): StreamProgress {
      let open = false;
      let ended = false;
      return {
        moved(revision: number) {
          if (ended) return;
          const entry = entryOf(clusterId, peer);
          if (!open) {
            open = true;
            entry.streams++;
          }
          entry.revision = revision;
          sighted(entry);
        },
        closed() {
          if (ended) return;
          ended = true;
          if (!open) return;
          const entry = entryOf(clusterId, peer);
          entry.streams--;
          sighted(entry);
        },
      };
    },
    /** Resolves when the writes under way have ended (a change waiting for its gap is not one yet). */
    async idle(): Promise<void> {
      await Promise.all([...inFlight]);
    },
    /** Writes every change still waiting for its gap and waits for the writes under way; then records nothing more. */
    async close(): Promise<void> {
      for (const entry of entries.values()) if (entry.timer) write(entry);
      closed = true;
      await Promise.all([...inFlight]);
    },
  };
}

export type BrokerSyncRecorder = ReturnType<typeof createBrokerSyncRecorder>;

export interface BrokerSyncQueryDeps {
  db: Kysely<Database>;
  clock: Clock;
  /** The Kafka cluster if the caller may read it, else 404 (as `GET /cmk/v2/clusters/{id}`). */
  clusters: { get(ctx: CallContext, id: string): Promise<{ id: string }> };
}

/** Reads the brokers' sync state of a cluster the caller may read. */
export function createBrokerSyncQuery(deps: BrokerSyncQueryDeps, options: Pick<BrokerSyncOptions, 'streamStaleMs'> = {}) {
  const staleMs = options.streamStaleMs ?? DEFAULT_STREAM_STALE_MS;
  return {
    async brokers(ctx: CallContext, clusterId: string): Promise<KafkaBrokers> {
      const cluster = await deps.clusters.get(ctx, clusterId);
      const [{ revision }, rows] = await Promise.all([
        replicaLogState(deps.db),
        deps.db.selectFrom('kafka_broker_sync').selectAll().where('cluster_id', '=', cluster.id).execute(),
      ]);
      const at = deps.clock().getTime();
      const brokers = rows.map((row): KafkaBrokerSync => {
        const held = row.revision === null ? null : Number(row.revision);
        return {
          broker: row.broker,
          revision: held,
          lag: held === null ? null : Math.max(0, revision - held),
          last_seen: row.last_seen_at,
          streaming: row.stream_seen_at !== null && at - Date.parse(row.stream_seen_at) <= staleMs,
          client_address: row.client_address,
        };
      });
      brokers.sort((a, b) => a.broker.localeCompare(b.broker, 'en', { numeric: true }));
      return { cluster: cluster.id, revision, brokers };
    },
  };
}

export type BrokerSyncQuery = ReturnType<typeof createBrokerSyncQuery>;

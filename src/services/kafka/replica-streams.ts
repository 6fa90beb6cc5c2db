import type { Kysely } from 'kysely';
import type { Database } from '../../store/database.js';
import type { ChangeBus } from '../changes.js';
import type { Clock } from '../context.js';
import { changesSince } from './replica-changes.js';
import { replicaLogState } from './replica-log.js';
import type { ReplicaCluster } from './replica.js';

/**
 * The open change streams of this instance (DESIGN §8, text/event-stream). One watcher per process
 * learns that the revision moved — from the change bus (this instance's commits, and the other
 * instances' through PostgreSQL LISTEN/NOTIFY) and, as a safety net, by polling the revision — and
 * each stream then reads the change log after its own position and writes the frames.
 */

export interface StreamSink {
  /** Writes one or more complete SSE frames. */
  write(text: string): void;
  /** Ends the response. */
  end(): void;
  /** The stream ends because of this error (the database gone); the broker reconnects and resumes. */
  failed?(error: unknown): void;
}

/** Follows one stream's progress (the broker's sync state): its position, on every move and heartbeat, and its end. */
export interface StreamProgress {
  moved(revision: number): void;
  closed(): void;
}

export interface ReplicaStreamOptions {
  /** The safety-net poll of the revision (default 2000 ms). */
  pollMs?: number;
  /** Heartbeats after the first one (default 5000 ms). */
  heartbeatMs?: number;
  /** Open streams per cluster on this instance (default 64). */
  maxPerCluster?: number;
}

export interface ReplicaStreamDeps {
  db: Kysely<Database>;
  organizationId: string;
  changes: ChangeBus;
  clock: Clock;
  /** A stream ended by an error (the database gone): logged without detail that could carry data. */
  onError?: (error: unknown) => void;
}

/** One SSE frame. `data` is JSON on one line. */
export function sseFrame(event: string, data: unknown, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

interface OpenStream {
  cluster: ReplicaCluster;
  position: number;
  pump(): void;
  close(): void;
}

export function createReplicaStreams(deps: ReplicaStreamDeps, options: ReplicaStreamOptions = {}) {
  const pollMs = options.pollMs ?? 2000;
  const heartbeatMs = options.heartbeatMs ?? 5000;
  const maxPerCluster = options.maxPerCluster ?? 64;
  const streams = new Set<OpenStream>();
  let poll: NodeJS.Timeout | undefined;
  let checking = false;
  let recheck = false;
  let closed = false;

  /** Reads the revision once (coalescing concurrent calls) and wakes every stream behind it. */
  function check(): void {
    if (streams.size === 0) return;
    if (checking) {
      recheck = true;
      return;
    }
    checking = true;
    replicaLogState(deps.db)
      .then(({ revision }) => {
        for (const stream of streams) if (stream.position < revision) stream.pump();
      })
      .catch(() => undefined) // the next change or poll tries again
      .finally(() => {
        checking = false;
        if (recheck) {
          recheck = false;
          check();
        }
      });
  }

  const unsubscribe = deps.changes.subscribe((change) => {
    if (change.kind !== 'signing-keys') check();
  });

  function countFor(clusterId: string): number {
    let count = 0;
    for (const stream of streams) if (stream.cluster.id === clusterId) count++;
    return count;
  }

  return {
    /** Streams open on this instance for the cluster. */
    count: countFor,
    /**
     * Opens a stream after `since`; false when the cluster already has `maxPerCluster` streams here.
     * The caller wires `stop` to the connection's close.
     */
    open(cluster: ReplicaCluster, since: number, sink: StreamSink, progress?: StreamProgress): { stop(): void } | undefined {
      if (closed || countFor(cluster.id) >= maxPerCluster) return undefined;
      let pumping = false;
      let again = false;
      let ended = false;
      const beat = () => {
        sink.write(sseFrame('heartbeat', { revision: stream.position, time: deps.clock().toISOString() }));
        progress?.moved(stream.position);
      };
      const heartbeat = setInterval(beat, heartbeatMs);
      heartbeat.unref();

      const stream: OpenStream = {
        cluster,
        position: since,
        pump() {
          if (ended) return;
          if (pumping) {
            again = true;
            return;
          }
          pumping = true;
          void (async () => {
            try {
              do {
                again = false;
                for (;;) {
                  const step = await changesSince(deps.db, deps.organizationId, cluster, stream.position);
                  if (ended) return;
                  if (step.kind === 'none') break;
                  if (step.kind === 'resync') {
                    sink.write(sseFrame('resync', { revision: step.revision }));
                    stream.close();
                    return;
                  }
                  if (!step.empty) sink.write(sseFrame('change', step.frame, step.frame.revision));
                  stream.position = step.frame.revision;
                  progress?.moved(stream.position);
                }
              } while (again && !ended);
            } catch (error) {
              deps.onError?.(error);
              sink.failed?.(error);
              stream.close(); // the broker reconnects and resumes from its revision
            } finally {
              pumping = false;
            }
          })();
        },
        close() {
          if (ended) return;
          ended = true;
          clearInterval(heartbeat);
          streams.delete(stream);
          progress?.closed();
          if (streams.size === 0 && poll) {
            clearInterval(poll);
            poll = undefined;
          }
          sink.end();
        },
      };

      streams.add(stream);
      sink.write('retry: 1000\n\n');
      beat();
      if (!poll) {
        poll = setInterval(check, pollMs);
        poll.unref();
      }
      stream.pump();
      return { stop: () => stream.close() };
    },
    /** Ends every stream (server shutdown): each broker reconnects to another instance or later. */
    closeAll(): void {
      closed = true;
      for (const stream of [...streams]) stream.close();
      unsubscribe();
    },
  };
}

export type ReplicaStreams = ReturnType<typeof createReplicaStreams>;

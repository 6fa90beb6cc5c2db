import { errors } from '../../domain/errors.js';
import type { RequestMetadata, ServiceDeps } from '../context.js';
import type { LastUsedRecorder } from '../verify/last-used.js';
import type { UsageSink } from '../../domain/usage.js';
import type { DataPlaneAuditMode } from '../audit/data-plane-recorder.js';
import type { Verify } from '../verify/verifier.js';
import { createBrokerAuth, type BrokerIdentity } from './broker-auth.js';
import { createBrokerEvents, type BrokerEvent } from './broker-events.js';
import { DEFAULT_RETENTION, pruneReplicaLog, type ReplicaLogRetention } from './replica-log.js';
import { findReplicaCluster, loadReplica, type Replica, type ReplicaCluster } from './replica.js';
import { createReplicaStreams, type ReplicaStreamOptions, type StreamSink } from './replica-streams.js';
import { createBrokerSyncRecorder, type BrokerPeer, type BrokerSyncOptions } from './broker-sync.js';

export interface KafkaBrokerOptions extends ReplicaStreamOptions {
  /** How long the change log keeps changes (a broker further behind loads the whole replica). */
  retention?: ReplicaLogRetention;
  onStreamError?: (error: unknown) => void;
  /** The throttle of the brokers' sync state writes. */
  sync?: BrokerSyncOptions;
  /** A sync state write failed. */
  onSyncError?: (error: unknown) => void;
}

/** keyward's side of the broker plugin (DESIGN §8): authentication, the replica and its change stream. */
export interface KafkaBrokerDataPlane {
  verify: Verify;
  lastUsed: Pick<LastUsedRecorder, 'touch'>;
  auditMode?: DataPlaneAuditMode;
  usage?: UsageSink;
}

export function createKafkaBrokerService(deps: Pick<ServiceDeps, 'db' | 'clock' | 'authz' | 'organizationId' | 'audit' | 'changes'>, dataPlane: KafkaBrokerDataPlane, options: KafkaBrokerOptions = {}) {
  const authenticate = createBrokerAuth(deps, dataPlane.verify);
  const events = createBrokerEvents({ db: deps.db, organizationId: deps.organizationId, audit: deps.audit, lastUsed: dataPlane.lastUsed, auditMode: dataPlane.auditMode, usage: dataPlane.usage });
  const streams = createReplicaStreams({ db: deps.db, organizationId: deps.organizationId, changes: deps.changes, clock: deps.clock, onError: options.onStreamError }, options);
  const sync = createBrokerSyncRecorder({ db: deps.db, clock: deps.clock, onError: options.onSyncError }, options.sync);
  const retention = options.retention ?? DEFAULT_RETENTION;

  async function cluster(broker: BrokerIdentity): Promise<ReplicaCluster> {
    const found = await findReplicaCluster(deps.db, broker.clusterId);
    if (!found) throw errors.notFound('Kafka cluster', broker.clusterId);
    return found;
  }

  return {
    authenticate,
    /** The whole replica; `peer` (the broker as its request names it) is recorded as holding its revision. */
    async replica(broker: BrokerIdentity, peer?: BrokerPeer): Promise<Replica> {
      const replica = await loadReplica(deps.db, deps.organizationId, await cluster(broker));
      if (peer) sync.served(broker.clusterId, peer, replica.revision);
      return replica;
    },
    /** Opens the broker's change stream after `since`; 429 when its cluster has too many streams here. */
    async openStream(broker: BrokerIdentity, since: number, sink: StreamSink, peer?: BrokerPeer): Promise<{ stop(): void }> {
      const opened = streams.open(await cluster(broker), since, sink, peer && sync.stream(broker.clusterId, peer));
      if (!opened) throw errors.rateLimited(`Too many change streams for ${broker.clusterId} on this instance`, 5);
      return opened;
    },
    /** Records the broker's batch of authentication and authorization events in the audit log. */
    ingestEvents: (broker: BrokerIdentity, batch: readonly BrokerEvent[], request: RequestMetadata, peer?: BrokerPeer) => {
      if (peer) sync.seen(broker.clusterId, peer);
      return events.ingest(broker.clusterId, batch, request);
    },
    streamCount: (clusterId: string) => streams.count(clusterId),
    /** Prunes the change log now (it is also pruned as revisions advance). */
    prune: (now: Date = deps.clock(), keep: ReplicaLogRetention = retention) => pruneReplicaLog(deps.db, now, keep),
    /** Ends every open stream and writes the sync state still pending. */
    close: (): Promise<void> => {
      streams.closeAll();
      return sync.close();
    },
  };
}

export type KafkaBrokerService = ReturnType<typeof createKafkaBrokerService>;

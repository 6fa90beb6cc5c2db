import { errors } from '../../domain/errors.js';
import type { ServiceDeps } from '../context.js';
import type { Verify } from '../verify/verifier.js';
import { createBrokerAuth, type BrokerIdentity } from './broker-auth.js';
import { DEFAULT_RETENTION, pruneReplicaLog, type ReplicaLogRetention } from './replica-log.js';
import { findReplicaCluster, loadReplica, type Replica, type ReplicaCluster } from './replica.js';
import { createReplicaStreams, type ReplicaStreamOptions, type StreamSink } from './replica-streams.js';

export interface KafkaBrokerOptions extends ReplicaStreamOptions {
  /** How long the change log keeps changes (a broker further behind loads the whole replica). */
  retention?: ReplicaLogRetention;
  onStreamError?: (error: unknown) => void;
}

/** keyward's side of the broker plugin (DESIGN §8): authentication, the replica and its change stream. */
export function createKafkaBrokerService(deps: ServiceDeps, verify: Verify, options: KafkaBrokerOptions = {}) {
  const authenticate = createBrokerAuth(deps, verify);
  const streams = createReplicaStreams({ db: deps.db, organizationId: deps.organizationId, changes: deps.changes, clock: deps.clock, onError: options.onStreamError }, options);
  const retention = options.retention ?? DEFAULT_RETENTION;

  async function cluster(broker: BrokerIdentity): Promise<ReplicaCluster> {
    const found = await findReplicaCluster(deps.db, broker.clusterId);
    if (!found) throw errors.notFound('Kafka cluster', broker.clusterId);
    return found;
  }

  return {
    authenticate,
    async replica(broker: BrokerIdentity): Promise<Replica> {
      return loadReplica(deps.db, deps.organizationId, await cluster(broker));
    },
    /** Opens the broker's change stream after `since`; 429 when its cluster has too many streams here. */
    async openStream(broker: BrokerIdentity, since: number, sink: StreamSink): Promise<{ stop(): void }> {
      const opened = streams.open(await cluster(broker), since, sink);
      if (!opened) throw errors.rateLimited(`Too many change streams for ${broker.clusterId} on this instance`, 5);
      return opened;
    },
    streamCount: (clusterId: string) => streams.count(clusterId),
    /** Prunes the change log now (it is also pruned as revisions advance). */
    prune: (now: Date = deps.clock(), keep: ReplicaLogRetention = retention) => pruneReplicaLog(deps.db, now, keep),
    /** Ends every open stream. */
    close: () => streams.closeAll(),
  };
}

export type KafkaBrokerService = ReturnType<typeof createKafkaBrokerService>;

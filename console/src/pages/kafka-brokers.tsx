import { brokersSummary, brokerStatus } from '../kafka/brokers';
import { DataTable, type Column } from '../components/data-table';
import { ErrorNotice } from '../components/notice';
import { Panel } from '../components/page';
import { RelativeTime } from '../components/time';
import type { KafkaBrokers, KafkaBrokerSync, KafkaCluster } from '../../../src/contract/index';

/** A cluster with its brokers' sync state, or why that could not be read. */
export interface ClusterSync {
  cluster: KafkaCluster;
  environment: string;
  brokers: KafkaBrokers | undefined;
  error: unknown;
}

const dash = <span class="muted">—</span>;

function brokerColumns(revision: number, now: number): Array<Column<KafkaBrokerSync>> {
  return [
    { id: 'broker', header: 'Broker', cell: (b) => <span class="mono">{b.broker}</span>, sortValue: (b) => b.broker },
    {
      id: 'sync',
      header: 'Sync',
      cell: (b) => {
        const status = brokerStatus(b, now);
        return (
          <span class={`badge badge-${status.tone}`} title={status.detail}>
            {status.state}
          </span>
        );
      },
    },
    { id: 'revision', header: 'Revision (broker / cluster)', className: 'num', cell: (b) => `${b.revision ?? '—'} / ${revision}` },
    { id: 'lag', header: 'Lag', className: 'num', cell: (b) => (b.lag === null ? dash : b.lag), sortValue: (b) => b.lag ?? -1 },
    { id: 'last-seen', header: 'Last seen', cell: (b) => <RelativeTime time={b.last_seen} />, sortValue: (b) => b.last_seen },
    { id: 'streaming', header: 'Streaming', cell: (b) => (b.streaming ? 'yes' : 'no') },
    { id: 'client', header: 'Client address', cell: (b) => <span class="mono">{b.client_address}</span> },
  ];
}

/** One Kafka cluster: its properties and each broker's sync state (GET /keyward/v1/kafka/clusters/{id}/brokers). */
export function ClusterBrokersPanel({ sync, now }: { sync: ClusterSync; now: number }) {
  const { cluster, brokers } = sync;
  return (
    <Panel title={`${cluster.spec.display_name} (${cluster.id})`} id={`kafka-${cluster.id}`}>
      <dl class="properties">
        <dt>ID</dt>
        <dd class="mono">{cluster.id}</dd>
        <dt>Environment</dt>
        <dd>{sync.environment}</dd>
        <dt>Bootstrap endpoint</dt>
        <dd>{cluster.spec.kafka_bootstrap_endpoint === null ? dash : <span class="mono">{cluster.spec.kafka_bootstrap_endpoint}</span>}</dd>
        <dt>Replica revision</dt>
        <dd>{brokers === undefined ? dash : brokers.revision}</dd>
      </dl>
      <ErrorNotice error={sync.error} title="The brokers' sync state cannot be read" />
      {brokers !== undefined && (
        <>
          {brokers.brokers.length > 0 && <p class="kafka-summary">{brokersSummary(brokers, now)}</p>}
          <DataTable
            caption={`Brokers of ${cluster.id}`}
            columns={brokerColumns(brokers.revision, now)}
            rows={brokers.brokers}
            rowKey={(b) => b.broker}
            empty="No broker uses this cluster yet: a broker appears once the keyward plugin of one of its brokers asks keyward for the cluster's replica or sends its events."
          />
        </>
      )}
    </Panel>
  );
}

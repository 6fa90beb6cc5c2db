import { api } from '../api';
import { DataTable, type Column } from '../components/data-table';
import { EmptyState, ErrorNotice, Loading } from '../components/notice';
import { Page, Panel } from '../components/page';
import { StatusBadge } from '../components/status-badge';
import { useResource } from '../hooks/use-resource';
import { brokersSummary } from '../kafka/brokers';
import type { Environment, KafkaBrokers, KafkaCluster, SchemaRegistryCluster } from '../../../src/contract/index';
import { ClusterBrokersPanel, type ClusterSync } from './kafka-brokers';

interface RegistryRow {
  cluster: SchemaRegistryCluster;
  environment: string;
}

interface KafkaView {
  clusters: ClusterSync[];
  registries: RegistryRow[];
  /** When the view was loaded: the brokers' "silent" state is judged against it. */
  loadedAt: number;
}

const environmentLabel = (names: ReadonlyMap<string, string>, id: string) => {
  const name = names.get(id);
  return name === undefined || name === id ? id : `${name} (${id})`;
};

/** The clusters, the environments' names (ids alone when they cannot be listed) and every cluster's brokers. */
async function loadKafkaView(signal: AbortSignal): Promise<KafkaView> {
  const [clusters, registries, environments] = await Promise.all([
    api.listAll<KafkaCluster>('/cmk/v2/clusters', {}, signal),
    api.listAll<SchemaRegistryCluster>('/srcm/v2/clusters', {}, signal),
    api.listAll<Environment>('/org/v2/environments', {}, signal).catch(() => [] as Environment[]),
  ]);
  const names = new Map(environments.map((e) => [e.id, e.display_name]));
  const syncs = await Promise.all(
    clusters.map((cluster) =>
      api.get<KafkaBrokers>(`/keyward/v1/kafka/clusters/${encodeURIComponent(cluster.id)}/brokers`, undefined, signal).then(
        (brokers): ClusterSync => ({ cluster, environment: environmentLabel(names, cluster.spec.environment.id), brokers, error: undefined }),
        (error: unknown): ClusterSync => ({ cluster, environment: environmentLabel(names, cluster.spec.environment.id), brokers: undefined, error }),
      ),
    ),
  );
  return { clusters: syncs, registries: registries.map((cluster) => ({ cluster, environment: environmentLabel(names, cluster.spec.environment.id) })), loadedAt: Date.now() };
}

function clusterColumns(now: number): Array<Column<ClusterSync>> {
  return [
    { id: 'name', header: 'Name', cell: (s) => <a href={`#kafka-${s.cluster.id}-heading`}>{s.cluster.spec.display_name}</a>, sortValue: (s) => s.cluster.spec.display_name },
    { id: 'id', header: 'ID', cell: (s) => <span class="mono">{s.cluster.id}</span>, sortValue: (s) => s.cluster.id },
    { id: 'environment', header: 'Environment', cell: (s) => s.environment, sortValue: (s) => s.environment },
    { id: 'status', header: 'Status', cell: (s) => <StatusBadge status={s.cluster.status.phase} /> },
    { id: 'brokers', header: 'Brokers', cell: (s) => (s.brokers === undefined ? <span class="muted">not readable</span> : brokersSummary(s.brokers, now)) },
  ];
}

const REGISTRY_COLUMNS: Array<Column<RegistryRow>> = [
  { id: 'name', header: 'Name', cell: (r) => r.cluster.spec.display_name, sortValue: (r) => r.cluster.spec.display_name },
  { id: 'id', header: 'ID', cell: (r) => <span class="mono">{r.cluster.id}</span>, sortValue: (r) => r.cluster.id },
  { id: 'environment', header: 'Environment', cell: (r) => r.environment, sortValue: (r) => r.environment },
  { id: 'location', header: 'Cloud / region', cell: (r) => `${r.cluster.spec.cloud} / ${r.cluster.spec.region}` },
  { id: 'endpoint', header: 'Endpoint', cell: (r) => (r.cluster.spec.http_endpoint === null ? <span class="muted">—</span> : <span class="mono">{r.cluster.spec.http_endpoint}</span>) },
  { id: 'status', header: 'Status', cell: (r) => <StatusBadge status={r.cluster.status.phase} /> },
];

/** /console/kafka — the Kafka clusters with their brokers' sync state, and the Schema Registry clusters. */
export function KafkaPage() {
  const view = useResource(loadKafkaView, []);
  const data = view.data;
  const actions = (
    <button type="button" class="button" onClick={view.reload} disabled={view.loading}>
      {view.loading && data !== undefined ? 'Refreshing…' : 'Refresh'}
    </button>
  );
  return (
    <Page title="Kafka clusters" actions={actions} description="Each Kafka cluster and how far its brokers' keyward plugin is in sync; the Schema Registry clusters.">
      <ErrorNotice error={view.error} title="The clusters cannot be listed" />
      {data === undefined ? (
        view.loading && <Loading label="Loading clusters…" />
      ) : (
        <>
          <Panel title="Kafka clusters" id="kafka-clusters">
            <DataTable caption="Kafka clusters" columns={clusterColumns(data.loadedAt)} rows={data.clusters} rowKey={(s) => s.cluster.id} empty="There is no Kafka cluster yet (create one with keyward kafka cluster create)." />
          </Panel>
          {data.clusters.map((sync) => (
            <ClusterBrokersPanel key={sync.cluster.id} sync={sync} now={data.loadedAt} />
          ))}
          <Panel title="Schema Registry clusters" id="schema-registry-clusters">
            {data.registries.length === 0 ? (
              <EmptyState>There is no Schema Registry cluster yet (create one with keyward schema-registry cluster create).</EmptyState>
            ) : (
              <DataTable caption="Schema Registry clusters" columns={REGISTRY_COLUMNS} rows={data.registries} rowKey={(r) => r.cluster.id} />
            )}
          </Panel>
        </>
      )}
    </Page>
  );
}

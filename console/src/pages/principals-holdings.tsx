import { api } from '../api';
import type { AclList, KafkaAcl, RoleBinding } from '../access/types';
import { aclLabel } from '../access/rules';
import type { HeldCounts } from '../access/rules';
import { DataTable, type Column } from '../components/data-table';
import { ErrorNotice } from '../components/notice';
import { Panel } from '../components/page';
import { StatusBadge } from '../components/status-badge';
import { RelativeTime } from '../components/time';
import type { ApiKey, KafkaCluster } from '../keys/types';
import { paths } from '../routes';
import { principalOf } from '../../../src/contract/index';

/** What a principal holds: its keys, its role bindings, its ACLs on every Kafka cluster (each list may fail alone). */
export interface Holdings {
  keys: ApiKey[] | Error;
  bindings: RoleBinding[] | Error;
  acls: KafkaAcl[] | Error;
}

async function settle<T>(load: Promise<T>): Promise<T | Error> {
  try {
    return await load;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    return error instanceof Error ? error : new Error(String(error));
  }
}

async function aclsOf(principal: string, signal: AbortSignal): Promise<KafkaAcl[]> {
  const clusters = await api.listAll<KafkaCluster>('/cmk/v2/clusters', {}, signal);
  const lists = await Promise.all(
    clusters.map((cluster) => api.get<AclList>(`/kafka/v3/clusters/${encodeURIComponent(cluster.id)}/acls`, { principal }, signal)),
  );
  return lists.flatMap((list) => list.data);
}

export async function loadHoldings(id: string, signal: AbortSignal): Promise<Holdings> {
  const principal = principalOf(id);
  const [keys, bindings, acls] = await Promise.all([
    settle(api.listAll<ApiKey>('/iam/v2/api-keys', { 'spec.owner': id }, signal)),
    settle(api.listAll<RoleBinding>('/iam/v2/role-bindings', { principal }, signal)),
    settle(aclsOf(principal, signal)),
  ]);
  return { keys, bindings, acls };
}

/** The counts the delete dialog shows; null when a list could not be read. */
export function heldCounts(holdings: Holdings | undefined): HeldCounts | null {
  if (holdings === undefined) return null;
  const { keys, bindings, acls } = holdings;
  if (keys instanceof Error || bindings instanceof Error || acls instanceof Error) return null;
  return { api_keys: keys.length, role_bindings: bindings.length, acls: acls.length };
}

const KEY_COLUMNS: ReadonlyArray<Column<ApiKey>> = [
  { id: 'key', header: 'API key', cell: (k) => <a class="mono" href={paths.apiKey(k.id)}>{k.id}</a>, sortValue: (k) => k.id },
  { id: 'name', header: 'Name', cell: (k) => k.spec.display_name || <span class="muted">—</span> },
  { id: 'resource', header: 'Resource', cell: (k) => <span class="mono">{k.spec.resource.id}</span>, sortValue: (k) => k.spec.resource.id },
  { id: 'state', header: 'Status', cell: (k) => <StatusBadge status={k.spec.state} />, sortValue: (k) => k.spec.state },
  { id: 'last-used', header: 'Last used', cell: (k) => <RelativeTime time={k.spec.last_used} />, sortValue: (k) => k.spec.last_used ?? '' },
];

const BINDING_COLUMNS: ReadonlyArray<Column<RoleBinding>> = [
  { id: 'id', header: 'ID', cell: (b) => <span class="mono">{b.id}</span>, sortValue: (b) => b.id },
  { id: 'role', header: 'Role', cell: (b) => b.role_name, sortValue: (b) => b.role_name },
  { id: 'scope', header: 'Scope (CRN pattern)', cell: (b) => <span class="mono crn">{b.crn_pattern}</span>, sortValue: (b) => b.crn_pattern },
];

const ACL_COLUMNS: ReadonlyArray<Column<KafkaAcl>> = [
  { id: 'cluster', header: 'Cluster', cell: (a) => <span class="mono">{a.cluster_id}</span>, sortValue: (a) => a.cluster_id },
  { id: 'permission', header: 'Permission', cell: (a) => <StatusBadge status={a.permission === 'ALLOW' ? 'allowed' : 'denied'} title={a.permission} /> },
  { id: 'operation', header: 'Operation', cell: (a) => a.operation, sortValue: (a) => a.operation },
  { id: 'resource', header: 'Resource', cell: (a) => `${a.resource_type} ${a.resource_name}`, sortValue: (a) => `${a.resource_type} ${a.resource_name}` },
  { id: 'pattern', header: 'Pattern', cell: (a) => a.pattern_type },
  { id: 'host', header: 'Host', cell: (a) => a.host },
];

function HoldingPanel<Row>(props: { title: string; list: Row[] | Error | undefined; columns: ReadonlyArray<Column<Row>>; rowKey: (row: Row) => string; empty: string }) {
  const { title, list, columns, rowKey, empty } = props;
  return (
    <Panel title={title}>
      {list instanceof Error ? (
        <ErrorNotice error={list} title={`${title} cannot be read`} />
      ) : list === undefined ? null : (
        <DataTable caption={title} columns={columns} rows={list} rowKey={rowKey} empty={empty} />
      )}
    </Panel>
  );
}

export function HoldingPanels({ holdings }: { holdings: Holdings | undefined }) {
  return (
    <>
      <HoldingPanel title="API keys" list={holdings?.keys} columns={KEY_COLUMNS} rowKey={(k) => k.id} empty="No API keys." />
      <HoldingPanel title="Role bindings" list={holdings?.bindings} columns={BINDING_COLUMNS} rowKey={(b) => b.id} empty="No role bindings." />
      <HoldingPanel title="ACLs" list={holdings?.acls} columns={ACL_COLUMNS} rowKey={(a) => `${a.cluster_id} ${aclLabel(a)}`} empty="No ACLs on any Kafka cluster." />
    </>
  );
}

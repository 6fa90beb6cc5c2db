import { useMemo, useState } from 'preact/hooks';
import { api } from '../api';
import { DataTable, type Column } from '../components/data-table';
import { ErrorNotice, Loading, Notice } from '../components/notice';
import { Page, Panel } from '../components/page';
import { StatusBadge } from '../components/status-badge';
import { useResource } from '../hooks/use-resource';
import type { ApiKey, ServiceAccount, User } from '../keys/types';
import { paths } from '../routes';
import { CreateServiceAccountDialog } from './principals-create';

/** Keys per owner id; undefined when the caller may not list keys. */
async function keyCounts(signal: AbortSignal): Promise<Map<string, number> | undefined> {
  try {
    const keys = await api.listAll<ApiKey>('/iam/v2/api-keys', {}, signal);
    const counts = new Map<string, number>();
    for (const key of keys) counts.set(key.spec.owner.id, (counts.get(key.spec.owner.id) ?? 0) + 1);
    return counts;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    return undefined;
  }
}

function accountColumns(counts: Map<string, number> | undefined): Array<Column<ServiceAccount>> {
  return [
    { id: 'name', header: 'Name', cell: (sa) => <a href={paths.serviceAccount(sa.id)}>{sa.display_name}</a>, sortValue: (sa) => sa.display_name.toLowerCase() },
    { id: 'id', header: 'ID', cell: (sa) => <span class="mono">{sa.id}</span>, sortValue: (sa) => sa.id },
    { id: 'description', header: 'Description', cell: (sa) => sa.description || <span class="muted">—</span> },
    { id: 'status', header: 'Status', cell: (sa) => <StatusBadge status={sa.status === 'DISABLED' ? 'disabled' : 'active'} />, sortValue: (sa) => sa.status },
    { id: 'keys', header: 'API keys', cell: (sa) => (counts === undefined ? <span class="muted">—</span> : (counts.get(sa.id) ?? 0)), sortValue: (sa) => counts?.get(sa.id) ?? 0, className: 'num' },
  ];
}

const USER_COLUMNS: ReadonlyArray<Column<User>> = [
  { id: 'name', header: 'Name', cell: (u) => <a href={paths.user(u.id)}>{u.full_name || u.email}</a>, sortValue: (u) => (u.full_name || u.email).toLowerCase() },
  { id: 'email', header: 'Email', cell: (u) => u.email, sortValue: (u) => u.email },
  { id: 'id', header: 'ID', cell: (u) => <span class="mono">{u.id}</span>, sortValue: (u) => u.id },
  { id: 'auth', header: 'Auth method', cell: (u) => u.auth_type, sortValue: (u) => u.auth_type },
];

/** /console/principals — the service accounts (with their key counts) and the users, and "Create service account". */
export function PrincipalsPage() {
  const accounts = useResource((signal) => api.listAll<ServiceAccount>('/iam/v2/service-accounts', {}, signal), []);
  const users = useResource((signal) => api.listAll<User>('/iam/v2/users', {}, signal), []);
  const counts = useResource(keyCounts, []);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<ServiceAccount | null>(null);
  const columns = useMemo(() => accountColumns(counts.data), [counts.data]);

  return (
    <Page
      title="Service accounts & users"
      actions={
        <button type="button" class="button button-primary" onClick={() => setCreating(true)}>
          Create service account
        </button>
      }
    >
      {created !== null && (
        <Notice tone="success">
          Created service account <a href={paths.serviceAccount(created.id)}>{created.display_name}</a> (<span class="mono">{created.id}</span>).
        </Notice>
      )}
      <Panel title="Service accounts">
        <ErrorNotice error={accounts.error} title="The service accounts cannot be read" />
        {accounts.data === undefined ? (
          accounts.loading && <Loading label="Loading service accounts…" />
        ) : (
          <DataTable caption="Service accounts" columns={columns} rows={accounts.data} rowKey={(sa) => sa.id} empty="No service accounts yet." />
        )}
      </Panel>
      <Panel title="Users">
        <ErrorNotice error={users.error} title="The users cannot be read" />
        {users.data === undefined ? (
          users.loading && <Loading label="Loading users…" />
        ) : (
          <DataTable caption="Users" columns={USER_COLUMNS} rows={users.data} rowKey={(u) => u.id} empty="No users." />
        )}
      </Panel>
      <CreateServiceAccountDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(account) => {
          setCreating(false);
          setCreated(account);
          accounts.reload();
        }}
      />
    </Page>
  );
}

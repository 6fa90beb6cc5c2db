import { useMemo, useRef } from 'preact/hooks';
import { DataTable, type Column } from '../components/data-table';
import { Sparkline } from '../components/sparkline';
import { StatusBadge } from '../components/status-badge';
import { RelativeTime } from '../components/time';
import { failuresOf, hasElevatedFailures } from '../keys/attention';
import type { KeyRow } from '../keys/rows';
import type { ApiKey } from '../keys/types';
import { paths } from '../routes';
import { KeyActionButtons, type KeyAction } from './api-key-actions';

function UsageCell({ row }: { row: KeyRow }) {
  if (row.usage === undefined) return <span class="muted" title="Usage is not available">—</span>;
  if (row.usage === null) return <span class="muted">no use</span>;
  const { total, failures } = failuresOf(row.usage.totals);
  const label = `${row.id}: ${total} authentications in 24 h, ${failures} failed`;
  return (
    <span class="usage-cell">
      <Sparkline values={row.usage.perBucket} label={label} tone={hasElevatedFailures(row.usage.totals) ? 'bad' : 'good'} />
      <span class="usage-total" aria-hidden="true">
        {total}
      </span>
    </span>
  );
}

function columns(onAction: (action: KeyAction, key: ApiKey) => void): Array<Column<KeyRow>> {
  return [
    {
      id: 'key',
      header: 'Key',
      sortValue: (row) => row.id,
      cell: (row) => (
        <a class="mono key-id" href={paths.apiKey(row.id)}>
          {row.id}
        </a>
      ),
    },
    { id: 'description', header: 'Description', sortValue: (row) => row.key.spec.description.toLowerCase(), cell: (row) => row.key.spec.description || <span class="muted">—</span> },
    {
      id: 'owner',
      header: 'Owner',
      sortValue: (row) => row.owner.toLowerCase(),
      cell: (row) => (
        <span>
          {row.owner}
          {row.owner !== row.key.spec.owner.id && <span class="muted mono id-under">{row.key.spec.owner.id}</span>}
        </span>
      ),
    },
    {
      id: 'resource',
      header: 'Resource',
      sortValue: (row) => row.resource.toLowerCase(),
      cell: (row) => (
        <span>
          {row.resource}
          {row.resource !== row.key.spec.resource.id && row.key.spec.resource.kind !== 'Cloud' && <span class="muted mono id-under">{row.key.spec.resource.id}</span>}
        </span>
      ),
    },
    { id: 'created', header: 'Created', sortValue: (row) => row.key.metadata.created_at, cell: (row) => <RelativeTime time={row.key.metadata.created_at} /> },
    { id: 'last-used', header: 'Last used', sortValue: (row) => row.key.spec.last_used ?? '', cell: (row) => <RelativeTime time={row.key.spec.last_used} /> },
    { id: 'usage', header: 'Last 24 h', sortValue: (row) => (row.usage ? row.usage.perBucket.reduce((a, b) => a + b, 0) : -1), cell: (row) => <UsageCell row={row} /> },
    {
      id: 'status',
      header: 'Status',
      sortValue: (row) => row.badges.join(' '),
      cell: (row) => (
        <span class="badges">
          {row.badges.map((badge) => (
            <StatusBadge key={badge} status={badge} />
          ))}
        </span>
      ),
    },
    { id: 'actions', header: 'Actions', cell: (row) => <KeyActionButtons apiKey={row.key} onAction={onAction} /> },
  ];
}

/** The keys table: 100 rows at a time, sortable, cards under 700 px. */
export function KeysTable({ rows, onAction, filtered }: { rows: readonly KeyRow[]; onAction: (action: KeyAction, key: ApiKey) => void; filtered: boolean }) {
  // The columns stay the same objects across renders, so the table sorts again only when the rows change.
  const latest = useRef(onAction);
  latest.current = onAction;
  const stable = useMemo(() => columns((action, key) => latest.current(action, key)), []);
  return (
    <DataTable
      caption="API keys"
      columns={stable}
      rows={rows}
      rowKey={(row) => row.id}
      pageSize={100}
      empty={filtered ? 'No API key matches these filters.' : 'No API keys yet. Create one.'}
    />
  );
}

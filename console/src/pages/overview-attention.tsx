import { useMemo } from 'preact/hooks';
import type { ApiKeyState } from '../../../src/contract/index';
import { DataTable, type Column } from '../components/data-table';
import { StatusBadge } from '../components/status-badge';
import { RelativeTime } from '../components/time';
import { attentionReasons, failuresOf, type AttentionPolicy, type AttentionReason } from '../keys/attention';
import { ownerName, type Directory } from '../keys/directory';
import type { ApiKey, UsageSummary } from '../keys/types';
import { paths } from '../routes';

interface AttentionRow {
  key: ApiKey;
  owner: string;
  reasons: AttentionReason[];
  failures: number;
}

const REASON_TONE: Record<AttentionReason, 'warn' | 'bad'> = { unused: 'warn', 'due for rotation': 'warn', 'old key still in use': 'warn', 'failure spike': 'bad' };

/** The keys the advisor's key rules single out, with why (the same rules applied to the loaded keys). */
export function attentionRows(keys: readonly ApiKey[], policy: AttentionPolicy, usage: UsageSummary | undefined, directory: Directory, now: number): AttentionRow[] {
  const totals = new Map((usage?.keys ?? []).map((entry) => [entry.key, entry.totals as Record<string, number>]));
  const rows: AttentionRow[] = [];
  for (const key of keys) {
    const spec = key.spec;
    const counts = totals.get(key.id);
    const reasons = attentionReasons(
      { state: spec.state as ApiKeyState, created_at: key.metadata.created_at, last_used: spec.last_used, replaced_by: spec.replaced_by },
      policy,
      counts,
      now,
    );
    if (reasons.length > 0) rows.push({ key, owner: ownerName(directory, spec.owner), reasons, failures: counts === undefined ? 0 : failuresOf(counts).failures });
  }
  return rows;
}

const COLUMNS: ReadonlyArray<Column<AttentionRow>> = [
  { id: 'key', header: 'API key', cell: (row) => <a href={paths.apiKey(row.key.id)} class="mono">{row.key.id}</a>, sortValue: (row) => row.key.id },
  { id: 'owner', header: 'Owner', cell: (row) => row.owner, sortValue: (row) => row.owner },
  {
    id: 'why',
    header: 'Needs attention because',
    cell: (row) => (
      <span class="badges">
        {row.reasons.map((reason) => (
          <span key={reason} class={`badge badge-${REASON_TONE[reason]}`}>
            {reason}
          </span>
        ))}
      </span>
    ),
    sortValue: (row) => row.reasons.join(','),
  },
  { id: 'state', header: 'Status', cell: (row) => <StatusBadge status={row.key.spec.state} /> },
  { id: 'created', header: 'Created', cell: (row) => <RelativeTime time={row.key.metadata.created_at} />, sortValue: (row) => row.key.metadata.created_at },
  { id: 'last-used', header: 'Last used', cell: (row) => <RelativeTime time={row.key.spec.last_used} />, sortValue: (row) => row.key.spec.last_used ?? '' },
  { id: 'failures', header: 'Failures (24 h)', cell: (row) => row.failures, sortValue: (row) => row.failures, className: 'num' },
];

export function AttentionTable(props: { keys: readonly ApiKey[]; policy: AttentionPolicy; usage: UsageSummary | undefined; directory: Directory }) {
  const { keys, policy, usage, directory } = props;
  const rows = useMemo(() => attentionRows(keys, policy, usage, directory, Date.now()), [keys, policy, usage, directory]);
  return (
    <>
      <p class="muted">
        Unused for {policy.unused_key_days} days (or never used in 30 days), older than the rotation period of {policy.rotation_days} days, a rotated-out key used in
        the last hour, or elevated failures in the last 24 hours.
      </p>
      <DataTable caption="Keys that need attention" columns={COLUMNS} rows={rows} rowKey={(row) => row.key.id} pageSize={25} empty="No key needs attention." />
    </>
  );
}

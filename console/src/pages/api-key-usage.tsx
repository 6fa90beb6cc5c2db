import { useMemo, useState } from 'preact/hooks';
import { api } from '../api';
import { Field, Select } from '../components/field';
import { ErrorNotice, Loading } from '../components/notice';
import { Panel } from '../components/page';
import { TimeChart, type ChartSeries } from '../components/time-chart';
import { useResource } from '../hooks/use-resource';
import type { KeyUsage } from '../keys/types';

/** The since selector's windows, each with a bucket that gives a readable number of points. */
const WINDOWS = [
  { value: '1h', label: 'Last hour', bucket: '5m' },
  { value: '24h', label: 'Last 24 hours', bucket: '1h' },
  { value: '7d', label: 'Last 7 days', bucket: '6h' },
] as const;
type Since = (typeof WINDOWS)[number]['value'];

/** Each outcome's line colour; VALID is always drawn, the others when they occurred. */
const OUTCOME_COLORS: Record<string, string> = {
  VALID: '#1d7a3e',
  INVALID_CREDENTIALS: '#b3261e',
  EXPIRED: '#8a5a00',
  DISABLED: '#5b6470',
  WRONG_RESOURCE: '#7b3fb5',
  FORBIDDEN: '#d0621b',
  RATE_LIMITED: '#1f5fbf',
};

function seriesOf(usage: KeyUsage): ChartSeries[] {
  return Object.entries(usage.totals)
    .filter(([outcome, total]) => outcome === 'VALID' || total > 0)
    .map(([outcome]) => ({
      label: outcome,
      color: OUTCOME_COLORS[outcome] ?? '#1b1f24',
      values: usage.data.map((bucket) => bucket.counts[outcome as keyof typeof bucket.counts] ?? 0),
    }));
}

/** A key's authentications over time by outcome (GET /keyward/v1/api-keys/{id}/usage). */
export function KeyUsagePanel({ id, refreshKey }: { id: string; refreshKey: number }) {
  const [since, setSince] = useState<Since>('24h');
  const window = WINDOWS.find((w) => w.value === since) ?? WINDOWS[1];
  const usage = useResource(
    (signal) => api.get<KeyUsage>(`/keyward/v1/api-keys/${encodeURIComponent(id)}/usage`, { since, bucket: window.bucket }, signal),
    [id, since, refreshKey],
  );
  const chart = useMemo(() => {
    if (usage.data === undefined) return undefined;
    return { times: usage.data.data.map((b) => Date.parse(b.start)), series: seriesOf(usage.data) };
  }, [usage.data]);
  const selector = (
    <Field label="Window" id="key-usage-since">
      <Select id="key-usage-since" value={since} options={WINDOWS.map((w) => ({ value: w.value, label: w.label }))} onChange={(v) => setSince(v === '' ? '24h' : v)} />
    </Field>
  );
  return (
    <Panel title="Usage" actions={selector}>
      <ErrorNotice error={usage.error} title="Usage cannot be read" />
      {chart === undefined ? (
        usage.loading && <Loading label="Loading usage…" />
      ) : (
        <TimeChart title={`Authentications of ${id} by outcome, ${window.label.toLowerCase()} (per ${window.bucket})`} times={chart.times} series={chart.series} />
      )}
    </Panel>
  );
}

import { useMemo, useState } from 'preact/hooks';
import { api } from '../api';
import { SelectField } from '../components/field';
import { ErrorNotice, Loading } from '../components/notice';
import { Panel } from '../components/page';
import { outcomeChart } from '../components/outcome-series';
import { TimeChart } from '../components/time-chart';
import { useResource } from '../hooks/use-resource';
import type { KeyUsage } from '../keys/types';

/** The since selector's windows, each with a bucket that gives a readable number of points. */
const WINDOWS = [
  { value: '1h', label: 'Last hour', bucket: '5m' },
  { value: '24h', label: 'Last 24 hours', bucket: '1h' },
  { value: '7d', label: 'Last 7 days', bucket: '6h' },
] as const;
type Since = (typeof WINDOWS)[number]['value'];

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
    return outcomeChart(usage.data.totals, usage.data.data);
  }, [usage.data]);
  const selector = (
    <SelectField label="Window" id="key-usage-since" value={since} options={WINDOWS.map((w) => ({ value: w.value, label: w.label }))} onChange={(v) => setSince(v === '' ? '24h' : v)} />
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

/** Authentications by outcome as chart lines: one per outcome, VALID always, the others when they occurred. */
import type { ChartSeries } from './time-chart';

/** Each outcome's line colour. */
export const OUTCOME_COLORS: Readonly<Record<string, string>> = {
  VALID: '#1d7a3e',
  INVALID_CREDENTIALS: '#b3261e',
  EXPIRED: '#8a5a00',
  DISABLED: '#5b6470',
  WRONG_RESOURCE: '#7b3fb5',
  FORBIDDEN: '#d0621b',
  RATE_LIMITED: '#1f5fbf',
};

export interface OutcomeBucket {
  start: string;
  counts: Readonly<Record<string, number>>;
}

/** The chart's times (ms) and series from a usage answer's `totals` and buckets. */
export function outcomeChart(totals: Readonly<Record<string, number>>, buckets: readonly OutcomeBucket[]): { times: number[]; series: ChartSeries[] } {
  const series = Object.entries(totals)
    .filter(([outcome, total]) => outcome === 'VALID' || total > 0)
    .map(([outcome]) => ({ label: outcome, color: OUTCOME_COLORS[outcome] ?? '#1b1f24', values: buckets.map((bucket) => bucket.counts[outcome] ?? 0) }));
  return { times: buckets.map((bucket) => Date.parse(bucket.start)), series };
}

import { DEFAULT_USAGE_BUCKET, DEFAULT_USAGE_SINCE, USAGE_OUTCOMES, isUsageOutcome, usageWindow, type UsageBucket, type UsageOutcome, type UsageWindow } from '../../domain/usage.js';
import { apiKeyUsageRepo } from '../../store/repositories/api-key-usage.js';
import type { ApiKeyService } from '../api-keys.js';
import type { CallContext, ServiceDeps } from '../context.js';

export type UsageCounts = Record<UsageOutcome, number>;

/** One key's authentications per UTC-aligned bucket and outcome: every bucket, zeros included, oldest first. */
export interface ApiKeyUsage {
  id: string;
  /** Start of the first bucket (ms since the epoch). */
  since: number;
  /** When this was read (ms since the epoch); the last bucket is the one it falls in, still filling. */
  until: number;
  bucket: UsageBucket;
  totals: UsageCounts;
  buckets: Array<{ start: number; counts: UsageCounts }>;
}

export interface UsageQuery {
  /** A duration back from now (1m to 90d) or an RFC 3339 time; default 24h. */
  since?: string;
  /** 1m, 5m, 15m, 1h, 6h or 1d; default 1h. */
  bucket?: string;
}

export function zeroCounts(): UsageCounts {
  return Object.fromEntries(USAGE_OUTCOMES.map((o) => [o, 0])) as UsageCounts;
}

/** The buckets a query asks for (its defaults: since=24h, bucket=1h); 422 for a bad since or bucket. */
export function queryWindow(query: UsageQuery, nowMs: number): UsageWindow {
  return usageWindow(query.since ?? DEFAULT_USAGE_SINCE, query.bucket ?? DEFAULT_USAGE_BUCKET, nowMs);
}

/** The rollup's first epoch minute past the window. */
export function windowEnd(window: UsageWindow): number {
  return window.firstMinute + window.count * window.bucketMinutes;
}

/** Counts per bucket of a window, every bucket present (zeros included), oldest first, and their totals. */
export interface UsageSeries {
  totals: UsageCounts;
  buckets: Array<{ start: number; counts: UsageCounts }>;
}

/** A bucket's sum of one outcome, as the rollup answers it; `start` is the bucket's first epoch minute. */
export interface UsageSum {
  start: number;
  outcome: string;
  count: number;
}

/** Every bucket of the window with the sums added in; a sum outside the window or of an unknown outcome is left out. */
export function usageSeries(window: UsageWindow, sums: Iterable<UsageSum>): UsageSeries {
  const buckets = Array.from({ length: window.count }, (_, i) => ({ start: (window.firstMinute + i * window.bucketMinutes) * 60_000, counts: zeroCounts() }));
  const totals = zeroCounts();
  for (const sum of sums) {
    const bucket = buckets[(sum.start - window.firstMinute) / window.bucketMinutes];
    if (!bucket || !isUsageOutcome(sum.outcome)) continue;
    bucket.counts[sum.outcome] += sum.count;
    totals[sum.outcome] += sum.count;
  }
  return { totals, buckets };
}

/**
 * Reads per-key usage. Who may describe a key may read its usage (the same check: a key the caller
 * may not read is "not found"). The counts are those written so far: a minute's counts are handed over
 * when the minute ends (whatever the audit aggregation window) and written within a second.
 */
export function createUsageService(deps: Pick<ServiceDeps, 'db' | 'clock'>, apiKeys: Pick<ApiKeyService, 'findAccessible'>) {
  return {
    async forKey(ctx: CallContext, id: string, query: UsageQuery = {}): Promise<ApiKeyUsage> {
      const now = deps.clock().getTime();
      const window = queryWindow(query, now);
      await apiKeys.findAccessible(ctx, id, 'read');
      const sums = await apiKeyUsageRepo.bucketSums(deps.db, id, window.firstMinute, windowEnd(window), window.bucketMinutes);
      return { id, since: window.firstMinute * 60_000, until: now, bucket: window.bucket, ...usageSeries(window, sums) };
    },
  };
}

export type UsageService = ReturnType<typeof createUsageService>;

import { errors } from '../../domain/errors.js';
import { USAGE_BUCKETS, USAGE_BUCKET_NAMES, type UsageBucket } from '../../domain/usage.js';
import { apiKeyUsageRepo } from '../../store/repositories/api-key-usage.js';
import { apiKeysRepo } from '../../store/repositories/api-keys.js';
import type { ApiKeyService } from '../api-keys.js';
import type { CallContext, ServiceDeps } from '../context.js';
import { queryWindow, usageSeries, windowEnd, type UsageQuery, type UsageSeries, type UsageSum } from './usage-service.js';

/** The organization's authentications per bucket and outcome, and each key's, over one window. */
export interface UsageSummary extends UsageSeries {
  /** Start of the first bucket (ms since the epoch). */
  since: number;
  /** When this was read (ms since the epoch); the last bucket is still filling. */
  until: number;
  bucket: UsageBucket;
  /** Every key the caller may read with use in the window, by id; each with every bucket, zeros included. */
  keys: Array<{ key: string } & UsageSeries>;
}

/** At most this many key × bucket series points in one answer (about 7 MB of JSON): beyond, a larger bucket or a later since. */
export const MAX_SUMMARY_POINTS = 50_000;
/** Keys named in one statement, well under SQLite's and PostgreSQL's limits on bound parameters. */
const KEYS_PER_STATEMENT = 10_000;

/**
 * `GET /keyward/v1/usage`: the per-key usage of every key the caller may read (the visibility of
 * `GET /iam/v2/api-keys`), summed over the organization and per key, with the window and bucket rules
 * of `GET /keyward/v1/api-keys/{id}/usage`. The counts come from one grouped statement over the
 * rollup (per 10,000 keys for a caller who reads keys one by one), not one per key.
 */
export function createUsageSummary(
  deps: Pick<ServiceDeps, 'db' | 'clock'>,
  apiKeys: Pick<ApiKeyService, 'readsEveryKey' | 'canAccess'>,
  limits: { maxPoints?: number } = {},
) {
  const maxPoints = limits.maxPoints ?? MAX_SUMMARY_POINTS;

  /** The ids of the keys the caller may read, or undefined when it may read every key. */
  async function readableKeys(ctx: CallContext): Promise<string[] | undefined> {
    if (await apiKeys.readsEveryKey(ctx)) return undefined;
    const { rows } = await apiKeysRepo.list(deps.db, {}, { limit: 1_000_000, offset: 0 });
    const readable: string[] = [];
    for (const row of rows) if (await apiKeys.canAccess(ctx, row, 'read')) readable.push(row.id);
    return readable;
  }

  return {
    async summary(ctx: CallContext, query: UsageQuery = {}): Promise<UsageSummary> {
      const now = deps.clock().getTime();
      const window = queryWindow(query, now);
      const keys = await readableKeys(ctx);
      const read = (ids: readonly string[] | undefined) => apiKeyUsageRepo.bucketSumsByKey(deps.db, ids, window.firstMinute, windowEnd(window), window.bucketMinutes);
      const sums: Array<UsageSum & { apiKey: string }> = [];
      if (keys === undefined) sums.push(...(await read(undefined)));
      else for (let i = 0; i < keys.length; i += KEYS_PER_STATEMENT) sums.push(...(await read(keys.slice(i, i + KEYS_PER_STATEMENT))));

      const byKey = new Map<string, UsageSum[]>();
      for (const sum of sums) {
        const own = byKey.get(sum.apiKey);
        if (own) own.push(sum);
        else byKey.set(sum.apiKey, [sum]);
      }
      if (byKey.size * window.count > maxPoints) {
        const larger = USAGE_BUCKET_NAMES.filter((b) => USAGE_BUCKETS[b] > window.bucketMinutes);
        const advice = larger.length > 0 ? `use a larger bucket (${larger.join(', ')}) or a later since` : 'use a later since';
        throw errors.invalid(`${byKey.size} keys with use × ${window.count} buckets makes ${byKey.size * window.count} series points; at most ${maxPoints} are allowed: ${advice}`);
      }
      const perKey = [...byKey.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, own]) => ({ key, ...usageSeries(window, own) }))
        // a key whose only counts are of outcomes this server does not know has no use to show
        .filter((k) => Object.values(k.totals).some((n) => n > 0));
      return { since: window.firstMinute * 60_000, until: now, bucket: window.bucket, ...usageSeries(window, sums), keys: perKey };
    },
  };
}

export type UsageSummaryService = ReturnType<typeof createUsageSummary>;

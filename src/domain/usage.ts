import { parseDuration } from './durations.js';
import { errors } from './errors.js';
import { USAGE_SINCE } from '../contract/durations.js';

/**
 * Per-key usage (DESIGN §3 `GET /keyward/v1/api-keys/{id}/usage`): how many authentications a key
 * took part in, per minute and outcome. The outcomes are the verification codes.
 */
export const USAGE_OUTCOMES = ['VALID', 'INVALID_CREDENTIALS', 'EXPIRED', 'DISABLED', 'WRONG_RESOURCE', 'FORBIDDEN', 'RATE_LIMITED'] as const;
export type UsageOutcome = (typeof USAGE_OUTCOMES)[number];

const OUTCOME_SET: ReadonlySet<string> = new Set(USAGE_OUTCOMES);

export function isUsageOutcome(value: string): value is UsageOutcome {
  return OUTCOME_SET.has(value);
}

/** Milliseconds since the epoch → the minute it falls in (the rollup's time unit). */
export function epochMinute(ms: number): number {
  return Math.floor(ms / 60_000);
}

/**
 * Where aggregated counts go once their window closes: `count` authentications of existing key
 * `keyId` with `outcome` in epoch minute `minute`. Called off the hot path, a few times a minute per key.
 */
export interface UsageSink {
  add(keyId: string, minute: number, outcome: UsageOutcome, count: number): void;
}

/** Bucket sizes in minutes. Each divides a day, so buckets counted from the epoch are aligned to UTC. */
export const USAGE_BUCKETS = { '1m': 1, '5m': 5, '15m': 15, '1h': 60, '6h': 360, '1d': 1440 } as const;
export type UsageBucket = keyof typeof USAGE_BUCKETS;
export const USAGE_BUCKET_NAMES = Object.keys(USAGE_BUCKETS) as UsageBucket[];
export const DEFAULT_USAGE_SINCE = '24h';
export const DEFAULT_USAGE_BUCKET: UsageBucket = '1h';
/** At most this many buckets in one answer. */
export const MAX_USAGE_BUCKETS = 1440;
const MIN_SINCE_MS = USAGE_SINCE.minMs;
const MAX_SINCE_MS = USAGE_SINCE.maxMs as number;

const DURATION = /^(\d+[smhdw])+$/;
/** RFC 3339 date-time: a full date, T, a time with seconds, an optional fraction and a zone. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

export function parseUsageBucket(value: string): UsageBucket {
  if (!(value in USAGE_BUCKETS)) throw errors.invalid(`bucket must be one of ${USAGE_BUCKET_NAMES.join(', ')} (got "${value.slice(0, 32)}")`);
  return value as UsageBucket;
}

/**
 * `since` as a duration back from now (1m to 90d, e.g. `24h`, `7d`, `1d12h`) or as an RFC 3339 time
 * in the past. Returns the duration in milliseconds, or the time.
 */
export function parseUsageSince(value: string, nowMs: number): { durationMs: number } | { time: number } {
  const text = value.trim();
  if (DURATION.test(text)) {
    const ms = parseDuration(text, 'since');
    if (ms < MIN_SINCE_MS || ms > MAX_SINCE_MS) throw errors.invalid(`since must be a duration from 1m to 90d (got "${value.slice(0, 32)}")`);
    return { durationMs: ms };
  }
  const time = RFC3339.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(time)) {
    throw errors.invalid(`since must be a duration back from now from 1m to 90d, such as 24h or 7d, or an RFC 3339 time such as 2027-01-31T00:00:00Z (got "${value.slice(0, 64)}")`);
  }
  if (time > nowMs) throw errors.invalid(`since must not be in the future (got "${value.slice(0, 64)}")`);
  return { time };
}

/** The buckets of one answer: `count` buckets of `bucketMinutes` each, the first starting at epoch minute `firstMinute`. */
export interface UsageWindow {
  bucket: UsageBucket;
  bucketMinutes: number;
  firstMinute: number;
  count: number;
}

/**
 * The UTC-aligned buckets for `since` and `bucket`, the last one being the bucket now falls in (still
 * filling). A duration D gives the last ceil(D / bucket) buckets (`24h` by `1h`: 24 buckets); a time
 * gives every bucket from the one it falls in. More than MAX_USAGE_BUCKETS is refused, naming the limit.
 */
export function usageWindow(since: string, bucket: string, nowMs: number): UsageWindow {
  const name = parseUsageBucket(bucket);
  const bucketMinutes = USAGE_BUCKETS[name];
  const lastBucket = Math.floor(epochMinute(nowMs) / bucketMinutes);
  const parsed = parseUsageSince(since, nowMs);
  const count = 'durationMs' in parsed ? Math.ceil(parsed.durationMs / (bucketMinutes * 60_000)) : lastBucket - Math.floor(epochMinute(parsed.time) / bucketMinutes) + 1;
  if (count > MAX_USAGE_BUCKETS) {
    const larger = USAGE_BUCKET_NAMES.filter((b) => USAGE_BUCKETS[b] > bucketMinutes);
    const advice = larger.length > 0 ? `use a larger bucket (${larger.join(', ')}) or a later since` : 'use a later since';
    throw errors.invalid(`since "${since.slice(0, 64)}" with bucket ${name} makes ${count} buckets; at most ${MAX_USAGE_BUCKETS} are allowed: ${advice}`);
  }
  return { bucket: name, bucketMinutes, firstMinute: (lastBucket - count + 1) * bucketMinutes, count };
}

/** An RFC 3339 UTC time to the second: `2026-03-01T12:00:00Z`. */
export function rfc3339Seconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

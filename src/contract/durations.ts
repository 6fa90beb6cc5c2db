/**
 * The duration rule shared by the server and the CLI: the syntax (`90d`, `24h`, `30m`, `45s`, `2w`,
 * combinations such as `1d12h`, or `0`) is `domain/durations.ts`; the ranges below are what the server
 * enforces for each field, so the CLI can refuse an out-of-range value before it sends a request.
 */
import { formatDuration, parseDuration } from '../domain/durations.js';

export { formatDuration, parseDuration };

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 86_400_000;

/** The durations a field accepts: from `minMs` to `maxMs` inclusive (`maxMs` null: no upper bound). */
export interface DurationRange {
  minMs: number;
  maxMs: number | null;
  /** Examples for messages and help, valid in this range. */
  examples: readonly string[];
}

/** `api-key rotate --grace`: how long the old key keeps working, 0 (expire it now) to 7 days. */
export const ROTATION_GRACE: DurationRange = { minMs: 0, maxMs: 7 * DAY, examples: ['24h', '30m', '0'] };
export const DEFAULT_ROTATION_GRACE = '24h';

/** `api-key create --expires-in`: greater than zero (the organization policy's `max_key_lifetime` may cap it). */
export const KEY_EXPIRES_IN: DurationRange = { minMs: SECOND, maxMs: null, examples: ['90d', '12h'] };

/** `policy update --max-key-lifetime`: greater than zero, at most 3650 days. */
export const MAX_KEY_LIFETIME: DurationRange = { minMs: SECOND, maxMs: 3650 * DAY, examples: ['90d', '365d'] };

/** `api-key usage --since` as a duration back from now: 1 minute to 90 days. */
export const USAGE_SINCE: DurationRange = { minMs: MINUTE, maxMs: 90 * DAY, examples: ['24h', '7d'] };

/** `audit-log list|export --since/--until` as a duration back from now: any length. */
export const AUDIT_TIME_BOUND: DurationRange = { minMs: 0, maxMs: null, examples: ['24h', '7d'] };

/** "from 0 to 7d", "greater than 0", "from 1m to 90d"; "" when any duration will do. */
export function describeDurationRange(range: DurationRange): string {
  if (range.maxMs !== null) return `from ${range.minMs === 0 ? '0' : formatDuration(range.minMs)} to ${formatDuration(range.maxMs)}`;
  if (range.minMs === SECOND) return 'greater than 0';
  if (range.minMs === 0) return '';
  return `of at least ${formatDuration(range.minMs)}`;
}

/** The range's examples as words: "24h, 30m or 0". */
export function durationExamples(range: DurationRange): string {
  const all = [...range.examples];
  const last = all.pop() ?? '';
  return all.length === 0 ? last : `${all.join(', ')} or ${last}`;
}

/** The duration in milliseconds when `text` is a duration inside `range`; otherwise undefined. */
export function durationWithin(text: string, range: DurationRange): number | undefined {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch {
    return undefined;
  }
  if (ms < range.minMs || (range.maxMs !== null && ms > range.maxMs)) return undefined;
  return ms;
}

/**
 * How times are shown, the same in the CLI and the web console: RFC 3339 to the second, relative
 * times for people (`3 min ago`, `in 6 days`), and machine output with every time in one format.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MONTH = 30 * DAY;
const YEAR = 365 * DAY;

/**
 * How a time is cut to the second: `down` (the rule), or `up` for the time something stops working
 * (an expiry), so that at the second shown it has stopped.
 */
export type Rounding = 'down' | 'up';

/** `2026-12-03T05:56:10Z`: RFC 3339 in UTC, to the second (the seed's `created`). A text that is no time stays as it is. */
export function rfc3339Seconds(iso: string, rounding: Rounding = 'down'): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const seconds = rounding === 'up' ? Math.ceil(ms / 1000) : Math.floor(ms / 1000);
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function count(n: number, unit: string, short = false): string {
  return short ? `${n} ${unit}` : `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * A time relative to `now`, for people: `just now`, `3 min ago`, `in 6 days`, `2 months ago`.
 * Each unit is used until the next one reads better (45 s, 45 min, 22 h, 26 days, 11 months).
 */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const delta = at - now;
  const span = Math.abs(delta);
  if (span < 45_000) return 'just now';
  let text: string;
  if (span < 45 * MINUTE) text = count(Math.max(1, Math.round(span / MINUTE)), 'min', true);
  else if (span < 22 * HOUR) text = count(Math.max(1, Math.round(span / HOUR)), 'hour');
  else if (span < 26 * DAY) text = count(Math.max(1, Math.round(span / DAY)), 'day');
  else if (span < 11 * MONTH) text = count(Math.max(1, Math.round(span / MONTH)), 'month');
  else text = count(Math.max(1, Math.round(span / YEAR)), 'year');
  return delta < 0 ? `${text} ago` : `in ${text}`;
}

/** For `describe`: the absolute time, with the relative one in parentheses. */
export function describedTime(iso: string, now: number = Date.now(), rounding: Rounding = 'down'): string {
  if (Number.isNaN(Date.parse(iso))) return iso;
  return `${rfc3339Seconds(iso, rounding)} (${relativeTime(iso, now)})`;
}

/** Keys of machine output (JSON, YAML) whose values are times: `created`, `*_at`, `last_used`, `time`, `firstTime`, `since`, `until`. */
const TIME_KEY = /(?:^|_)(?:at|created|last_used|time|since|until)$|Time$/;
/** Time keys of expiries (`expires_at`, `old_key_expires_at`, `retired_keys_expire_at`): rounded up. */
const EXPIRY_KEY = /expire/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Machine output with every time in one format, RFC 3339 UTC to the second: each string under a
 * time key (see TIME_KEY) that is an RFC 3339 time, at any depth; expiries rounded up, the others
 * down. Other values stay exact.
 */
export function withMachineTimes(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (!TIME_KEY.test(key) || !RFC3339.test(value)) return value;
    return rfc3339Seconds(value, EXPIRY_KEY.test(key) ? 'up' : 'down');
  }
  if (Array.isArray(value)) return value.map((item) => withMachineTimes(item, key));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withMachineTimes(v, k)]));
  }
  return value;
}

import { formatDuration } from '../durations.js';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

/** Milliseconds since the epoch of an ISO-8601 time (NaN for an unparsable one). */
export function epochMs(iso: string): number {
  return Date.parse(iso);
}

/** True when the key has an expiry and it has passed at `now`. */
export function hasExpired(expiresAt: string | null, now: Date): boolean {
  return expiresAt !== null && epochMs(expiresAt) <= now.getTime();
}

/** Whole days from `iso` to `now`, rounded down. */
export function wholeDaysSince(iso: string, now: Date): number {
  return Math.floor((now.getTime() - epochMs(iso)) / DAY_MS);
}

/** True when more than `days` days separate `iso` from `now` (exactly `days` days is not older). */
export function isOlderThanDays(iso: string, now: Date, days: number): boolean {
  return now.getTime() - epochMs(iso) > days * DAY_MS;
}

/** `2024-05-01T12:00:00Z`: an ISO time without milliseconds, for messages. */
export function formatTime(iso: string): string {
  const ms = epochMs(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** `2d3h15m`, or `less than a minute`: an elapsed time for messages, to the minute. */
export function formatElapsed(ms: number): string {
  const minutes = Math.floor(ms / MINUTE_MS);
  return minutes < 1 ? 'less than a minute' : formatDuration(minutes * MINUTE_MS);
}

/** A `--since` value covering the time from `iso` to `now`, rounded up to whole hours (at least 1h). */
export function sinceHoursCovering(iso: string, now: Date): string {
  const hours = Math.max(1, Math.ceil((now.getTime() - epochMs(iso)) / HOUR_MS));
  return formatDuration(hours * HOUR_MS);
}

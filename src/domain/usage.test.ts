import { describe, expect, it } from 'vitest';
import { KeywardError } from './errors.js';
import { epochMinute, isUsageOutcome, parseUsageBucket, parseUsageSince, rfc3339Seconds, usageWindow } from './usage.js';

const NOW = Date.parse('2026-03-01T12:34:56.789Z');
const minuteOf = (iso: string) => epochMinute(Date.parse(iso));

function invalid(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(KeywardError);
    expect((error as KeywardError).code).toBe('invalid_configuration');
    return (error as KeywardError).message;
  }
  throw new Error('expected a KeywardError');
}

describe('usage windows', () => {
  it('knows the outcomes', () => {
    expect(isUsageOutcome('VALID')).toBe(true);
    expect(isUsageOutcome('RATE_LIMITED')).toBe(true);
    expect(isUsageOutcome('valid')).toBe(false);
    expect(isUsageOutcome('SUCCESS')).toBe(false);
  });

  it('a duration gives the last ceil(D / bucket) UTC-aligned buckets, the current one last', () => {
    expect(usageWindow('24h', '1h', NOW)).toEqual({ bucket: '1h', bucketMinutes: 60, count: 24, firstMinute: minuteOf('2026-02-28T13:00:00Z') });
    expect(usageWindow('24h', '1m', NOW)).toMatchObject({ count: 1440, firstMinute: minuteOf('2026-02-28T12:35:00Z') });
    expect(usageWindow('90m', '1h', NOW)).toMatchObject({ count: 2, firstMinute: minuteOf('2026-03-01T11:00:00Z') });
    expect(usageWindow('7d', '1d', NOW)).toMatchObject({ count: 7, firstMinute: minuteOf('2026-02-23T00:00:00Z') });
    expect(usageWindow('1d12h', '6h', NOW)).toMatchObject({ count: 6, firstMinute: minuteOf('2026-02-28T06:00:00Z') });
    expect(usageWindow('1m', '1m', NOW)).toMatchObject({ count: 1, firstMinute: minuteOf('2026-03-01T12:34:00Z') });
    expect(usageWindow('90d', '1d', NOW)).toMatchObject({ count: 90 });
  });

  it('a time gives every bucket from the one it falls in', () => {
    expect(usageWindow('2026-03-01T10:15:00Z', '1h', NOW)).toMatchObject({ count: 3, firstMinute: minuteOf('2026-03-01T10:00:00Z') });
    expect(usageWindow('2026-03-01T13:15:00+02:00', '15m', NOW)).toMatchObject({ count: 6, firstMinute: minuteOf('2026-03-01T11:15:00Z') });
    expect(usageWindow('2026-03-01T12:34:56.000Z', '5m', NOW)).toMatchObject({ count: 1, firstMinute: minuteOf('2026-03-01T12:30:00Z') });
  });

  it('refuses more than 1440 buckets, naming the limit and what to do', () => {
    expect(invalid(() => usageWindow('2d', '1m', NOW))).toBe('since "2d" with bucket 1m makes 2880 buckets; at most 1440 are allowed: use a larger bucket (5m, 15m, 1h, 6h, 1d) or a later since');
    expect(invalid(() => usageWindow('2020-01-01T00:00:00Z', '1d', NOW))).toMatch(/makes \d+ buckets; at most 1440 are allowed: use a later since$/);
  });

  it('names the valid buckets and since forms', () => {
    expect(invalid(() => parseUsageBucket('2h'))).toBe('bucket must be one of 1m, 5m, 15m, 1h, 6h, 1d (got "2h")');
    expect(invalid(() => parseUsageBucket(''))).toMatch(/^bucket must be one of/);
    for (const bad of ['yesterday', '24', '2026-03-01', '2026-03-01 10:00:00Z', '2026-03-01T10:00Z', '-1h', '']) {
      expect(invalid(() => parseUsageSince(bad, NOW))).toMatch(/^since must be a duration back from now from 1m to 90d, such as 24h or 7d, or an RFC 3339 time such as 2027-01-31T00:00:00Z/);
    }
    expect(invalid(() => parseUsageSince('30s', NOW))).toBe('since must be a duration from 1m to 90d (got "30s")');
    expect(invalid(() => parseUsageSince('91d', NOW))).toBe('since must be a duration from 1m to 90d (got "91d")');
    expect(invalid(() => parseUsageSince('2026-03-02T00:00:00Z', NOW))).toBe('since must not be in the future (got "2026-03-02T00:00:00Z")');
    expect(parseUsageSince('2w', NOW)).toEqual({ durationMs: 14 * 86_400_000 });
    expect(parseUsageSince('2026-03-01T00:00:00.5Z', NOW)).toEqual({ time: Date.parse('2026-03-01T00:00:00.500Z') });
  });

  it('writes times to the second', () => {
    expect(rfc3339Seconds(NOW)).toBe('2026-03-01T12:34:56Z');
    expect(rfc3339Seconds(Date.parse('2026-03-01T00:00:00Z'))).toBe('2026-03-01T00:00:00Z');
  });
});

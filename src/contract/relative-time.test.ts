import { describe, expect, it } from 'vitest';
import { describedTime, relativeTime, rfc3339Seconds, withMachineTimes } from './relative-time.js';

const now = Date.parse('2026-12-03T06:00:00.000Z');
const at = (ms: number) => new Date(now + ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('relativeTime', () => {
  it('says just now within 45 seconds either way', () => {
    expect(relativeTime(at(0), now)).toBe('just now');
    expect(relativeTime(at(-44_000), now)).toBe('just now');
    expect(relativeTime(at(30_000), now)).toBe('just now');
  });

  it('counts minutes, hours, days, months and years, past and future', () => {
    expect(relativeTime(at(-45_000), now)).toBe('1 min ago');
    expect(relativeTime(at(-3 * MIN), now)).toBe('3 min ago');
    expect(relativeTime(at(44 * MIN), now)).toBe('in 44 min');
    expect(relativeTime(at(-45 * MIN), now)).toBe('1 hour ago');
    expect(relativeTime(at(-5 * HOUR), now)).toBe('5 hours ago');
    expect(relativeTime(at(-22 * HOUR), now)).toBe('1 day ago');
    expect(relativeTime(at(6 * DAY), now)).toBe('in 6 days');
    expect(relativeTime(at(-26 * DAY), now)).toBe('1 month ago');
    expect(relativeTime(at(90 * DAY), now)).toBe('in 3 months');
    expect(relativeTime(at(-400 * DAY), now)).toBe('1 year ago');
    expect(relativeTime(at(-3 * 365 * DAY), now)).toBe('3 years ago');
  });

  it('leaves a text that is no time as it is', () => {
    expect(relativeTime('n/a', now)).toBe('n/a');
  });
});

describe('rfc3339Seconds and describedTime', () => {
  it('writes UTC to the second', () => {
    expect(rfc3339Seconds('2026-12-03T05:56:10.789Z')).toBe('2026-12-03T05:56:10Z');
    expect(rfc3339Seconds('2026-12-03T07:56:10+02:00')).toBe('2026-12-03T05:56:10Z');
    expect(rfc3339Seconds('2021-04-22T15:33:19Z')).toBe('2021-04-22T15:33:19Z');
  });

  it('rounds an expiry up, so that at the second shown it has expired', () => {
    expect(rfc3339Seconds('2026-12-03T05:56:10.001Z', 'up')).toBe('2026-12-03T05:56:11Z');
    expect(rfc3339Seconds('2026-12-03T05:56:10.000Z', 'up')).toBe('2026-12-03T05:56:10Z');
    expect(rfc3339Seconds('2026-12-03T05:56:10.999Z')).toBe('2026-12-03T05:56:10Z');
  });

  it('shows the absolute time with the relative one for describe', () => {
    expect(describedTime(at(-3 * MIN + 123), now)).toBe('2026-12-03T05:57:00Z (3 min ago)');
  });
});

describe('withMachineTimes', () => {
  it('writes every time under a time key to the second (expiries rounded up), at any depth', () => {
    const input = {
      created: '2026-12-03T05:56:10.789Z',
      last_used: null,
      expires_at: '2026-12-09T05:56:10.001Z',
      metadata: { created_at: '2026-12-03T05:56:10.5Z', updated_at: '2026-12-03T05:56:11.000Z' },
      series: [{ time: '2026-12-03T05:00:00.000Z', count: 2 }],
      data: { firstTime: '2026-12-03T05:00:00.250Z', lastTime: '2026-12-03T05:00:59.750Z' },
    };
    expect(withMachineTimes(input)).toEqual({
      created: '2026-12-03T05:56:10Z',
      last_used: null,
      expires_at: '2026-12-09T05:56:11Z',
      metadata: { created_at: '2026-12-03T05:56:10Z', updated_at: '2026-12-03T05:56:11Z' },
      series: [{ time: '2026-12-03T05:00:00Z', count: 2 }],
      data: { firstTime: '2026-12-03T05:00:00Z', lastTime: '2026-12-03T05:00:59Z' },
    });
  });

  it('leaves other fields exact, even when they look like a time', () => {
    const input = { description: '2026-12-03T05:56:10.789Z', since: '24h', name: 'x', count: 3, ok: true };
    expect(withMachineTimes(input)).toEqual(input);
  });
});

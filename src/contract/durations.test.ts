import { describe, expect, it } from 'vitest';
import { AUDIT_TIME_BOUND, KEY_EXPIRES_IN, MAX_KEY_LIFETIME, ROTATION_GRACE, USAGE_SINCE, describeDurationRange, durationExamples, durationWithin } from './durations.js';

describe('the duration ranges the server enforces', () => {
  it('rotation grace: 0 to 7d, both ends included', () => {
    expect(durationWithin('0', ROTATION_GRACE)).toBe(0);
    expect(durationWithin('7d', ROTATION_GRACE)).toBe(7 * 86_400_000);
    expect(durationWithin('7d1s', ROTATION_GRACE)).toBeUndefined();
    expect(durationWithin('1d12h', ROTATION_GRACE)).toBe(36 * 3_600_000);
  });

  it('expires-in: more than zero, no upper bound of its own', () => {
    expect(durationWithin('0', KEY_EXPIRES_IN)).toBeUndefined();
    expect(durationWithin('1s', KEY_EXPIRES_IN)).toBe(1000);
    expect(durationWithin('5000d', KEY_EXPIRES_IN)).toBe(5000 * 86_400_000);
  });

  it('max key lifetime, usage since and audit bounds', () => {
    expect(durationWithin('3650d', MAX_KEY_LIFETIME)).toBe(3650 * 86_400_000);
    expect(durationWithin('3651d', MAX_KEY_LIFETIME)).toBeUndefined();
    expect(durationWithin('59s', USAGE_SINCE)).toBeUndefined();
    expect(durationWithin('90d', USAGE_SINCE)).toBe(90 * 86_400_000);
    expect(durationWithin('0', AUDIT_TIME_BOUND)).toBe(0);
    expect(durationWithin('400d', AUDIT_TIME_BOUND)).toBe(400 * 86_400_000);
  });

  it('refuses what is not a duration at all', () => {
    for (const text of ['', 'soon', '24', 'h', '1x', '-1d', '1.5h']) expect(durationWithin(text, AUDIT_TIME_BOUND), text).toBeUndefined();
  });

  it('describes each range in words', () => {
    expect(describeDurationRange(ROTATION_GRACE)).toBe('from 0 to 7d');
    expect(describeDurationRange(KEY_EXPIRES_IN)).toBe('greater than 0');
    expect(describeDurationRange(USAGE_SINCE)).toBe('from 1m to 90d');
    expect(describeDurationRange(AUDIT_TIME_BOUND)).toBe('');
    expect(durationExamples(ROTATION_GRACE)).toBe('24h, 30m or 0');
  });
});

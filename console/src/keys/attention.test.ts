import { describe, expect, it } from 'vitest';
import { failuresOf, hasElevatedFailures, isExpiringSoon, keyBadges, needsAttention } from './attention';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const DAY = 86_400_000;
const at = (ms: number) => new Date(NOW + ms).toISOString();

describe('failuresOf', () => {
  it('counts every outcome but VALID as a failure', () => {
    expect(failuresOf({ VALID: 5, INVALID_CREDENTIALS: 2, FORBIDDEN: 1, RATE_LIMITED: 1 })).toEqual({ total: 9, failures: 4 });
  });
});

describe('hasElevatedFailures', () => {
  it('needs at least 10 failures that are at least 20 % of the authentications', () => {
    expect(hasElevatedFailures({ VALID: 40, INVALID_CREDENTIALS: 10 })).toBe(true); // 10 of 50 = 20 %
    expect(hasElevatedFailures({ VALID: 41, INVALID_CREDENTIALS: 10 })).toBe(false); // 10 of 51 < 20 %
    expect(hasElevatedFailures({ VALID: 0, EXPIRED: 9 })).toBe(false); // 100 % but only 9
    expect(hasElevatedFailures({ VALID: 0, EXPIRED: 6, DISABLED: 4 })).toBe(true);
  });
  it('is false without usage', () => {
    expect(hasElevatedFailures(undefined)).toBe(false);
    expect(hasElevatedFailures({})).toBe(false);
  });
});

describe('isExpiringSoon', () => {
  it('is an active key expiring within 7 days', () => {
    expect(isExpiringSoon('active', at(6 * DAY), NOW)).toBe(true);
    expect(isExpiringSoon('active', at(7 * DAY), NOW)).toBe(true);
    expect(isExpiringSoon('active', at(7 * DAY + 1000), NOW)).toBe(false);
  });
  it('is not an expired, disabled or never-expiring key', () => {
    expect(isExpiringSoon('active', at(-1000), NOW)).toBe(false);
    expect(isExpiringSoon('expired', at(DAY), NOW)).toBe(false);
    expect(isExpiringSoon('disabled', at(DAY), NOW)).toBe(false);
    expect(isExpiringSoon('active', null, NOW)).toBe(false);
  });
});

describe('keyBadges', () => {
  it('lists the state, then expiring soon and elevated failures', () => {
    expect(keyBadges({ state: 'active', expires_at: null }, undefined, NOW)).toEqual(['active']);
    expect(keyBadges({ state: 'active', expires_at: at(DAY) }, { VALID: 1, INVALID_CREDENTIALS: 30 }, NOW)).toEqual(['active', 'expiring soon', 'elevated failures']);
    expect(keyBadges({ state: 'disabled', expires_at: null }, { DISABLED: 12 }, NOW)).toEqual(['disabled', 'elevated failures']);
  });
  it('says a key needs attention when it shows more than "active"', () => {
    expect(needsAttention(['active'])).toBe(false);
    expect(needsAttention(['expired'])).toBe(true);
    expect(needsAttention(['active', 'elevated failures'])).toBe(true);
  });
});

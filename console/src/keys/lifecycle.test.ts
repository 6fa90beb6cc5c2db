import { describe, expect, it } from 'vitest';
import { checkExpiresIn, usedRecently } from './lifecycle';

describe('checkExpiresIn', () => {
  it('takes nothing as no expiry and a positive duration as it is', () => {
    expect(checkExpiresIn('  ')).toEqual({ value: undefined });
    expect(checkExpiresIn(' 90d ')).toEqual({ value: '90d' });
    expect(checkExpiresIn('1d12h')).toEqual({ value: '1d12h' });
  });
  it('refuses what the server would refuse, saying what it takes', () => {
    expect(checkExpiresIn('0')).toEqual({ error: 'Expires in must be a duration greater than 0, such as 90d or 12h.' });
    expect(checkExpiresIn('soon')).toHaveProperty('error');
  });
});

describe('usedRecently', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');
  it('is a use within the last 15 minutes', () => {
    expect(usedRecently('2026-12-03T11:45:00Z', now)).toBe(true);
    expect(usedRecently('2026-12-03T11:44:59Z', now)).toBe(false);
    expect(usedRecently(null, now)).toBe(false);
  });
});

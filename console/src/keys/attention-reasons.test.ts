import { describe, expect, it } from 'vitest';
import { attentionReasons, type AttentionKey } from './attention';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const POLICY = { unused_key_days: 90, rotation_days: 90 };
const key = (fields: Partial<AttentionKey>): AttentionKey => ({ state: 'active', created_at: ago(DAY), last_used: ago(HOUR), replaced_by: null, ...fields });

describe('attentionReasons', () => {
  it('lists nothing for a recently made key in use', () => {
    expect(attentionReasons(key({}), POLICY, { VALID: 100 }, NOW)).toEqual([]);
  });

  it('calls a key unused when its last use is older than the policy, or it was never used for 30 days', () => {
    expect(attentionReasons(key({ created_at: ago(50 * DAY), last_used: ago(91 * DAY) }), POLICY, undefined, NOW)).toEqual(['unused']);
    expect(attentionReasons(key({ created_at: ago(50 * DAY), last_used: ago(89 * DAY) }), POLICY, undefined, NOW)).toEqual([]);
    expect(attentionReasons(key({ created_at: ago(31 * DAY), last_used: null }), POLICY, undefined, NOW)).toEqual(['unused']);
    expect(attentionReasons(key({ created_at: ago(29 * DAY), last_used: null }), POLICY, undefined, NOW)).toEqual([]);
    expect(attentionReasons(key({ last_used: ago(11 * DAY) }), { ...POLICY, unused_key_days: 10 }, undefined, NOW)).toEqual(['unused']);
  });

  it('calls a key older than the rotation days due for rotation', () => {
    expect(attentionReasons(key({ created_at: ago(91 * DAY) }), POLICY, undefined, NOW)).toEqual(['due for rotation']);
    expect(attentionReasons(key({ created_at: ago(31 * DAY) }), { ...POLICY, rotation_days: 30 }, undefined, NOW)).toEqual(['due for rotation']);
  });

  it('reports a rotated-out key used in the last hour, and nothing else about it', () => {
    const old = { created_at: ago(200 * DAY), replaced_by: 'NEWKEY0000000001' };
    expect(attentionReasons(key({ ...old, last_used: ago(HOUR / 2) }), POLICY, undefined, NOW)).toEqual(['old key still in use']);
    expect(attentionReasons(key({ ...old, last_used: ago(2 * HOUR) }), POLICY, undefined, NOW)).toEqual([]);
    expect(attentionReasons(key({ ...old, last_used: null }), POLICY, undefined, NOW)).toEqual([]);
  });

  it('ignores disabled and expired keys except for their failures', () => {
    const stale = { created_at: ago(200 * DAY), last_used: null };
    expect(attentionReasons(key({ ...stale, state: 'disabled' }), POLICY, undefined, NOW)).toEqual([]);
    expect(attentionReasons(key({ ...stale, state: 'expired' }), POLICY, { VALID: 0, EXPIRED: 12 }, NOW)).toEqual(['failure spike']);
  });

  it('reports elevated failures in the window as a failure spike', () => {
    expect(attentionReasons(key({}), POLICY, { VALID: 10, INVALID_CREDENTIALS: 30 }, NOW)).toEqual(['failure spike']);
  });
});

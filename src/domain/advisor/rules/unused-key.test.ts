import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, NOW, apiKey, daysAgo, msAgo, snapshot } from '../test-support/snapshot-builder.js';
import { DAY_MS } from '../time.js';
import type { AdvisorPolicy, SnapshotApiKey } from '../types.js';
import { NEVER_USED_GRACE_DAYS, unusedKeyRule } from './unused-key.js';

const KEY = 'IDLEKEY000000001';
const evaluate = (overrides: Partial<SnapshotApiKey>, policy: AdvisorPolicy = DEFAULT_POLICY) =>
  unusedKeyRule.evaluate(snapshot({ policy, apiKeys: [apiKey({ id: KEY, created_at: daysAgo(400), ...overrides })] }));

describe('unused-key', () => {
  it('reports a key last used more than unused_key_days ago, and not one used exactly that long ago', () => {
    expect(evaluate({ last_used: msAgo(90 * DAY_MS) })).toEqual([]);
    const [finding] = evaluate({ last_used: msAgo(90 * DAY_MS + 1) });
    expect(finding).toMatchObject({ id: `unused-key:${KEY}`, severity: 'medium', subject: KEY });
    expect(finding?.message).toContain('was last used 90 days ago');
    expect(finding?.message).toContain("more than the policy's 90 days");
    expect(finding?.remediation).toBe(`keyward api-key disable ${KEY}`);
    expect(finding?.message).toContain(`keyward api-key enable ${KEY}`);
  });

  it("follows the policy's unused_key_days", () => {
    const policy = { ...DEFAULT_POLICY, unused_key_days: 7 };
    expect(evaluate({ last_used: daysAgo(6) }, policy)).toEqual([]);
    expect(evaluate({ last_used: daysAgo(8) }, policy)[0]?.message).toContain("was last used 8 days ago (2025-05-24T12:00:00Z), more than the policy's 7 days");
  });

  it('reports a never-used key older than 30 days, and not one exactly 30 days old', () => {
    expect(NEVER_USED_GRACE_DAYS).toBe(30);
    expect(evaluate({ last_used: null, created_at: msAgo(30 * DAY_MS) })).toEqual([]);
    const [finding] = evaluate({ last_used: null, created_at: msAgo(30 * DAY_MS + 1) });
    expect(finding?.message).toContain('has never been used since it was created 30 days ago');
  });

  it('gives a never-used key its 30 days even when unused_key_days is shorter', () => {
    expect(evaluate({ last_used: null, created_at: daysAgo(20) }, { ...DEFAULT_POLICY, unused_key_days: 7 })).toEqual([]);
  });

  it('ignores disabled, expired and rotated-out keys', () => {
    const stale = { last_used: daysAgo(200) };
    expect(evaluate({ ...stale })).toHaveLength(1);
    expect(evaluate({ ...stale, status: 'DISABLED' })).toEqual([]);
    expect(evaluate({ ...stale, expires_at: NOW.toISOString() })).toEqual([]);
    expect(evaluate({ ...stale, replaced_by: 'NEWKEY0000000001' })).toEqual([]);
  });
});

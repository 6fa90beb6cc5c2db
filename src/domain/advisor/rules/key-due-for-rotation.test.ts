import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, NOW, apiKey, daysAgo, msAgo, snapshot } from '../test-support/snapshot-builder.js';
import { DAY_MS } from '../time.js';
import type { AdvisorPolicy, SnapshotApiKey } from '../types.js';
import { keyDueForRotationRule } from './key-due-for-rotation.js';

const KEY = 'OLDKEY0000000001';
const evaluate = (overrides: Partial<SnapshotApiKey>, policy: AdvisorPolicy = DEFAULT_POLICY) =>
  keyDueForRotationRule.evaluate(snapshot({ policy, apiKeys: [apiKey({ id: KEY, ...overrides })] }));

describe('key-due-for-rotation', () => {
  it('reports an active key created more than rotation_days ago, and not one exactly that old', () => {
    expect(evaluate({ created_at: msAgo(90 * DAY_MS) })).toEqual([]);
    const [finding] = evaluate({ created_at: msAgo(90 * DAY_MS + 1) });
    expect(finding).toMatchObject({ id: `key-due-for-rotation:${KEY}`, severity: 'medium', subject: KEY });
    expect(finding?.message).toContain(`API key ${KEY} of service account sa-orders ("orders-app") on Kafka cluster lkc-dev001`);
    expect(finding?.message).toContain("was created 90 days ago (2025-03-03T11:59:59Z), more than the policy's rotation period of 90 days");
    expect(finding?.remediation).toBe(`keyward api-key rotate ${KEY} --grace 24h`);
  });

  it("follows the policy's rotation_days", () => {
    const policy = { ...DEFAULT_POLICY, rotation_days: 30 };
    expect(evaluate({ created_at: daysAgo(29) }, policy)).toEqual([]);
    expect(evaluate({ created_at: daysAgo(31) }, policy)).toHaveLength(1);
  });

  it('reports an old replacement key (it replaced another, nothing replaced it)', () => {
    expect(evaluate({ created_at: daysAgo(100), replaces: 'OLDERKEY00000001' })).toHaveLength(1);
  });

  it('ignores keys already rotated out, disabled or expired', () => {
    const old = { created_at: daysAgo(100) };
    expect(evaluate({ ...old, replaced_by: 'NEWKEY0000000001' })).toEqual([]);
    expect(evaluate({ ...old, status: 'DISABLED' })).toEqual([]);
    expect(evaluate({ ...old, expires_at: NOW.toISOString() })).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { ALICE, DEFAULT_POLICY, apiKey, daysAgo, hoursAgo, msAgo, serviceAccount, snapshot } from '../test-support/snapshot-builder.js';
import { DAY_MS } from '../time.js';
import type { SnapshotApiKey, SnapshotServiceAccount } from '../types.js';
import { unusedServiceAccountRule } from './unused-service-account.js';

const SA = 'sa-batch1';
const evaluate = (account: Partial<SnapshotServiceAccount>, keys: Array<Partial<SnapshotApiKey> & { id: string }> = []) =>
  unusedServiceAccountRule.evaluate(
    snapshot({
      serviceAccounts: [serviceAccount({ id: SA, name: 'batch', ...account })],
      apiKeys: keys.map((key) => apiKey({ owner_id: SA, ...key })),
    }),
  );

describe('unused-service-account', () => {
  it('reports an account without keys older than unused_key_days, and not one exactly that old', () => {
    expect(evaluate({ created_at: msAgo(90 * DAY_MS) })).toEqual([]);
    const [finding, ...rest] = evaluate({ created_at: msAgo(90 * DAY_MS + 1) });
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ id: `unused-service-account:${SA}`, severity: 'low', subject: SA });
    expect(finding?.message).toContain(`Service account ${SA} ("batch") was created 90 days ago`);
    expect(finding?.message).toContain('owns no API keys');
    expect(finding?.remediation).toBe(`keyward iam service-account disable ${SA}`);
  });

  it('reports an account whose keys were last used more than unused_key_days ago, not exactly that long ago', () => {
    expect(evaluate({}, [{ id: 'BATCHKEY00000001', last_used: msAgo(90 * DAY_MS) }])).toEqual([]);
    const [finding] = evaluate({}, [
      { id: 'BATCHKEY00000001', last_used: msAgo(90 * DAY_MS + 1) },
      { id: 'BATCHKEY00000002', last_used: daysAgo(150) },
    ]);
    expect(finding?.message).toContain("owns 2 API keys, last used 90 days ago (2025-03-03T11:59:59Z), more than the policy's 90 days");
  });

  it('reports an account whose keys were never used', () => {
    const [finding] = evaluate({}, [{ id: 'BATCHKEY00000001', last_used: null }]);
    expect(finding?.message).toContain('owns 1 API key, none of which has ever been used');
  });

  it('counts recent use of any of its keys, even one since disabled', () => {
    expect(evaluate({}, [{ id: 'BATCHKEY00000001', last_used: null }, { id: 'BATCHKEY00000002', last_used: hoursAgo(1) }])).toEqual([]);
    expect(evaluate({}, [{ id: 'BATCHKEY00000001', last_used: daysAgo(5), status: 'DISABLED' }])).toEqual([]);
  });

  it('does not count keys of a user with the same recent use', () => {
    const findings = evaluate({}, [{ id: 'ALICEKEY00000001', owner_id: ALICE.id, owner_kind: 'user', last_used: hoursAgo(1) }]);
    expect(findings.map((f) => f.subject)).toEqual([SA]);
  });

  it('ignores disabled accounts', () => {
    expect(evaluate({ status: 'DISABLED' })).toEqual([]);
  });

  it("follows the policy's unused_key_days", () => {
    const findings = unusedServiceAccountRule.evaluate(
      snapshot({ policy: { ...DEFAULT_POLICY, unused_key_days: 7 }, serviceAccounts: [serviceAccount({ id: SA, created_at: daysAgo(8) })], apiKeys: [] }),
    );
    expect(findings).toHaveLength(1);
  });
});

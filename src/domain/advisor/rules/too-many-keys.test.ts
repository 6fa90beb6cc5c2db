import { describe, expect, it } from 'vitest';
import { ALICE, DEV_KAFKA, NOW, PROD_KAFKA, apiKey, snapshot } from '../test-support/snapshot-builder.js';
import type { SnapshotApiKey } from '../types.js';
import { tooManyKeysRule } from './too-many-keys.js';

const keys = (count: number, overrides: (index: number) => Partial<SnapshotApiKey> = () => ({})): SnapshotApiKey[] =>
  Array.from({ length: count }, (_, i) => apiKey({ id: `MANYKEYS0000000${i}`, ...overrides(i) }));

const evaluate = (apiKeys: SnapshotApiKey[]) => tooManyKeysRule.evaluate(snapshot({ apiKeys }));

describe('too-many-keys', () => {
  it('reports more than 2 active keys of one owner on one resource, and not exactly 2', () => {
    expect(evaluate(keys(2))).toEqual([]);
    const [finding, ...rest] = evaluate(keys(3));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ id: `too-many-keys:sa-orders/${DEV_KAFKA}`, severity: 'low', subject: `sa-orders/${DEV_KAFKA}` });
    expect(finding?.message).toContain(
      'Service account sa-orders ("orders-app") has 3 active API keys on Kafka cluster lkc-dev001 in environment dev',
    );
    expect(finding?.message).toContain('(MANYKEYS00000000, MANYKEYS00000001, MANYKEYS00000002)');
    expect(finding?.message).toContain('the quota allows 10');
    expect(finding?.remediation).toBe(`keyward api-key list --service-account sa-orders --resource ${DEV_KAFKA}`);
  });

  it('does not count disabled, expired or rotated-out keys', () => {
    expect(evaluate(keys(3, (i) => (i === 0 ? { status: 'DISABLED' } : {})))).toEqual([]);
    expect(evaluate(keys(3, (i) => (i === 0 ? { expires_at: NOW.toISOString() } : {})))).toEqual([]);
    expect(evaluate(keys(3, (i) => (i === 0 ? { replaced_by: 'MANYKEYS00000001' } : {})))).toEqual([]);
  });

  it('counts per resource and per owner', () => {
    expect(evaluate(keys(4, (i) => ({ resource_id: i % 2 === 0 ? DEV_KAFKA : PROD_KAFKA })))).toEqual([]);
    expect(evaluate(keys(4, (i) => (i % 2 === 0 ? { owner_id: ALICE.id, owner_kind: 'user' } : {})))).toEqual([]);
  });

  it("lists a user's keys by resource, as the CLI cannot filter by another user", () => {
    const [finding] = evaluate(keys(3, () => ({ owner_id: ALICE.id, owner_kind: 'user', resource_id: 'cloud', resource_kind: 'cloud' })));
    expect(finding?.subject).toBe(`${ALICE.id}/cloud`);
    expect(finding?.message).toContain('User alice@example.com has 3 active API keys on the management API (cloud)');
    expect(finding?.remediation).toBe('keyward api-key list --resource cloud');
  });
});

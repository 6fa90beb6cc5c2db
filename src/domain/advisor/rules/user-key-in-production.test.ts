import { describe, expect, it } from 'vitest';
import { ALICE, DEFAULT_POLICY, DEV_KAFKA, NOW, ORDERS_APP, PROD_KAFKA, PROD_SCHEMA_REGISTRY, apiKey, msAgo, serviceAccount, snapshot } from '../test-support/snapshot-builder.js';
import type { SnapshotApiKey } from '../types.js';
import { userKeyInProductionRule } from './user-key-in-production.js';

const aliceKey = (overrides: Partial<SnapshotApiKey> = {}): SnapshotApiKey =>
  apiKey({ id: 'ALICEPRODKEY0001', owner_id: ALICE.id, owner_kind: 'user', resource_id: PROD_KAFKA, ...overrides });

const evaluate = (...keys: SnapshotApiKey[]) => userKeyInProductionRule.evaluate(snapshot({ apiKeys: keys }));

describe('user-key-in-production', () => {
  it('reports an active user key on a production Kafka cluster, with a hand-over to a new service account', () => {
    const [finding, ...rest] = evaluate(aliceKey());
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      id: 'user-key-in-production:ALICEPRODKEY0001',
      rule: 'user-key-in-production',
      severity: 'high',
      subject: 'ALICEPRODKEY0001',
    });
    expect(finding?.message).toContain('API key ALICEPRODKEY0001 of user alice@example.com on Kafka cluster lkc-prod01');
    expect(finding?.message).toContain('environment prod (env-prod00, stage production)');
    expect(finding?.remediation.split('\n')).toEqual([
      'keyward iam rbac role-binding list --principal User:u-alice1',
      'keyward kafka acl list --principal User:u-alice1 --cluster lkc-prod01',
      "keyward iam service-account create app-aliceprodkey0001 --description 'Takes over user key ALICEPRODKEY0001 of alice@example.com on lkc-prod01'",
      'keyward api-key rotate ALICEPRODKEY0001 --grace 7d --service-account app-aliceprodkey0001',
    ]);
    expect(finding?.message).toContain('keeps working for 7d');
  });

  it('does not create the service account again when a hand-over stopped after creating it', () => {
    const account = serviceAccount({ id: 'sa-handov', name: 'app-aliceprodkey0001' });
    const [finding] = userKeyInProductionRule.evaluate(snapshot({ apiKeys: [aliceKey()], serviceAccounts: [account] }));
    expect(finding?.remediation.split('\n').at(-2)).toBe('keyward kafka acl list --principal User:u-alice1 --cluster lkc-prod01');
    expect(finding?.remediation.split('\n').at(-1)).toBe('keyward api-key rotate ALICEPRODKEY0001 --grace 7d --service-account app-aliceprodkey0001');
  });

  it('names the service accounts that already hold keys on the resource as the alternative', () => {
    const appKey = apiKey({ id: 'ORDERSPRODKEY001', resource_id: PROD_KAFKA });
    const [finding] = userKeyInProductionRule.evaluate(snapshot({ apiKeys: [aliceKey(), appKey], serviceAccounts: [ORDERS_APP] }));
    expect(finding?.message).toContain('sa-orders "orders-app" already has a key there');
  });

  it('no longer reports a key rotated out: it expires at the end of its grace', () => {
    expect(evaluate(aliceKey({ replaced_by: 'ORDERSPRODKEY001', expires_at: msAgo(-3_600_000) }))).toEqual([]);
  });

  it('reports a user key on a production Schema Registry cluster', () => {
    const findings = evaluate(aliceKey({ resource_id: PROD_SCHEMA_REGISTRY, resource_kind: 'schema-registry' }));
    expect(findings.map((f) => f.subject)).toEqual(['ALICEPRODKEY0001']);
    expect(findings[0]?.message).toContain('Schema Registry cluster lsrc-prod01');
  });

  it('ignores service-account keys, non-production resources and cloud keys', () => {
    expect(evaluate(aliceKey({ owner_id: 'sa-orders', owner_kind: 'service-account' }))).toEqual([]);
    expect(evaluate(aliceKey({ resource_id: DEV_KAFKA }))).toEqual([]);
    expect(evaluate(aliceKey({ resource_id: 'cloud', resource_kind: 'cloud' }))).toEqual([]);
    expect(evaluate(aliceKey({ resource_id: 'lkc-gone00' }))).toEqual([]);
  });

  it('ignores disabled keys and keys expired at or before now, but not a key expiring a moment later', () => {
    expect(evaluate(aliceKey({ status: 'DISABLED' }))).toEqual([]);
    expect(evaluate(aliceKey({ expires_at: NOW.toISOString() }))).toEqual([]);
    expect(evaluate(aliceKey({ expires_at: msAgo(-1) }))).toHaveLength(1);
  });

  it('says whether the policy already refuses new user keys in production', () => {
    const off = userKeyInProductionRule.evaluate(snapshot({ apiKeys: [aliceKey()] }));
    const on = userKeyInProductionRule.evaluate(
      snapshot({ apiKeys: [aliceKey()], policy: { ...DEFAULT_POLICY, require_service_account_keys_in_production: true } }),
    );
    expect(off[0]?.message).toContain('--require-service-account-keys-in-production');
    expect(on[0]?.message).toContain('already refuses new user keys');
  });
});

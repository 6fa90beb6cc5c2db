import { describe, expect, it } from 'vitest';
import { ALICE, ORDERS_APP, acl, roleBinding, snapshot } from '../test-support/snapshot-builder.js';
import { orphanedGrantRule } from './orphaned-grant.js';

describe('orphaned-grant', () => {
  it('reports a role binding whose principal names no user or service account', () => {
    const [finding, ...rest] = orphanedGrantRule.evaluate(snapshot({ roleBindings: [roleBinding({ id: 'rb-gone01', principal: 'User:sa-gone00' })] }));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ id: 'orphaned-grant:rb-gone01', severity: 'medium', subject: 'rb-gone01' });
    expect(finding?.message).toMatch(/^Role binding rb-gone01 grants DeveloperRead on crn:\/\/keyward\/.*topic=orders to User:sa-gone00, which names no existing user or service account/);
    expect(finding?.remediation).toBe('keyward iam rbac role-binding delete rb-gone01 --force');
  });

  it('reports an ACL whose principal is gone, with the matching acl delete command', () => {
    const [finding] = orphanedGrantRule.evaluate(snapshot({ acls: [acl({ id: 'acl-1', principal: 'User:u-gone00' })] }));
    expect(finding?.subject).toBe('acl-1');
    expect(finding?.message).toContain('ALLOW ACL acl-1 for READ on TOPIC "orders" (LITERAL) of Kafka cluster lkc-prod01 grants to User:u-gone00');
    expect(finding?.remediation).toBe(
      'keyward kafka acl delete --allow --principal User:u-gone00 --operations read --topic orders --cluster lkc-prod01 --force',
    );
  });

  it('builds the delete command for prefixed deny group ACLs, cluster-scope ACLs and names that need quoting', () => {
    const evaluate = (overrides: Parameters<typeof acl>[0]) =>
      orphanedGrantRule.evaluate(snapshot({ acls: [acl({ principal: 'User:sa-gone00', ...overrides })] }))[0]?.remediation;
    expect(evaluate({ id: 'a', permission: 'DENY', resource_type: 'GROUP', resource_name: 'billing-', pattern_type: 'PREFIXED', operation: 'ALL' })).toBe(
      'keyward kafka acl delete --deny --principal User:sa-gone00 --operations all --consumer-group billing- --prefix --cluster lkc-prod01 --force',
    );
    expect(evaluate({ id: 'b', resource_type: 'CLUSTER', resource_name: 'kafka-cluster', operation: 'DESCRIBE' })).toBe(
      'keyward kafka acl delete --allow --principal User:sa-gone00 --operations describe --cluster-scope --cluster lkc-prod01 --force',
    );
    expect(evaluate({ id: 'c', resource_type: 'TRANSACTIONAL_ID', resource_name: "it's tx" })).toBe(
      "keyward kafka acl delete --allow --principal User:sa-gone00 --operations read --transactional-id 'it'\\''s tx' --cluster lkc-prod01 --force",
    );
    expect(evaluate({ id: 'd', resource_type: 'DELEGATION_TOKEN' })).toBe('keyward kafka acl list --principal User:sa-gone00 --cluster lkc-prod01');
  });

  it('does not report grants of existing users and service accounts, the wildcard or other principal types', () => {
    const findings = orphanedGrantRule.evaluate(
      snapshot({
        roleBindings: [
          roleBinding({ id: 'rb-alice1', principal: `User:${ALICE.id}` }),
          roleBinding({ id: 'rb-orders', principal: `User:${ORDERS_APP.id}` }),
          roleBinding({ id: 'rb-group1', principal: 'Group:sa-gone00' }),
        ],
        acls: [acl({ id: 'acl-any', principal: 'User:*' }), acl({ id: 'acl-sa', principal: `User:${ORDERS_APP.id}` })],
      }),
    );
    expect(findings).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { aclDeleteQuery, aclLabel, describeAcl, describeHeld, describeRule } from './rules';

const ACL = { principal: 'User:sa-1', permission: 'ALLOW', operation: 'READ', resource_type: 'TOPIC', resource_name: 'orders', pattern_type: 'LITERAL', host: '*' };

describe('access rules in words', () => {
  it('describes an ACL and names it for a button', () => {
    expect(describeAcl(ACL)).toBe('ALLOW READ on TOPIC orders (LITERAL) for User:sa-1 from any host');
    expect(aclLabel(ACL)).toBe('ALLOW READ TOPIC orders for User:sa-1');
    expect(aclLabel({ ...ACL, pattern_type: 'PREFIXED', host: '10.0.0.1' })).toBe('ALLOW READ TOPIC orders* for User:sa-1 from 10.0.0.1');
  });

  it('names the deciding rule of a check', () => {
    expect(describeRule(null)).toBe('No rule grants it.');
    expect(describeRule({ kind: 'role-binding', id: 'rb-1', role: 'DeveloperRead', crn_pattern: 'crn://keyward/organization=o' })).toBe(
      'Role binding rb-1 (DeveloperRead on crn://keyward/organization=o)',
    );
    expect(describeRule({ kind: 'acl', ...ACL, permission: 'DENY' })).toBe('ACL: DENY READ on TOPIC orders (LITERAL) for User:sa-1 from any host');
  });

  it('deletes exactly one ACL', () => {
    expect(aclDeleteQuery(ACL)).toEqual(ACL);
  });

  it('counts what goes with a principal', () => {
    expect(describeHeld({ api_keys: 0, role_bindings: 0, acls: 0 })).toBe('nothing else');
    expect(describeHeld({ api_keys: 1, role_bindings: 0, acls: 0 })).toBe('1 API key');
    expect(describeHeld({ api_keys: 2, role_bindings: 1, acls: 3 })).toBe('2 API keys, 1 role binding and 3 ACLs');
  });
});

import { describe, expect, it } from 'vitest';
import type { AclOperation, AclPermission, KafkaAcl, KafkaOperation, KafkaResourceType, PatternType } from './acl.js';
import { AuthorizerIndex, referenceAuthorize, type AuthorizationData, type AuthorizationDecision, type AuthorizationRequest, type RoleBinding } from './authorizer.js';
import { buildRoleBindingCrnPattern, kafkaResourceCrn } from './crn-pattern.js';
import type { AuthzAction } from './roles.js';

const ORG = 'org-1';
const ENV = 'env-aaaaaa';
const CLUSTER = 'lkc-aaaaaa';

type Decide = (data: AuthorizationData, request: AuthorizationRequest) => AuthorizationDecision;

const implementations: Array<[string, Decide]> = [
  ['referenceAuthorize', referenceAuthorize],
  ['AuthorizerIndex', (data, request) => new AuthorizerIndex(data).authorize(request)],
];

/** StandardAcl(resourceType, name, patternType, principal, host, operation, permission), as in StandardAuthorizerTest. */
function standardAcl(
  resourceType: KafkaResourceType,
  name: string,
  patternType: PatternType,
  principal: string,
  host: string,
  operation: AclOperation,
  permission: AclPermission,
): KafkaAcl {
  return { cluster_id: CLUSTER, resource_type: resourceType, resource_name: name, pattern_type: patternType, principal, host, operation, permission };
}

function kafkaRequest(principal: string, operation: KafkaOperation, resourceType: KafkaResourceType, name: string, clusterId = CLUSTER): AuthorizationRequest {
  return {
    principal,
    action: operation,
    host: '10.0.0.1',
    resource: {
      crn: kafkaResourceCrn({ organization: ORG, environment: ENV, clusterId, resourceType, name }),
      kafka: { clusterId, resourceType, name },
    },
  };
}

function crnRequest(principal: string, action: AuthzAction, crn: string): AuthorizationRequest {
  return { principal, action, resource: { crn } };
}

const binding = (id: string, principal: string, role: string, crnPattern: string): RoleBinding => ({
  id,
  principal,
  role_name: role,
  crn_pattern: crnPattern,
});

const acls = (...list: KafkaAcl[]): AuthorizationData => ({ acls: list, roleBindings: [] });

describe.each(implementations)('%s', (_name, decide) => {
  const granted = (data: AuthorizationData, request: AuthorizationRequest) => decide(data, request).granted;

  describe("Kafka's documented cases", () => {
    // StandardAuthorizerTest.testSimpleAuthorizations
    it('simple authorizations: a PREFIXED ACL covers its own prefix; User:* covers anyone', () => {
      const data = acls(
        standardAcl('TOPIC', 'foo_', 'PREFIXED', 'User:bob', '*', 'READ', 'ALLOW'),
        standardAcl('TOPIC', 'foo_', 'PREFIXED', 'User:bob', '*', 'WRITE', 'ALLOW'),
        standardAcl('GROUP', 'bar', 'LITERAL', 'User:*', '*', 'DESCRIBE_CONFIGS', 'ALLOW'),
        standardAcl('GROUP', 'bar', 'LITERAL', 'User:*', '*', 'ALTER_CONFIGS', 'ALLOW'),
      );
      expect(granted(data, kafkaRequest('User:bob', 'READ', 'TOPIC', 'foo_'))).toBe(true);
      expect(granted(data, kafkaRequest('User:fred', 'ALTER_CONFIGS', 'GROUP', 'bar'))).toBe(true);
    });

    // StandardAuthorizerTest.testTopicAclWithOperationAll
    it('ACLs with operation ALL', () => {
      const data = acls(
        standardAcl('TOPIC', 'foo', 'LITERAL', 'User:*', '*', 'ALL', 'ALLOW'),
        standardAcl('TOPIC', 'bar', 'PREFIXED', 'User:alice', '*', 'ALL', 'ALLOW'),
        standardAcl('TOPIC', 'baz', 'LITERAL', 'User:bob', '*', 'ALL', 'ALLOW'),
      );
      const results = (principal: string, actions: Array<[KafkaOperation, string]>) =>
        actions.map(([operation, topic]) => granted(data, kafkaRequest(principal, operation, 'TOPIC', topic)));
      expect(results('User:alice', [['WRITE', 'foo'], ['DESCRIBE_CONFIGS', 'bar'], ['DESCRIBE', 'baz']])).toEqual([true, true, false]);
      expect(results('User:bob', [['WRITE', 'foo'], ['READ', 'bar'], ['DESCRIBE', 'baz']])).toEqual([true, false, true]);
      expect(results('User:malory', [['DESCRIBE', 'foo'], ['WRITE', 'bar'], ['READ', 'baz']])).toEqual([true, false, false]);
    });

    // StandardAuthorizerTest.createAuthorizerWithManyAcls / testAuthorizationWithManyAcls
    it('many ACLs: prefixes, wildcard names, and DENY beating ALLOW', () => {
      const data = acls(
        standardAcl('TOPIC', 'green2', 'LITERAL', 'User:*', '*', 'READ', 'ALLOW'),
        standardAcl('TOPIC', 'green', 'PREFIXED', 'User:bob', '*', 'READ', 'ALLOW'),
        standardAcl('TOPIC', 'betamax4', 'LITERAL', 'User:bob', '*', 'READ', 'ALLOW'),
        standardAcl('TOPIC', 'betamax', 'LITERAL', 'User:bob', '*', 'READ', 'ALLOW'),
        standardAcl('TOPIC', 'beta', 'PREFIXED', 'User:*', '*', 'READ', 'ALLOW'),
        standardAcl('TOPIC', 'alpha', 'PREFIXED', 'User:*', '*', 'READ', 'ALLOW'),
        standardAcl('TOPIC', 'alp', 'PREFIXED', 'User:bob', '*', 'READ', 'DENY'),
        standardAcl('GROUP', '*', 'LITERAL', 'User:bob', '*', 'WRITE', 'ALLOW'),
        standardAcl('GROUP', 'wheel', 'LITERAL', 'User:*', '*', 'WRITE', 'DENY'),
      );
      expect(granted(data, kafkaRequest('User:bob', 'READ', 'TOPIC', 'green1'))).toBe(true);
      expect(granted(data, kafkaRequest('User:bob', 'WRITE', 'GROUP', 'wheel'))).toBe(false);
      expect(granted(data, kafkaRequest('User:bob', 'READ', 'TOPIC', 'alpha'))).toBe(false);
      expect(granted(data, kafkaRequest('User:bob', 'WRITE', 'GROUP', 'arbitrary'))).toBe(true);
      expect(granted(data, kafkaRequest('User:bob', 'READ', 'TOPIC', 'ala'))).toBe(false);
    });

    // StandardAuthorizerData.findResult: implication is for ALLOW only, DENY matches its own operation.
    it('DENY READ leaves the DESCRIBE implied by ALLOW READ; DENY DESCRIBE leaves READ', () => {
      const allowRead = standardAcl('TOPIC', 'orders', 'LITERAL', 'User:bob', '*', 'READ', 'ALLOW');
      const denyRead = acls(allowRead, standardAcl('TOPIC', 'orders', 'LITERAL', 'User:bob', '*', 'READ', 'DENY'));
      expect(granted(denyRead, kafkaRequest('User:bob', 'READ', 'TOPIC', 'orders'))).toBe(false);
      expect(granted(denyRead, kafkaRequest('User:bob', 'DESCRIBE', 'TOPIC', 'orders'))).toBe(true);

      const denyDescribe = acls(allowRead, standardAcl('TOPIC', 'orders', 'LITERAL', 'User:bob', '*', 'DESCRIBE', 'DENY'));
      expect(granted(denyDescribe, kafkaRequest('User:bob', 'READ', 'TOPIC', 'orders'))).toBe(true);
      expect(granted(denyDescribe, kafkaRequest('User:bob', 'DESCRIBE', 'TOPIC', 'orders'))).toBe(false);
    });

    // The default: "If neither ALLOW nor DENY ACLs match, we return the default result" (DENIED).
    it('denies when nothing matches', () => {
      expect(granted(acls(), kafkaRequest('User:bob', 'READ', 'TOPIC', 'orders'))).toBe(false);
    });
  });

  describe('ACLs and role bindings together', () => {
    const sa = 'User:sa-abc123';
    const ordersCrn = kafkaResourceCrn({ organization: ORG, environment: ENV, clusterId: CLUSTER, resourceType: 'TOPIC', name: 'orders' });
    const orgAdmin = binding('rb-000001', sa, 'OrganizationAdmin', `crn://keyward/organization=${ORG}`);

    it('a matching DENY ACL beats every role binding, and says so', () => {
      const deny = standardAcl('TOPIC', 'orders', 'LITERAL', 'User:*', '*', 'ALL', 'DENY');
      const decision = decide({ acls: [deny], roleBindings: [orgAdmin] }, kafkaRequest(sa, 'READ', 'TOPIC', 'orders'));
      expect(decision).toEqual({
        granted: false,
        reason: 'DENY ACL on TOPIC:orders (LITERAL) denies READ to User:sa-abc123 (ACL operation ALL)',
        rule: { kind: 'acl', acl: deny },
      });
    });

    it('an ALLOW ACL grants, naming the implied operation', () => {
      const allow = standardAcl('TOPIC', 'ord', 'PREFIXED', sa, '*', 'WRITE', 'ALLOW');
      expect(decide(acls(allow), kafkaRequest(sa, 'DESCRIBE', 'TOPIC', 'orders'))).toEqual({
        granted: true,
        reason: 'ALLOW ACL on TOPIC:ord (PREFIXED) grants DESCRIBE to User:sa-abc123 (implied by WRITE)',
        rule: { kind: 'acl', acl: allow },
      });
    });

    it('a role binding grants data operations through its CRN pattern', () => {
      const pattern = buildRoleBindingCrnPattern('DeveloperRead', {
        organization: ORG,
        environment: ENV,
        kafkaCluster: CLUSTER,
        resource: 'Topic:ord',
        prefix: true,
      });
      const data = { acls: [], roleBindings: [binding('rb-000002', sa, 'DeveloperRead', pattern)] };
      expect(decide(data, kafkaRequest(sa, 'READ', 'TOPIC', 'orders'))).toEqual({
        granted: true,
        reason: `role binding rb-000002 (DeveloperRead on ${pattern}) grants READ to User:sa-abc123`,
        rule: { kind: 'rbac', role: 'DeveloperRead', crnPattern: pattern, bindingId: 'rb-000002' },
      });
      expect(granted(data, kafkaRequest(sa, 'WRITE', 'TOPIC', 'orders'))).toBe(false);
      expect(granted(data, kafkaRequest(sa, 'READ', 'GROUP', 'orders'))).toBe(false);
      expect(granted(data, kafkaRequest('User:sa-other1', 'READ', 'TOPIC', 'orders'))).toBe(false);
    });

    it('an ALLOW ACL is reported before a role binding that also grants', () => {
      const allow = standardAcl('TOPIC', 'orders', 'LITERAL', sa, '*', 'READ', 'ALLOW');
      expect(decide({ acls: [allow], roleBindings: [orgAdmin] }, kafkaRequest(sa, 'READ', 'TOPIC', 'orders')).rule?.kind).toBe('acl');
    });

    it('reports the first matching rule of the input', () => {
      const first = standardAcl('TOPIC', '*', 'LITERAL', 'User:*', '*', 'READ', 'ALLOW');
      const second = standardAcl('TOPIC', 'orders', 'LITERAL', sa, '*', 'READ', 'ALLOW');
      expect(decide(acls(first, second), kafkaRequest(sa, 'READ', 'TOPIC', 'orders')).rule).toEqual({ kind: 'acl', acl: first });
      expect(decide(acls(second, first), kafkaRequest(sa, 'READ', 'TOPIC', 'orders')).rule).toEqual({ kind: 'acl', acl: second });
    });

    it('explains a denial by default', () => {
      expect(decide(acls(), kafkaRequest(sa, 'READ', 'TOPIC', 'orders'))).toEqual({
        granted: false,
        reason: 'no ACL or role binding grants READ on TOPIC:orders to User:sa-abc123',
      });
      expect(decide(acls(), crnRequest(sa, 'api-key:manage', ordersCrn)).reason).toBe(
        `no ACL or role binding grants api-key:manage on ${ordersCrn} to User:sa-abc123`,
      );
    });

    it('ACLs never decide management permissions, and apply to their own cluster only', () => {
      const allowAll = standardAcl('TOPIC', '*', 'LITERAL', 'User:*', '*', 'ALL', 'ALLOW');
      const request = kafkaRequest(sa, 'READ', 'TOPIC', 'orders');
      expect(granted(acls(allowAll), { ...request, action: 'acl:manage' })).toBe(false);
      expect(granted(acls(allowAll), kafkaRequest(sa, 'READ', 'TOPIC', 'orders', 'lkc-bbbbbb'))).toBe(false);
    });

    it('an environment binding covers the environment and everything in it, not other environments', () => {
      const data = { acls: [], roleBindings: [binding('rb-000003', sa, 'EnvironmentAdmin', `crn://keyward/organization=${ORG}/environment=${ENV}`)] };
      expect(granted(data, kafkaRequest(sa, 'WRITE', 'TOPIC', 'orders'))).toBe(true);
      expect(granted(data, crnRequest(sa, 'role-binding:manage', ordersCrn))).toBe(true);
      expect(granted(data, crnRequest(sa, 'cluster:manage', `crn://keyward/organization=${ORG}/environment=${ENV}/cloud-cluster=${CLUSTER}`))).toBe(true);
      expect(granted(data, crnRequest(sa, 'cluster:manage', `crn://keyward/organization=${ORG}/environment=env-bbbbbb/cloud-cluster=${CLUSTER}`))).toBe(false);
      expect(granted(data, crnRequest(sa, 'user:manage', `crn://keyward/organization=${ORG}`))).toBe(false);
    });

    it("ResourceOwner of a service account manages that account's keys only", () => {
      const ownedCrn = buildRoleBindingCrnPattern('ResourceOwner', { organization: ORG, resource: 'ServiceAccount:sa-owned1' });
      const data = { acls: [], roleBindings: [binding('rb-000004', 'User:u-abcdef', 'ResourceOwner', ownedCrn)] };
      expect(granted(data, crnRequest('User:u-abcdef', 'api-key:manage', ownedCrn))).toBe(true);
      expect(granted(data, crnRequest('User:u-abcdef', 'api-key:manage', `crn://keyward/organization=${ORG}/service-account=sa-other1`))).toBe(false);
      expect(granted(data, crnRequest('User:u-abcdef', 'service-account:manage', ownedCrn))).toBe(false);
    });

    it('bindings with an unknown role or a malformed pattern grant nothing', () => {
      const data = {
        acls: [],
        roleBindings: [
          binding('rb-000005', sa, 'SuperUser', `crn://keyward/organization=${ORG}`),
          binding('rb-000006', sa, 'OrganizationAdmin', `crn://elsewhere/organization=${ORG}`),
        ],
      };
      expect(granted(data, crnRequest(sa, 'user:read', `crn://keyward/organization=${ORG}`))).toBe(false);
    });

    it('a malformed request CRN is granted by nothing but ACLs', () => {
      const allow = standardAcl('TOPIC', 'orders', 'LITERAL', sa, '*', 'READ', 'ALLOW');
      const request = kafkaRequest(sa, 'READ', 'TOPIC', 'orders');
      const malformed = { ...request, resource: { ...request.resource, crn: 'nonsense' } };
      expect(granted({ acls: [], roleBindings: [orgAdmin] }, malformed)).toBe(false);
      expect(granted({ acls: [allow], roleBindings: [orgAdmin] }, malformed)).toBe(true);
    });
  });
});

describe('AuthorizerIndex at scale', () => {
  it('decides among 10,000 ACLs and 10,000 role bindings in microseconds', () => {
    const principals = Array.from({ length: 500 }, (_, i) => `User:sa-${String(i).padStart(6, '0')}`);
    const operations: AclOperation[] = ['READ', 'WRITE', 'DESCRIBE', 'ALL', 'CREATE'];
    const acls: KafkaAcl[] = Array.from({ length: 10_000 }, (_, i) =>
      standardAcl(
        i % 3 === 0 ? 'GROUP' : 'TOPIC',
        i % 7 === 0 ? `team-${i % 50}-` : `topic-${i}`,
        i % 7 === 0 ? 'PREFIXED' : 'LITERAL',
        principals[i % principals.length]!,
        '*',
        operations[i % operations.length]!,
        i % 11 === 0 ? 'DENY' : 'ALLOW',
      ),
    );
    const roleBindings: RoleBinding[] = Array.from({ length: 10_000 }, (_, i) =>
      binding(
        `rb-${i}`,
        principals[(i * 7) % principals.length]!,
        i % 2 === 0 ? 'DeveloperRead' : 'DeveloperWrite',
        `crn://keyward/organization=${ORG}/environment=${ENV}/cloud-cluster=${CLUSTER}/kafka=${CLUSTER}/topic=topic-${i}${i % 5 === 0 ? '*' : ''}`,
      ),
    );
    const data = { acls, roleBindings };
    const index = new AuthorizerIndex(data);
    const requests = Array.from({ length: 2_000 }, (_, i) =>
      kafkaRequest(principals[(i * 13) % principals.length]!, i % 2 === 0 ? 'READ' : 'DESCRIBE', 'TOPIC', i % 3 === 0 ? `team-${i % 50}-x` : `topic-${i * 5}`),
    );

    // The index agrees with the linear scan on this data set too.
    for (const request of requests.slice(0, 40)) expect(index.authorize(request)).toEqual(referenceAuthorize(data, request));

    // Its speed is measured by the benchmark (npm run bench), never by a timed assertion here.
    for (const request of requests) expect(index.authorize(request).granted).toBe(referenceAuthorize(data, request).granted);
  });
});

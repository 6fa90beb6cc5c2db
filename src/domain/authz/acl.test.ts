import { describe, expect, it } from 'vitest';
import {
  aclMatches,
  aclsFromFlags,
  parseOperations,
  validateAcl,
  type AclOperation,
  type AclPermission,
  type KafkaAccessRequest,
  type KafkaAcl,
  type KafkaOperation,
} from './acl.js';

const CLUSTER = 'lkc-abc123';

function acl(fields: Partial<KafkaAcl>): KafkaAcl {
  return {
    cluster_id: CLUSTER,
    principal: 'User:bob',
    permission: 'ALLOW',
    operation: 'READ',
    resource_type: 'TOPIC',
    resource_name: 'foo_',
    pattern_type: 'PREFIXED',
    host: '*',
    ...fields,
  };
}

function request(fields: Partial<KafkaAccessRequest>): KafkaAccessRequest {
  return {
    principal: 'User:bob',
    host: '10.0.0.1',
    operation: 'READ',
    clusterId: CLUSTER,
    resourceType: 'TOPIC',
    resourceName: 'foo_bar',
    ...fields,
  };
}

/** StandardAuthorizerTest.newFooAcl: TOPIC "foo_" PREFIXED, User:bob, any host. */
const fooAcl = (operation: AclOperation, permission: AclPermission) => acl({ operation, permission });

describe('aclMatches: operation implication (StandardAuthorizerTest.testFindResultImplication)', () => {
  const describeFooBar = request({ operation: 'DESCRIBE' });

  it.each(['DESCRIBE', 'READ', 'WRITE', 'DELETE', 'ALTER'] as const)('ALLOW %s implies DESCRIBE', (operation) => {
    expect(aclMatches(fooAcl(operation, 'ALLOW'), describeFooBar)).toBe(true);
  });

  it('ALLOW CREATE does not imply DESCRIBE', () => {
    expect(aclMatches(fooAcl('CREATE', 'ALLOW'), describeFooBar)).toBe(false);
  });

  it.each(['READ', 'WRITE', 'DELETE', 'ALTER'] as const)('DENY %s does not deny DESCRIBE (no implication for DENY)', (operation) => {
    expect(aclMatches(fooAcl(operation, 'DENY'), describeFooBar)).toBe(false);
  });

  it('DENY DESCRIBE matches DESCRIBE exactly', () => {
    expect(aclMatches(fooAcl('DESCRIBE', 'DENY'), describeFooBar)).toBe(true);
  });

  it.each(['DESCRIBE_CONFIGS', 'ALTER_CONFIGS'] as const)('ALLOW %s implies DESCRIBE_CONFIGS', (operation) => {
    expect(aclMatches(fooAcl(operation, 'ALLOW'), request({ operation: 'DESCRIBE_CONFIGS' }))).toBe(true);
  });

  it('DENY ALTER_CONFIGS does not deny DESCRIBE_CONFIGS but does deny ALTER_CONFIGS', () => {
    expect(aclMatches(fooAcl('ALTER_CONFIGS', 'DENY'), request({ operation: 'DESCRIBE_CONFIGS' }))).toBe(false);
    expect(aclMatches(fooAcl('ALTER_CONFIGS', 'DENY'), request({ operation: 'ALTER_CONFIGS' }))).toBe(true);
  });

  it('DENY DESCRIBE does not deny READ: a DENY matches only its own operation (findResult)', () => {
    expect(aclMatches(fooAcl('DESCRIBE', 'DENY'), request({ operation: 'READ' }))).toBe(false);
  });

  it('implication does not run backwards: ALLOW DESCRIBE does not allow READ', () => {
    expect(aclMatches(fooAcl('DESCRIBE', 'ALLOW'), request({ operation: 'READ' }))).toBe(false);
  });

  // AclOperation javadoc: "ALLOW ALL implies ALLOW everything, DENY ALL implies DENY everything".
  it.each(['ALLOW', 'DENY'] as const)('%s ALL matches every operation', (permission) => {
    const operations: KafkaOperation[] = ['READ', 'WRITE', 'DESCRIBE', 'CREATE', 'IDEMPOTENT_WRITE', 'CLUSTER_ACTION'];
    for (const operation of operations) expect(aclMatches(fooAcl('ALL', permission), request({ operation }))).toBe(true);
  });

  it('any other operation matches only itself', () => {
    expect(aclMatches(fooAcl('WRITE', 'ALLOW'), request({ operation: 'READ' }))).toBe(false);
    expect(aclMatches(fooAcl('CREATE', 'ALLOW'), request({ operation: 'CREATE' }))).toBe(true);
  });
});

describe('aclMatches: principals (StandardAuthorizerTest.testFindResultPrincipalMatching)', () => {
  it('matches the exact principal only', () => {
    expect(aclMatches(fooAcl('READ', 'ALLOW'), request({ principal: 'User:bob' }))).toBe(true);
    expect(aclMatches(fooAcl('READ', 'ALLOW'), request({ principal: 'User:alice' }))).toBe(false);
  });

  it('the wildcard principal User:* matches anybody (newBarAcl: GROUP "bar" LITERAL, DENY READ)', () => {
    const barAcl = acl({ principal: 'User:*', resource_type: 'GROUP', resource_name: 'bar', pattern_type: 'LITERAL', permission: 'DENY' });
    expect(aclMatches(barAcl, request({ principal: 'User:alice', resourceType: 'GROUP', resourceName: 'bar' }))).toBe(true);
  });
});

describe('aclMatches: resource patterns (StandardAuthorizerData.findAclRule / checkSection)', () => {
  it('LITERAL matches the exact name only, case-sensitively', () => {
    const literal = acl({ resource_name: 'foob', pattern_type: 'LITERAL' });
    expect(aclMatches(literal, request({ resourceName: 'foob' }))).toBe(true);
    // "a literal ACL whose name is a prefix of the resource name, but which doesn't match it exactly"
    expect(aclMatches(literal, request({ resourceName: 'foobar' }))).toBe(false);
    expect(aclMatches(literal, request({ resourceName: 'FOOB' }))).toBe(false);
  });

  it('PREFIXED matches every name starting with the prefix, including the prefix itself', () => {
    const prefixed = acl({ resource_name: 'foo', pattern_type: 'PREFIXED' });
    expect(aclMatches(prefixed, request({ resourceName: 'foobar' }))).toBe(true);
    expect(aclMatches(prefixed, request({ resourceName: 'foo' }))).toBe(true);
    expect(aclMatches(prefixed, request({ resourceName: 'fo' }))).toBe(false);
    expect(aclMatches(prefixed, request({ resourceName: 'xfoo' }))).toBe(false);
  });

  it('the LITERAL name "*" matches every name of its type ("wildcard ACLs ... stored as type = LITERAL, name = *")', () => {
    const wildcard = acl({ resource_name: '*', pattern_type: 'LITERAL' });
    expect(aclMatches(wildcard, request({ resourceName: 'anything' }))).toBe(true);
    expect(aclMatches(wildcard, request({ resourceType: 'GROUP', resourceName: 'anything' }))).toBe(false);
  });

  it('a PREFIXED "*" is no wildcard: it matches only names that start with "*"', () => {
    const starPrefix = acl({ resource_name: '*', pattern_type: 'PREFIXED' });
    expect(aclMatches(starPrefix, request({ resourceName: 'orders' }))).toBe(false);
    expect(aclMatches(starPrefix, request({ resourceName: '*orders' }))).toBe(true);
  });

  it('the resource type must match: a TOPIC ACL says nothing about a GROUP of the same name', () => {
    expect(aclMatches(fooAcl('READ', 'ALLOW'), request({ resourceType: 'GROUP' }))).toBe(false);
  });

  it('the cluster must match (keyward scopes every ACL to one cluster)', () => {
    expect(aclMatches(fooAcl('READ', 'ALLOW'), request({ clusterId: 'lkc-other1' }))).toBe(false);
  });
});

describe('aclMatches: hosts (StandardAuthorizerData.findResult)', () => {
  it('"*" matches any host; any other host must be equal', () => {
    expect(aclMatches(acl({ host: '*' }), request({ host: '192.168.0.9' }))).toBe(true);
    expect(aclMatches(acl({ host: '10.0.0.1' }), request({ host: '10.0.0.1' }))).toBe(true);
    expect(aclMatches(acl({ host: '10.0.0.1' }), request({ host: '10.0.0.2' }))).toBe(false);
  });

  it('an unknown client host fails closed: host-bound DENY ACLs apply, host-bound ALLOW ACLs do not', () => {
    const withoutHost = request({});
    delete withoutHost.host;
    expect(aclMatches(acl({ host: '10.0.0.1', permission: 'DENY' }), withoutHost)).toBe(true);
    expect(aclMatches(acl({ host: '10.0.0.1', permission: 'ALLOW' }), withoutHost)).toBe(false);
    expect(aclMatches(acl({ host: '*', permission: 'ALLOW' }), withoutHost)).toBe(true);
  });
});

describe('parseOperations', () => {
  it('reads a comma-separated list in any case, with - or _', () => {
    expect(parseOperations('read,describe')).toEqual(['READ', 'DESCRIBE']);
    expect(parseOperations(' Alter-Configs , describe_configs,idempotent-write,ALL ')).toEqual([
      'ALTER_CONFIGS',
      'DESCRIBE_CONFIGS',
      'IDEMPOTENT_WRITE',
      'ALL',
    ]);
  });

  it('drops duplicates, keeping the first position', () => {
    expect(parseOperations('read,write,READ')).toEqual(['READ', 'WRITE']);
  });

  it('refuses unknown operations the way the confluent CLI does', () => {
    expect(() => parseOperations('read,FAKE')).toThrow('invalid operation value: FAKE');
    expect(() => parseOperations('fake')).toThrow('invalid operation value: FAKE');
    // ANY and UNKNOWN are filter values in Kafka, never operations of an ACL (AclControlManager.validateNewAcl).
    expect(() => parseOperations('any')).toThrow('invalid operation value: ANY');
    expect(() => parseOperations('unknown')).toThrow('invalid operation value: UNKNOWN');
  });

  it('refuses an empty list', () => {
    expect(() => parseOperations(' , ')).toThrow(/at least one operation/);
  });
});

describe('validateAcl', () => {
  const valid = {
    cluster_id: CLUSTER,
    principal: 'User:sa-abc123',
    permission: 'allow',
    operation: 'read',
    resource_type: 'topic',
    resource_name: 'orders',
  };

  it('normalizes values and fills the defaults (LITERAL, host *)', () => {
    expect(validateAcl(valid)).toEqual({
      cluster_id: CLUSTER,
      principal: 'User:sa-abc123',
      permission: 'ALLOW',
      operation: 'READ',
      resource_type: 'TOPIC',
      resource_name: 'orders',
      pattern_type: 'LITERAL',
      host: '*',
    });
    expect(validateAcl({ ...valid, id: 'acl-1', resource_type: 'transactional-id', operation: 'write' })).toMatchObject({
      id: 'acl-1',
      resource_type: 'TRANSACTIONAL_ID',
    });
  });

  it('accepts the wildcard principal and the LITERAL wildcard name', () => {
    expect(validateAcl({ ...valid, principal: 'User:*', resource_name: '*' })).toMatchObject({ principal: 'User:*', resource_name: '*' });
  });

  it('refuses an unknown operation', () => {
    expect(() => validateAcl({ ...valid, operation: 'FAKE' })).toThrow('invalid operation value: FAKE');
  });

  it('refuses an unknown resource type, listing the valid ones', () => {
    expect(() => validateAcl({ ...valid, resource_type: 'DELEGATION_TOKEN' })).toThrow(
      'invalid resource type "DELEGATION_TOKEN": valid resource types are TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID',
    );
  });

  it('refuses filter-only pattern types (MATCH, ANY)', () => {
    expect(() => validateAcl({ ...valid, pattern_type: 'MATCH' })).toThrow(/invalid pattern type "MATCH"/);
    expect(() => validateAcl({ ...valid, pattern_type: 'any' })).toThrow(/invalid pattern type/);
  });

  it('refuses PREFIXED with the name "*"', () => {
    expect(() => validateAcl({ ...valid, pattern_type: 'PREFIXED', resource_name: '*' })).toThrow(/PREFIXED pattern cannot use the name "\*"/);
  });

  it('refuses an empty resource name (AclControlManager.validateNewAcl)', () => {
    expect(() => validateAcl({ ...valid, resource_name: '' })).toThrow('resource name must not be empty');
  });

  it('names the cluster resource "kafka-cluster", LITERAL only', () => {
    const cluster = { ...valid, resource_type: 'CLUSTER', operation: 'IDEMPOTENT_WRITE', resource_name: undefined };
    expect(validateAcl(cluster)).toMatchObject({ resource_type: 'CLUSTER', resource_name: 'kafka-cluster' });
    expect(() => validateAcl({ ...cluster, resource_name: 'lkc-abc123' })).toThrow(/must be "kafka-cluster"/);
    expect(() => validateAcl({ ...cluster, resource_name: 'kafka-cluster', pattern_type: 'PREFIXED' })).toThrow(
      'a CLUSTER ACL must use the LITERAL pattern type',
    );
  });

  // server/.../AclEntry.supportedOperations, as kafka-acls.sh enforces it (AclCommand.validateOperation).
  it.each([
    ['TOPIC', 'CLUSTER_ACTION'],
    ['TOPIC', 'IDEMPOTENT_WRITE'],
    ['GROUP', 'WRITE'],
    ['TRANSACTIONAL_ID', 'READ'],
    ['CLUSTER', 'READ'],
  ])('refuses %s with %s, which Kafka does not support there', (resourceType, operation) => {
    const resourceName = resourceType === 'CLUSTER' ? 'kafka-cluster' : 'x';
    expect(() => validateAcl({ ...valid, resource_type: resourceType, operation, resource_name: resourceName })).toThrow(
      `operation ${operation} is not valid for resource type ${resourceType}`,
    );
  });

  it.each([
    ['TOPIC', 'ALTER_CONFIGS'],
    ['GROUP', 'DELETE'],
    ['TRANSACTIONAL_ID', 'WRITE'],
    ['CLUSTER', 'IDEMPOTENT_WRITE'],
    ['CLUSTER', 'ALL'],
  ])('accepts %s with %s', (resourceType, operation) => {
    const resourceName = resourceType === 'CLUSTER' ? 'kafka-cluster' : 'x';
    expect(validateAcl({ ...valid, resource_type: resourceType, operation, resource_name: resourceName }).operation).toBe(operation);
  });

  it('needs a permission, a well-formed principal and a Kafka cluster', () => {
    expect(() => validateAcl({ ...valid, permission: undefined })).toThrow('`--allow` or `--deny` must be set when adding or deleting an ACL');
    expect(() => validateAcl({ ...valid, permission: 'MAYBE' })).toThrow(/invalid permission value: MAYBE/);
    expect(() => validateAcl({ ...valid, principal: 'sa-abc123' })).toThrow(/incorrect principal format/);
    expect(() => validateAcl({ ...valid, cluster_id: undefined })).toThrow(/needs a Kafka cluster/);
    expect(() => validateAcl({ ...valid, cluster_id: 'lsrc-abc123' })).toThrow(/invalid Kafka cluster ID "lsrc-abc123"/);
  });

  it('keeps an explicit host and refuses a malformed one', () => {
    expect(validateAcl({ ...valid, host: '10.1.2.3' }).host).toBe('10.1.2.3');
    expect(() => validateAcl({ ...valid, host: '10.1.2.3 10.1.2.4' })).toThrow(/invalid host/);
  });
});

describe('aclsFromFlags', () => {
  const base = { allow: true, serviceAccount: 'sa-abc123', operations: 'read,describe', topic: 'orders', cluster: CLUSTER };

  it('makes one ACL per operation', () => {
    const acls = aclsFromFlags(base);
    expect(acls.map((entry) => entry.operation)).toEqual(['READ', 'DESCRIBE']);
    expect(acls[0]).toMatchObject({ principal: 'User:sa-abc123', permission: 'ALLOW', resource_type: 'TOPIC', resource_name: 'orders', pattern_type: 'LITERAL' });
  });

  it('maps --prefix, --consumer-group and --cluster-scope', () => {
    expect(aclsFromFlags({ ...base, topic: undefined, consumerGroup: 'g-', prefix: true })[0]).toMatchObject({
      resource_type: 'GROUP',
      pattern_type: 'PREFIXED',
      resource_name: 'g-',
    });
    expect(aclsFromFlags({ ...base, topic: undefined, clusterScope: true, operations: 'idempotent-write' })[0]).toMatchObject({
      resource_type: 'CLUSTER',
      resource_name: 'kafka-cluster',
    });
  });

  it('uses the confluent CLI messages for flag mistakes', () => {
    expect(() => aclsFromFlags({ ...base, allow: false })).toThrow('`--allow` or `--deny` must be set when adding or deleting an ACL');
    expect(() => aclsFromFlags({ ...base, deny: true })).toThrow('only `--allow` or `--deny` may be set when adding or deleting an ACL');
    expect(() => aclsFromFlags({ ...base, principal: 'User:u-abc123' })).toThrow('exactly one of `--service-account`, `--principal` must be set');
    expect(() => aclsFromFlags({ ...base, consumerGroup: 'g' })).toThrow(
      'exactly one resource type (cluster-scope, consumer-group, topic, transactional-id) must be set',
    );
    expect(() => aclsFromFlags({ ...base, topic: undefined })).toThrow(/exactly one resource type/);
    expect(() => aclsFromFlags({ ...base, serviceAccount: 'u-abc123' })).toThrow(/begins with "sa-"/);
    expect(() => aclsFromFlags({ ...base, operations: 'read,fake' })).toThrow('invalid operation value: FAKE');
    expect(() => aclsFromFlags({ ...base, topic: undefined, clusterScope: true, prefix: true })).toThrow(/--prefix/);
  });
});

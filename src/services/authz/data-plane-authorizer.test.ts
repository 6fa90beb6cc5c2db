/**
 * The data-plane authorizer remembers decisions per index: whatever it remembers, every outcome must be
 * the one a fresh decision gives (same grant, reason and audit), and a new index must never be answered
 * from the old one's decisions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KAFKA_OPERATIONS, type KafkaAcl } from '../../domain/authz/acl.js';
import { AuthorizerIndex, type AuthorizationData, type AuthorizationRequest, type RoleBinding } from '../../domain/authz/authorizer.js';
import { kafkaResourceCrn } from '../../domain/authz/crn-pattern.js';
import type { KeyRecord } from '../verify/key-record.js';
import type { Action, AuthorizationOutcome } from '../verify/verifier.js';
import { createDataPlaneAuthorizer } from './data-plane-authorizer.js';

const ORG = 'org-1';
const ENV = 'env-1';

function keyFor(resourceId: string, ownerId: string, resourceKind: KeyRecord['resourceKind'] = 'kafka', environment: string | null = ENV): KeyRecord {
  return {
    id: `K${resourceId}${ownerId}`.slice(0, 16).padEnd(16, 'A'),
    secretHash: 'h',
    status: 'active',
    expiresAt: null,
    ownerId,
    ownerKind: 'service-account',
    ownerStatus: 'active',
    resourceId,
    resourceKind,
    environment,
  };
}

function acl(fields: Partial<KafkaAcl>): KafkaAcl {
  return { cluster_id: 'lkc-1', principal: 'User:sa-1', permission: 'ALLOW', operation: 'READ', resource_type: 'TOPIC', resource_name: 'orders', pattern_type: 'LITERAL', host: '*', ...fields };
}

function topicBinding(id: string, principal: string, role: string, topic: string, cluster = 'lkc-1'): RoleBinding {
  return { id, principal, role_name: role, crn_pattern: kafkaResourceCrn({ organization: ORG, environment: ENV, clusterId: cluster, resourceType: 'TOPIC', name: topic }) };
}

/** An authz whose index is the one given (undefined: not warm), counting fresh decisions. */
function fakeAuthz(current: () => AuthorizerIndex | undefined, fallback?: AuthorizerIndex) {
  const calls = { decideNow: 0, authorize: 0 };
  const counted = (index: AuthorizerIndex) => (request: AuthorizationRequest) => {
    calls.authorize++;
    return AuthorizerIndex.prototype.authorize.call(index, request);
  };
  const wrapped = new WeakMap<AuthorizerIndex, AuthorizerIndex>();
  const wrap = (index: AuthorizerIndex) => {
    let view = wrapped.get(index);
    if (view === undefined) {
      view = Object.create(index, { authorize: { value: counted(index) } }) as AuthorizerIndex;
      wrapped.set(index, view);
    }
    return view;
  };
  return {
    calls,
    authz: {
      anyHost: () => false,
      warm: () => {
        const index = current();
        return index === undefined ? undefined : wrap(index);
      },
      decideNow: (request: AuthorizationRequest) => {
        calls.decideNow++;
        return (fallback ?? current()!).authorize(request);
      },
    },
  };
}

const read = (name: string): Action => ({ operation: 'READ', resource_type: 'TOPIC', resource_name: name });

describe('data-plane authorizer', () => {
  it('answers a repeated question from its cache, with the outcome a fresh decision gives', () => {
    const index = new AuthorizerIndex({ acls: [], roleBindings: [topicBinding('rb-1', 'User:sa-1', 'DeveloperRead', 'orders')] });
    const { authz, calls } = fakeAuthz(() => index);
    const authorize = createDataPlaneAuthorizer(authz, ORG);
    const fresh = createDataPlaneAuthorizer({ warm: () => undefined, anyHost: () => false, decideNow: (r) => index.authorize(r) }, ORG);
    const key = keyFor('lkc-1', 'sa-1');
    const first = authorize(key, 'User:sa-1', read('orders'), '10.0.0.1');
    const second = authorize(key, 'User:sa-1', read('orders'), '10.0.0.1');
    expect(second).toBe(first);
    expect(calls.authorize).toBe(1);
    expect(first).toEqual(fresh(key, 'User:sa-1', read('orders'), '10.0.0.1'));
    expect(first).toMatchObject({
      granted: true,
      audit: { granted: true, patternType: 'LITERAL', rbacAuthorization: { role: 'DeveloperRead', crnPattern: topicBinding('rb-1', '', '', 'orders').crn_pattern } },
    });
    expect((first as AuthorizationOutcome).reason).toContain('role binding rb-1');
  });

  it('decides afresh for a new index: a DENY ACL added by a grants change refuses the very next request', () => {
    const granting: AuthorizationData = { acls: [acl({})], roleBindings: [] };
    let index = new AuthorizerIndex(granting);
    const { authz } = fakeAuthz(() => index);
    const authorize = createDataPlaneAuthorizer(authz, ORG);
    const key = keyFor('lkc-1', 'sa-1');
    expect(authorize(key, 'User:sa-1', read('orders'))).toMatchObject({ granted: true });
    index = new AuthorizerIndex({ acls: [...granting.acls, acl({ permission: 'DENY', principal: 'User:*' })], roleBindings: [] });
    const denied = authorize(key, 'User:sa-1', read('orders')) as AuthorizationOutcome;
    expect(denied.granted).toBe(false);
    expect(denied.reason).toMatch(/^DENY ACL on .* denies READ to User:sa-1$/);
    expect(denied.audit).toMatchObject({ granted: false, aclAuthorization: { permissionType: 'DENY', patternType: 'LITERAL' } });
  });

  it('remembers nothing while the index is not warm or not trusted: every request goes to decideNow', () => {
    const index = new AuthorizerIndex({ acls: [acl({})], roleBindings: [] });
    let warm = false;
    const { authz, calls } = fakeAuthz(() => (warm ? index : undefined), index);
    const authorize = createDataPlaneAuthorizer(authz, ORG);
    const key = keyFor('lkc-1', 'sa-1');
    authorize(key, 'User:sa-1', read('orders'));
    authorize(key, 'User:sa-1', read('orders'));
    expect(calls.decideNow).toBe(2);
    warm = true;
    authorize(key, 'User:sa-1', read('orders'));
    authorize(key, 'User:sa-1', read('orders'));
    expect(calls).toEqual({ decideNow: 2, authorize: 1 });
  });

  it('keeps the client address, principal, cluster and action of a decision apart', () => {
    const index = new AuthorizerIndex({
      acls: [acl({ host: '10.0.0.1' }), acl({ cluster_id: 'lkc-2', principal: 'User:sa-2', operation: 'WRITE', resource_name: 'ord', pattern_type: 'PREFIXED' })],
      roleBindings: [],
    });
    const { authz } = fakeAuthz(() => index);
    const authorize = createDataPlaneAuthorizer(authz, ORG);
    const one = keyFor('lkc-1', 'sa-1');
    const two = keyFor('lkc-2', 'sa-2');
    const granted = (key: KeyRecord, principal: string, action: Action, host?: string) => (authorize(key, principal, action, host) as AuthorizationOutcome).granted;
    expect(granted(one, 'User:sa-1', read('orders'), '10.0.0.1')).toBe(true);
    expect(granted(one, 'User:sa-1', read('orders'), '10.0.0.2')).toBe(false);
    expect(granted(one, 'User:sa-1', read('orders'))).toBe(false);
    expect(granted(one, 'User:sa-2', read('orders'), '10.0.0.1')).toBe(false);
    const write = { operation: 'WRITE', resource_type: 'TOPIC', resource_name: 'orders' };
    expect(granted(two, 'User:sa-2', write)).toBe(true);
    expect(granted(two, 'User:sa-2', { ...write, resource_type: 'GROUP' })).toBe(false);
    expect(granted(two, 'User:sa-2', { ...write, operation: 'READ' })).toBe(false);
    expect(granted(keyFor('lkc-1', 'sa-2'), 'User:sa-2', write)).toBe(false);
    // A name holding the key's separators cannot pass for another field.
    expect(granted(one, 'User:sa-1', read('orders|1:x'), '10.0.0.1')).toBe(false);
  });

  it('shares one decision among client addresses only when no ACL of the index is bound to a host', () => {
    for (const [acls, anyHost, decided] of [
      [[acl({})], true, 1],
      [[acl({ host: '10.0.0.1' })], false, 2],
    ] as const) {
      const index = new AuthorizerIndex({ acls, roleBindings: [] });
      const { authz, calls } = fakeAuthz(() => index);
      const authorize = createDataPlaneAuthorizer({ ...authz, anyHost: () => anyHost }, ORG);
      const key = keyFor('lkc-1', 'sa-1');
      const from1 = authorize(key, 'User:sa-1', read('orders'), '10.0.0.1');
      const from2 = authorize(key, 'User:sa-1', read('orders'), '10.0.0.2');
      expect(calls.authorize).toBe(decided);
      expect([(from1 as AuthorizationOutcome).granted, (from2 as AuthorizationOutcome).granted]).toEqual([true, anyHost]);
    }
  });

  it('answers keys that cannot carry actions with the same refusal, cached or not', () => {
    const index = new AuthorizerIndex({ acls: [], roleBindings: [] });
    const { authz } = fakeAuthz(() => index);
    const authorize = createDataPlaneAuthorizer(authz, ORG);
    const cloud = keyFor('org-1', 'sa-1', 'cloud', null);
    const registry = keyFor('lsrc-1', 'sa-1', 'schema-registry');
    for (let i = 0; i < 2; i++) {
      expect(authorize(cloud, 'User:sa-1', read('orders'))).toEqual({
        granted: false,
        reason: 'actions apply to keys of Kafka and Schema Registry clusters, not to cloud keys',
        audit: { granted: false, operation: 'READ', resourceType: 'TOPIC', resourceName: 'orders' },
      });
      expect(authorize(registry, 'User:sa-1', read('orders'))).toMatchObject({ granted: false, reason: 'a Schema Registry key authorizes SUBJECT actions only' });
    }
  });

  it('holds at most cacheSize decisions, forgetting the oldest first', () => {
    const index = new AuthorizerIndex({ acls: [acl({ resource_name: '', pattern_type: 'PREFIXED' })], roleBindings: [] });
    const { authz, calls } = fakeAuthz(() => index);
    const authorize = createDataPlaneAuthorizer(authz, ORG, 2);
    const key = keyFor('lkc-1', 'sa-1');
    for (const name of ['a', 'b', 'a', 'c', 'b']) authorize(key, 'User:sa-1', read(name));
    // a, b: decided; a: remembered; c: decided, a forgotten; b: remembered
    expect(calls.authorize).toBe(3);
    authorize(key, 'User:sa-1', read('a'));
    expect(calls.authorize).toBe(4);
  });

  it('shares outcomes that nobody can change', () => {
    const index = new AuthorizerIndex({ acls: [acl({})], roleBindings: [] });
    const { authz } = fakeAuthz(() => index);
    const outcome = createDataPlaneAuthorizer(authz, ORG)(keyFor('lkc-1', 'sa-1'), 'User:sa-1', read('orders')) as AuthorizationOutcome;
    expect(Object.isFrozen(outcome)).toBe(true);
    expect(Object.isFrozen(outcome.audit)).toBe(true);
    expect(Object.isFrozen(outcome.audit.aclAuthorization)).toBe(true);
  });

  it('decides every request of a random sequence as a fresh decision does (ACLs, wildcards, prefixes, hosts, role bindings)', () => {
    const PRINCIPALS = ['User:sa-1', 'User:sa-2'];
    const NAMES = ['a', 'ab', 'b', '*'];
    const HOSTS = ['*', '10.0.0.1', '10.0.0.2'];
    const aclArbitrary = fc.record({
      cluster_id: fc.constantFrom('lkc-1', 'lkc-2'),
      principal: fc.constantFrom(...PRINCIPALS, 'User:*'),
      permission: fc.constantFrom('ALLOW' as const, 'DENY' as const),
      operation: fc.constantFrom('READ' as const, 'WRITE' as const, 'DESCRIBE' as const, 'ALL' as const),
      resource_type: fc.constantFrom('TOPIC' as const, 'GROUP' as const, 'CLUSTER' as const),
      resource_name: fc.constantFrom(...NAMES, 'kafka-cluster'),
      pattern_type: fc.constantFrom('LITERAL' as const, 'PREFIXED' as const),
      host: fc.constantFrom(...HOSTS),
    });
    const bindingArbitrary = fc
      .record({
        principal: fc.constantFrom(...PRINCIPALS),
        role: fc.constantFrom('DeveloperRead', 'DeveloperWrite', 'CloudClusterAdmin'),
        cluster: fc.constantFrom('lkc-1', 'lkc-2'),
        topic: fc.constantFrom(...NAMES.filter((n) => n !== '*'), 'a*'),
        id: fc.nat({ max: 99 }),
      })
      .map((b) => topicBinding(`rb-${b.id}`, b.principal, b.role, b.topic, b.cluster));
    const requestArbitrary = fc.record({
      cluster: fc.constantFrom('lkc-1', 'lkc-2'),
      owner: fc.constantFrom('sa-1', 'sa-2'),
      operation: fc.constantFrom(...KAFKA_OPERATIONS.filter((op) => op === 'READ' || op === 'WRITE' || op === 'DESCRIBE')),
      resourceType: fc.constantFrom('TOPIC', 'GROUP', 'CLUSTER'),
      name: fc.constantFrom('a', 'ab', 'kafka-cluster'),
      host: fc.option(fc.constantFrom('10.0.0.1', '10.0.0.2'), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(aclArbitrary, { maxLength: 12 }), fc.array(bindingArbitrary, { maxLength: 6 }), fc.array(requestArbitrary, { minLength: 1, maxLength: 60 }), (acls, roleBindings, requests) => {
        const index = new AuthorizerIndex({ acls, roleBindings });
        const cached = createDataPlaneAuthorizer({ warm: () => index, anyHost: () => acls.every((a) => a.host === '*'), decideNow: () => expect.unreachable() as never }, ORG, 8);
        const fresh = createDataPlaneAuthorizer({ warm: () => undefined, anyHost: () => false, decideNow: (r) => index.authorize(r) }, ORG);
        for (const r of [...requests, ...requests]) {
          const key = keyFor(r.cluster, r.owner);
          const action = { operation: r.operation, resource_type: r.resourceType, resource_name: r.name };
          expect(cached(key, `User:${r.owner}`, action, r.host)).toEqual(fresh(key, `User:${r.owner}`, action, r.host));
        }
      }),
      { numRuns: 200 },
    );
  });
});

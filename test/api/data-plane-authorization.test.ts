import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { DIALECTS } from '../helpers/databases.js';
import { basic } from '../helpers/runtime.js';
import { buildRoleBindingCrnPattern, type RoleBindingScope } from '../../src/domain/authz/crn-pattern.js';
import { bindClusterReader, createKafkaCluster, createKey, createServiceAccount, createUser, startHarness, type ApiHarness, type Credentials } from './support.js';

/**
 * Data-plane decisions (DESIGN §3 verify/auth-basic with an action, §4 authorization events, §5
 * decision order): role bindings and Kafka ACLs through the one authorizer, and their immediate effect.
 */

interface Action {
  operation: string;
  resource_type: string;
  resource_name: string;
}

interface AclSpec {
  principal: string;
  permission: 'ALLOW' | 'DENY';
  operation: string;
  resource_type: string;
  resource_name: string;
  pattern_type?: 'LITERAL' | 'PREFIXED';
}

interface AuthorizationEvent {
  keywardseq: number;
  data: {
    methodName: string;
    authorizationInfo: { granted: boolean; operation: string; resourceName: string; [field: string]: unknown };
    result: { status: string; reason?: string };
    /** Granted decisions are aggregated (DESIGN §4): how many requests the event accounts for. */
    count?: number;
    [field: string]: unknown;
  };
}

const topic = (operation: string, name: string): Action => ({ operation, resource_type: 'TOPIC', resource_name: name });

/** Requests per `method operation resource granted`: the sum of data.count, 1 for an event of its own (DESIGN §4). */
function requestsPerDecision(events: readonly AuthorizationEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) {
    const name = `${e.data.methodName} ${e.data.authorizationInfo.operation} ${e.data.authorizationInfo.resourceName} ${e.data.authorizationInfo.granted}`;
    counts[name] = (counts[name] ?? 0) + (e.data.count ?? 1);
  }
  return counts;
}

describe.each(DIALECTS)('data-plane authorization on $name', ({ name, skip, create }) => {
  let h: ApiHarness;
  let env: string;
  let lkc: string;
  let lkc2: string;

  const verify = (key: Credentials, action?: Action, resource?: string) =>
    h.server.runtime.app.inject({ method: 'POST', url: '/keyward/v1/verify', payload: { ...key, ...(resource ? { resource } : {}), ...(action ? { action } : {}) } });
  /** VALID or the failure code of a verify with this action. */
  const decide = async (key: Credentials, action?: Action, resource?: string): Promise<string> => {
    const res = await verify(key, action, resource);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().code as string;
  };
  const authBasic = (key: Credentials, query: string) =>
    h.server.runtime.app.inject({ method: 'GET', url: `/keyward/v1/auth/basic?${query}`, headers: { authorization: basic(key.key, key.secret) } });

  async function bind(principal: string, role: string, scope: Omit<RoleBindingScope, 'organization'>): Promise<{ id: string; crn_pattern: string }> {
    const crnPattern = buildRoleBindingCrnPattern(role, { organization: h.admin.organization, ...scope });
    const res = await h.call({ method: 'POST', url: '/iam/v2/role-bindings', payload: { principal, role_name: role, crn_pattern: crnPattern } });
    expect(res.statusCode, res.body).toBe(201);
    return { id: res.json().id as string, crn_pattern: crnPattern };
  }
  const topicScope = (name: string, cluster = lkc) => ({ environment: env, kafkaCluster: cluster, resource: `Topic:${name}` });

  async function addAcls(cluster: string, acls: AclSpec[]): Promise<LightMyRequestResponse> {
    const res = await h.call({ method: 'POST', url: `/kafka/v3/clusters/${cluster}/acls`, payload: acls.map((a) => ({ pattern_type: 'LITERAL', ...a })) });
    expect(res.statusCode, res.body).toBe(201);
    return res;
  }

  /** A fresh service account with one key on the cluster. */
  async function account(label: string, cluster = lkc): Promise<{ id: string; principal: string; key: Credentials }> {
    const id = await createServiceAccount(h, `${label}-${Math.random().toString(36).slice(2, 8)}`);
    return { id, principal: `User:${id}`, key: await createKey(h, cluster, { owner: id }) };
  }

  async function authorizationEvents(key: string): Promise<AuthorizationEvent[]> {
    await h.server.runtime.audit.flush();
    const rows = await h.server.runtime.store.db.selectFrom('audit_events').select('event').where('api_key', '=', key).where('type', '=', 'io.keyward.authorization').execute();
    return rows.map((r) => JSON.parse(r.event) as AuthorizationEvent).sort((a, b) => a.keywardseq - b.keywardseq);
  }

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(await create());
    env = h.admin.environment;
    lkc = await createKafkaCluster(h, 'orders-cluster', env);
    lkc2 = await createKafkaCluster(h, 'other-cluster', env);
  });
  afterAll(async () => h?.close());

  describe('role bindings', () => {
    it.skipIf(skip)(`DeveloperRead on a topic grants READ and DESCRIBE on it, not WRITE, not other topics or clusters (${name})`, async () => {
      const sa = await account('reader');
      const binding = await bind(sa.principal, 'DeveloperRead', topicScope('orders'));
      const granted = await verify(sa.key, topic('READ', 'orders'), lkc);
      expect(granted.json()).toMatchObject({ valid: true, code: 'VALID', principal: sa.principal, authorization: { granted: true } });
      expect(granted.json().authorization.reason).toContain(binding.id);
      expect(await decide(sa.key, topic('DESCRIBE', 'orders'))).toBe('VALID');
      const refused = await verify(sa.key, topic('WRITE', 'orders'));
      expect(refused.json()).toMatchObject({ valid: false, code: 'FORBIDDEN', authorization: { granted: false } });
      expect(refused.json().reason).toBe(refused.json().authorization.reason);
      expect(await decide(sa.key, topic('DELETE', 'orders'))).toBe('FORBIDDEN');
      expect(await decide(sa.key, topic('READ', 'orders-eu'))).toBe('FORBIDDEN');
      expect(await decide(sa.key, { operation: 'READ', resource_type: 'GROUP', resource_name: 'orders' })).toBe('FORBIDDEN');
      // the same principal's key on another cluster: the binding names lkc only
      const other = await createKey(h, lkc2, { owner: sa.id });
      expect(await decide(other, topic('READ', 'orders'))).toBe('FORBIDDEN');
      // without an action the key is simply valid, with no authorization field
      const plain = await verify(sa.key);
      expect(plain.json().code).toBe('VALID');
      expect(plain.json()).not.toHaveProperty('authorization');
    });

    it.skipIf(skip)(`DeveloperWrite grants WRITE, DESCRIBE and IDEMPOTENT_WRITE, not READ (${name})`, async () => {
      const sa = await account('writer');
      await bind(sa.principal, 'DeveloperWrite', topicScope('payments'));
      expect(await decide(sa.key, topic('WRITE', 'payments'))).toBe('VALID');
      expect(await decide(sa.key, topic('DESCRIBE', 'payments'))).toBe('VALID');
      expect(await decide(sa.key, topic('READ', 'payments'))).toBe('FORBIDDEN');
    });

    it.skipIf(skip)(`a prefixed binding covers every topic whose name starts with the prefix (${name})`, async () => {
      const sa = await account('prefixed');
      const binding = await bind(sa.principal, 'DeveloperRead', { ...topicScope('logs-'), prefix: true });
      expect(binding.crn_pattern.endsWith('/topic=logs-*')).toBe(true);
      expect(await decide(sa.key, topic('READ', 'logs-eu'))).toBe('VALID');
      expect(await decide(sa.key, topic('READ', 'logs-'))).toBe('VALID');
      expect(await decide(sa.key, topic('READ', 'logs'))).toBe('FORBIDDEN');
      expect(await decide(sa.key, topic('READ', 'audit-logs-eu'))).toBe('FORBIDDEN');
      expect(await decide(sa.key, topic('WRITE', 'logs-eu'))).toBe('FORBIDDEN');
      const [event] = (await authorizationEvents(sa.key.key)).filter((e) => e.data.authorizationInfo.resourceName === 'logs-eu' && e.data.authorizationInfo.granted);
      expect(event?.data.authorizationInfo).toMatchObject({ patternType: 'PREFIXED', rbacAuthorization: { role: 'DeveloperRead', crnPattern: binding.crn_pattern } });
    });

    it.skipIf(skip)(`CloudClusterAdmin may do every data operation on its cluster and none on another (${name})`, async () => {
      const sa = await account('cluster-admin');
      await bind(sa.principal, 'CloudClusterAdmin', { environment: env, cloudCluster: lkc });
      for (const operation of ['READ', 'WRITE', 'CREATE', 'DELETE', 'ALTER_CONFIGS']) expect(await decide(sa.key, topic(operation, 'anything'))).toBe('VALID');
      expect(await decide(sa.key, { operation: 'IDEMPOTENT_WRITE', resource_type: 'CLUSTER', resource_name: '' })).toBe('VALID');
      const elsewhere = await createKey(h, lkc2, { owner: sa.id });
      expect(await decide(elsewhere, topic('READ', 'anything'))).toBe('FORBIDDEN');
    });
  });

  describe('ACLs', () => {
    it.skipIf(skip)(`an ALLOW ACL grants its operation on its literal name and implies DESCRIBE (${name})`, async () => {
      const sa = await account('acl-literal');
      await addAcls(lkc, [{ principal: sa.principal, permission: 'ALLOW', operation: 'READ', resource_type: 'TOPIC', resource_name: 'invoices' }]);
      const granted = await verify(sa.key, topic('READ', 'invoices'));
      expect(granted.json()).toMatchObject({ code: 'VALID', authorization: { granted: true } });
      expect(granted.json().authorization.reason).toMatch(/ALLOW ACL on TOPIC:invoices \(LITERAL\)/);
      expect(await decide(sa.key, topic('DESCRIBE', 'invoices'))).toBe('VALID'); // READ implies DESCRIBE
      expect(await decide(sa.key, topic('WRITE', 'invoices'))).toBe('FORBIDDEN');
      expect(await decide(sa.key, topic('READ', 'invoices-2024'))).toBe('FORBIDDEN');
      expect(await decide(sa.key, topic('DESCRIBE_CONFIGS', 'invoices'))).toBe('FORBIDDEN');
      // an ACL on lkc says nothing about lkc2
      expect(await decide(await createKey(h, lkc2, { owner: sa.id }), topic('READ', 'invoices'))).toBe('FORBIDDEN');
    });

    it.skipIf(skip)(`a PREFIXED ACL covers names starting with the prefix (${name})`, async () => {
      const sa = await account('acl-prefixed');
      await addAcls(lkc, [{ principal: sa.principal, permission: 'ALLOW', operation: 'WRITE', resource_type: 'TOPIC', resource_name: 'metrics-', pattern_type: 'PREFIXED' }]);
      expect(await decide(sa.key, topic('WRITE', 'metrics-cpu'))).toBe('VALID');
      expect(await decide(sa.key, topic('WRITE', 'metrics-'))).toBe('VALID');
      expect(await decide(sa.key, topic('WRITE', 'metrics'))).toBe('FORBIDDEN');
      expect(await decide(sa.key, topic('WRITE', 'app-metrics-cpu'))).toBe('FORBIDDEN');
      const [event] = (await authorizationEvents(sa.key.key)).filter((e) => e.data.authorizationInfo.resourceName === 'metrics-cpu');
      expect(event?.data.authorizationInfo).toEqual({
        granted: true, operation: 'WRITE', resourceType: 'TOPIC', resourceName: 'metrics-cpu', patternType: 'PREFIXED',
        aclAuthorization: { permissionType: 'ALLOW', operation: 'WRITE', resourceType: 'TOPIC', resourceName: 'metrics-', patternType: 'PREFIXED', host: '*' },
      });
    });

    it.skipIf(skip)(`the LITERAL name "*" matches every resource of its type, and principal User:* every principal (${name})`, async () => {
      const sa = await account('acl-wildcard');
      await addAcls(lkc, [{ principal: sa.principal, permission: 'ALLOW', operation: 'DESCRIBE', resource_type: 'GROUP', resource_name: '*' }]);
      for (const group of ['billing', 'shipping', '*']) expect(await decide(sa.key, { operation: 'DESCRIBE', resource_type: 'GROUP', resource_name: group })).toBe('VALID');
      expect(await decide(sa.key, { operation: 'READ', resource_type: 'GROUP', resource_name: 'billing' })).toBe('FORBIDDEN');
      expect(await decide(sa.key, topic('DESCRIBE', 'billing'))).toBe('FORBIDDEN'); // another resource type

      const anyone = await account('acl-anyone');
      expect(await decide(anyone.key, topic('READ', 'public-announcements'))).toBe('FORBIDDEN');
      await addAcls(lkc, [{ principal: 'User:*', permission: 'ALLOW', operation: 'READ', resource_type: 'TOPIC', resource_name: 'public-announcements' }]);
      expect(await decide(anyone.key, topic('READ', 'public-announcements'))).toBe('VALID');
      expect(await decide(sa.key, topic('READ', 'public-announcements'))).toBe('VALID');
    });

    it.skipIf(skip)(`a DENY ACL wins over a matching ALLOW ACL, and denies only its own operation (${name})`, async () => {
      const sa = await account('acl-deny');
      await addAcls(lkc, [
        { principal: sa.principal, permission: 'ALLOW', operation: 'ALL', resource_type: 'TOPIC', resource_name: 'audit-', pattern_type: 'PREFIXED' },
        { principal: sa.principal, permission: 'DENY', operation: 'WRITE', resource_type: 'TOPIC', resource_name: 'audit-log' },
      ]);
      const refused = await verify(sa.key, topic('WRITE', 'audit-log'));
      expect(refused.json()).toMatchObject({ valid: false, code: 'FORBIDDEN' });
      expect(refused.json().reason).toMatch(/DENY ACL on TOPIC:audit-log \(LITERAL\)/);
      expect(await decide(sa.key, topic('WRITE', 'audit-trail'))).toBe('VALID');
      expect(await decide(sa.key, topic('READ', 'audit-log'))).toBe('VALID');
      const [event] = (await authorizationEvents(sa.key.key)).filter((e) => e.data.authorizationInfo.resourceName === 'audit-log' && e.data.authorizationInfo.operation === 'WRITE');
      expect(event?.data.authorizationInfo).toMatchObject({ granted: false, aclAuthorization: { permissionType: 'DENY', operation: 'WRITE', resourceName: 'audit-log', patternType: 'LITERAL' } });
      expect(event?.data.result).toMatchObject({ status: 'UNAUTHORIZED' });
    });

    it.skipIf(skip)(`a DENY ACL wins over a role binding, and over User:* (${name})`, async () => {
      const sa = await account('deny-over-rbac');
      await bind(sa.principal, 'DeveloperRead', topicScope('ledger'));
      expect(await decide(sa.key, topic('READ', 'ledger'))).toBe('VALID');
      await addAcls(lkc, [{ principal: sa.principal, permission: 'DENY', operation: 'READ', resource_type: 'TOPIC', resource_name: 'ledger' }]);
      expect(await decide(sa.key, topic('READ', 'ledger'))).toBe('FORBIDDEN');
      expect(await decide(sa.key, topic('DESCRIBE', 'ledger'))).toBe('VALID'); // the binding still grants DESCRIBE

      const other = await account('deny-everyone');
      await bind(other.principal, 'DeveloperRead', topicScope('secret-plans'));
      await addAcls(lkc, [{ principal: 'User:*', permission: 'DENY', operation: 'ALL', resource_type: 'TOPIC', resource_name: 'secret-plans' }]);
      expect(await decide(other.key, topic('READ', 'secret-plans'))).toBe('FORBIDDEN');
      expect(await decide(other.key, topic('DESCRIBE', 'secret-plans'))).toBe('FORBIDDEN');
    });
  });

  describe('auth/basic, malformed actions, audit', () => {
    it.skipIf(skip)(`auth/basic answers 204 for a granted action and 403 for a refused one (${name})`, async () => {
      const sa = await account('nginx');
      await bind(sa.principal, 'DeveloperRead', topicScope('orders'));
      const ok = await authBasic(sa.key, `resource=${lkc}&operation=READ&resource_type=TOPIC&resource_name=orders`);
      expect(ok.statusCode).toBe(204);
      expect(ok.headers['x-keyward-principal']).toBe(sa.principal);
      expect(ok.headers['x-keyward-key']).toBe(sa.key.key);
      const lower = await authBasic(sa.key, `resource=${lkc}&operation=read&resource_type=topic&resource_name=orders`);
      expect(lower.statusCode).toBe(204);
      const refused = await authBasic(sa.key, `resource=${lkc}&operation=WRITE&resource_type=TOPIC&resource_name=orders`);
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['x-keyward-code']).toBe('FORBIDDEN');
      expect((await authBasic(sa.key, `resource=${lkc}&operation=READ&resource_type=TOPIC&resource_name=payments`)).statusCode).toBe(403);
      const events = await authorizationEvents(sa.key.key);
      // the two grants (the lower-case action is the same action) are one aggregated event (DESIGN §4)
      expect(requestsPerDecision(events)).toEqual({
        'keyward.AuthBasic READ orders true': 2,
        'keyward.AuthBasic WRITE orders false': 1,
        'keyward.AuthBasic READ payments false': 1,
      });
      expect(events.find((e) => e.data.authorizationInfo.granted)?.data.count).toBe(2);
    });

    it.skipIf(skip)(`a malformed action is a 400 on verify and on auth/basic (${name})`, async () => {
      const sa = await account('malformed');
      for (const action of [
        { operation: 'FAKE', resource_type: 'TOPIC', resource_name: 'orders' },
        { operation: 'READ', resource_type: 'BOGUS', resource_name: 'orders' },
        { operation: 'READ', resource_type: 'TOPIC', resource_name: '' },
        { operation: 'READ', resource_type: 'TOPIC' },
        { operation: 'READ', resource_type: 'TOPIC', resource_name: 'orders', extra: 1 },
      ]) {
        const res = await h.server.runtime.app.inject({ method: 'POST', url: '/keyward/v1/verify', payload: { ...sa.key, action } });
        expect(res.statusCode, JSON.stringify(action)).toBe(400);
        expect(res.json().errors[0].code).toBe('bad_request');
      }
      const fake = await h.server.runtime.app.inject({ method: 'POST', url: '/keyward/v1/verify', payload: { ...sa.key, action: { operation: 'FAKE', resource_type: 'TOPIC', resource_name: 'orders' } } });
      expect(fake.json().errors[0].detail).toBe('invalid operation value: FAKE');
      const basicFake = await authBasic(sa.key, `resource=${lkc}&operation=FAKE&resource_type=TOPIC&resource_name=orders`);
      expect(basicFake.statusCode).toBe(400);
      expect((await authBasic(sa.key, `resource=${lkc}&operation=READ&resource_type=TOPIC`)).statusCode).toBe(400);
      // nothing was decided, so nothing was recorded as an authorization
      expect(await authorizationEvents(sa.key.key)).toEqual([]);
    });

    it.skipIf(skip)(`every decision is an io.keyward.authorization event naming the rule that decided (${name})`, async () => {
      const sa = await account('audited');
      const binding = await bind(sa.principal, 'DeveloperRead', topicScope('orders'));
      await addAcls(lkc, [{ principal: sa.principal, permission: 'ALLOW', operation: 'WRITE', resource_type: 'TOPIC', resource_name: 'results' }]);
      expect(await decide(sa.key, topic('READ', 'orders'))).toBe('VALID');
      expect(await decide(sa.key, topic('WRITE', 'results'))).toBe('VALID');
      expect(await decide(sa.key, topic('WRITE', 'orders'))).toBe('FORBIDDEN');
      const events = await authorizationEvents(sa.key.key);
      expect(events).toHaveLength(3);
      // a refusal is recorded at once, grants when their aggregation window is sealed: found by decision
      const decision = (operation: string, resource: string) => events.find((e) => e.data.authorizationInfo.operation === operation && e.data.authorizationInfo.resourceName === resource) as AuthorizationEvent;
      const [rbac, acl, none] = [decision('READ', 'orders'), decision('WRITE', 'results'), decision('WRITE', 'orders')];
      expect(requestsPerDecision(events)).toEqual({ 'keyward.Verify READ orders true': 1, 'keyward.Verify WRITE results true': 1, 'keyward.Verify WRITE orders false': 1 });
      for (const e of events) {
        expect(e).toMatchObject({ specversion: '1.0', type: 'io.keyward.authorization', subject: `crn://keyward/organization=${h.admin.organization}/environment=${env}/cloud-cluster=${lkc}` });
        expect(e.data).toMatchObject({ methodName: 'keyward.Verify', authenticationInfo: { principal: sa.principal, metadata: { mechanism: 'VERIFY_API', identifier: sa.key.key } } });
      }
      expect(rbac.data.authorizationInfo).toEqual({
        granted: true, operation: 'READ', resourceType: 'TOPIC', resourceName: 'orders', patternType: 'LITERAL',
        rbacAuthorization: { role: 'DeveloperRead', crnPattern: binding.crn_pattern },
      });
      expect(rbac.data.result).toEqual({ status: 'SUCCESS' });
      expect(acl.data.authorizationInfo).toEqual({
        granted: true, operation: 'WRITE', resourceType: 'TOPIC', resourceName: 'results', patternType: 'LITERAL',
        aclAuthorization: { permissionType: 'ALLOW', operation: 'WRITE', resourceType: 'TOPIC', resourceName: 'results', patternType: 'LITERAL', host: '*' },
      });
      expect(none.data.authorizationInfo).toEqual({ granted: false, operation: 'WRITE', resourceType: 'TOPIC', resourceName: 'orders' });
      expect(none.data.result.status).toBe('UNAUTHORIZED');
      expect(JSON.stringify(events)).not.toContain(sa.key.secret);
    });
  });

  describe('immediate effect', () => {
    it.skipIf(skip)(`removing a role binding refuses the very next verify (${name})`, async () => {
      const sa = await account('unbound');
      const binding = await bind(sa.principal, 'DeveloperRead', topicScope('orders'));
      expect(await decide(sa.key, topic('READ', 'orders'))).toBe('VALID');
      expect(await decide(sa.key, topic('READ', 'orders'))).toBe('VALID'); // the index is warm
      expect((await h.call({ method: 'DELETE', url: `/iam/v2/role-bindings/${binding.id}` })).statusCode).toBe(204);
      expect(await decide(sa.key, topic('READ', 'orders'))).toBe('FORBIDDEN');
      await bind(sa.principal, 'DeveloperRead', topicScope('orders'));
      expect(await decide(sa.key, topic('READ', 'orders'))).toBe('VALID');
    });

    it.skipIf(skip)(`adding a DENY ACL refuses the very next verify; deleting it restores access (${name})`, async () => {
      const sa = await account('denied-later');
      await addAcls(lkc, [{ principal: sa.principal, permission: 'ALLOW', operation: 'READ', resource_type: 'TOPIC', resource_name: 'stream' }]);
      expect(await decide(sa.key, topic('READ', 'stream'))).toBe('VALID');
      expect(await decide(sa.key, topic('READ', 'stream'))).toBe('VALID');
      await addAcls(lkc, [{ principal: sa.principal, permission: 'DENY', operation: 'READ', resource_type: 'TOPIC', resource_name: 'stream' }]);
      expect(await decide(sa.key, topic('READ', 'stream'))).toBe('FORBIDDEN');
      const removed = await h.call({ method: 'DELETE', url: `/kafka/v3/clusters/${lkc}/acls?principal=${encodeURIComponent(sa.principal)}&permission=DENY&resource_type=TOPIC&resource_name=stream` });
      expect(removed.statusCode).toBe(200);
      expect(removed.json().data).toHaveLength(1);
      expect(await decide(sa.key, topic('READ', 'stream'))).toBe('VALID');
    });

    it.skipIf(skip)(`disabling a service account refuses all its keys at once; enabling restores them (${name})`, async () => {
      const sa = await account('switch');
      const keys = [sa.key, await createKey(h, lkc2, { owner: sa.id }), await createKey(h, 'cloud', { owner: sa.id })];
      await bind(sa.principal, 'DeveloperRead', topicScope('orders'));
      for (const key of keys) expect(await decide(key)).toBe('VALID');
      expect(await decide(sa.key, topic('READ', 'orders'))).toBe('VALID');
      expect((await h.call({ method: 'GET', url: '/keyward/v1/whoami', auth: keys[2] })).statusCode).toBe(200);

      const disabled = await h.call({ method: 'POST', url: `/keyward/v1/service-accounts/${sa.id}/disable` });
      expect(disabled.statusCode).toBe(200);
      for (const key of keys) {
        const res = await verify(key);
        expect(res.json()).toMatchObject({ valid: false, code: 'DISABLED', reason: `The owner ${sa.id} is disabled` });
      }
      expect(await decide(sa.key, topic('READ', 'orders'))).toBe('DISABLED');
      expect((await h.call({ method: 'GET', url: '/keyward/v1/whoami', auth: keys[2] })).statusCode).toBe(401);
      // the keys themselves stay ACTIVE: enabling the account brings every one back
      const listed = await h.call({ method: 'GET', url: `/iam/v2/api-keys?spec.owner=${sa.id}` });
      expect(listed.json().data.map((k: { spec: { status: string } }) => k.spec.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);

      expect((await h.call({ method: 'POST', url: `/keyward/v1/service-accounts/${sa.id}/enable` })).statusCode).toBe(200);
      for (const key of keys) expect(await decide(key)).toBe('VALID');
      expect(await decide(sa.key, topic('READ', 'orders'))).toBe('VALID');
    });

    it.skipIf(skip)(`deleting a service account deletes its keys, role bindings and ACLs, and says how many (${name})`, async () => {
      const sa = await account('doomed');
      await createKey(h, lkc2, { owner: sa.id });
      await bind(sa.principal, 'DeveloperRead', topicScope('orders'));
      await bind(sa.principal, 'DeveloperWrite', topicScope('orders', lkc2));
      await addAcls(lkc, [
        { principal: sa.principal, permission: 'ALLOW', operation: 'READ', resource_type: 'TOPIC', resource_name: 'a' },
        { principal: sa.principal, permission: 'DENY', operation: 'WRITE', resource_type: 'TOPIC', resource_name: 'b' },
      ]);
      await addAcls(lkc2, [{ principal: sa.principal, permission: 'ALLOW', operation: 'READ', resource_type: 'GROUP', resource_name: 'g' }]);
      expect(await decide(sa.key, topic('READ', 'orders'))).toBe('VALID');

      const res = await h.call({ method: 'DELETE', url: `/iam/v2/service-accounts/${sa.id}` });
      expect(res.statusCode).toBe(204);
      expect(res.headers['x-keyward-deleted']).toBe('api_keys=2, role_bindings=2, acls=3');
      const db = h.server.runtime.store.db;
      expect(await db.selectFrom('role_bindings').select('id').where('principal', '=', sa.principal).execute()).toEqual([]);
      expect(await db.selectFrom('acls').select('id').where('principal', '=', sa.principal).execute()).toEqual([]);
      expect(await db.selectFrom('api_keys').select('id').where('owner_id', '=', sa.id).execute()).toEqual([]);
      expect(await decide(sa.key, topic('READ', 'orders'))).toBe('INVALID_CREDENTIALS');
    });

    it.skipIf(skip)(`deleting a user deletes its keys, role bindings and ACLs, and says how many (${name})`, async () => {
      const user = await createUser(h, `doomed-${Math.random().toString(36).slice(2, 8)}@example.com`);
      const principal = `User:${user.id}`;
      // a key on a cluster needs read access to it (DESIGN §9): Operator gives that
      await bindClusterReader(h, user.id, env, lkc);
      const own = await createKey(h, lkc, { auth: user.auth });
      await bind(principal, 'DeveloperRead', topicScope('orders'));
      await addAcls(lkc, [{ principal, permission: 'ALLOW', operation: 'WRITE', resource_type: 'TOPIC', resource_name: 'scratch' }]);
      expect(await decide(own, topic('READ', 'orders'))).toBe('VALID');
      expect(await decide(own, topic('WRITE', 'scratch'))).toBe('VALID');

      const res = await h.call({ method: 'DELETE', url: `/iam/v2/users/${user.id}` });
      expect(res.statusCode).toBe(204);
      expect(res.headers['x-keyward-deleted']).toBe('api_keys=2, role_bindings=2, acls=1');
      const db = h.server.runtime.store.db;
      expect(await db.selectFrom('role_bindings').select('id').where('principal', '=', principal).execute()).toEqual([]);
      expect(await db.selectFrom('acls').select('id').where('principal', '=', principal).execute()).toEqual([]);
      expect(await decide(own)).toBe('INVALID_CREDENTIALS');
      expect((await h.call({ method: 'GET', url: '/keyward/v1/whoami', auth: user.auth })).statusCode).toBe(401);
    });
  });
});

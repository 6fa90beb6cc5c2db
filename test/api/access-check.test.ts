import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { buildRoleBindingCrnPattern, type RoleBindingScope } from '../../src/domain/authz/crn-pattern.js';
import type { AccessCheckBody } from '../../src/contract/access-check.js';
import { createKafkaCluster, createKey, createServiceAccount, createUser, expectError, expectNoLeaks, startHarness, type ApiHarness, type Credentials } from './support.js';

/**
 * GET /keyward/v1/access/check: the data plane's decision asked ahead, by the one authorizer — the
 * rule that decided (role binding, ALLOW ACL, DENY ACL, nothing), prefixed patterns, the effect of
 * grant changes, Schema Registry subjects, validation, and who may ask. Not audited.
 */
describe.each(DIALECTS)('/keyward/v1/access/check on $name', ({ skip, create }) => {
  let h: ApiHarness;
  let env: string;
  let lkc: string;
  let lsrc: string;
  /** CloudClusterAdmin on lkc: reads its role bindings and ACLs. */
  let carol: { id: string; auth: Credentials };
  /** Operator on lkc: reads the cluster, not its role bindings. */
  let dave: { id: string; auth: Credentials };
  /** No binding: may not even read the cluster. */
  let erin: { id: string; auth: Credentials };

  const url = (q: Record<string, string>) => `/keyward/v1/access/check?${new URLSearchParams(q).toString()}`;
  const check = async (q: Record<string, string>, auth?: Credentials): Promise<AccessCheckBody> => {
    const res = await h.call({ method: 'GET', url: url(q), ...(auth ? { auth } : {}) });
    expect(res.statusCode, res.body).toBe(200);
    expect(Object.keys(res.json())).toEqual(['allowed', 'reason', 'rule']);
    return res.json() as AccessCheckBody;
  };
  const topic = (principal: string, operation: string, name: string, cluster = lkc) => ({ principal, operation, resource_type: 'TOPIC', resource_name: name, cluster });

  async function bind(principal: string, role: string, scope: Omit<RoleBindingScope, 'organization'>): Promise<{ id: string; crn_pattern: string }> {
    const crnPattern = buildRoleBindingCrnPattern(role, { organization: h.admin.organization, ...scope });
    const res = await h.call({ method: 'POST', url: '/iam/v2/role-bindings', payload: { principal, role_name: role, crn_pattern: crnPattern } });
    expect(res.statusCode, res.body).toBe(201);
    return { id: res.json().id as string, crn_pattern: crnPattern };
  }
  async function addAcl(acl: { principal: string; permission: 'ALLOW' | 'DENY'; operation: string; resource_name: string; pattern_type?: string; host?: string }) {
    const res = await h.call({ method: 'POST', url: `/kafka/v3/clusters/${lkc}/acls`, payload: { resource_type: 'TOPIC', pattern_type: 'LITERAL', ...acl } });
    expect(res.statusCode, res.body).toBe(201);
  }
  const principal = async (label: string) => `User:${await createServiceAccount(h, `${label}-${Math.random().toString(36).slice(2, 8)}`)}`;
  const topicScope = (name: string) => ({ environment: env, kafkaCluster: lkc, resource: `Topic:${name}` });
  const authorizationEvents = async () => {
    await h.server.runtime.audit.flush();
    return (await h.server.runtime.store.db.selectFrom('audit_events').select('id').where('type', '=', 'io.keyward.authorization').execute()).length;
  };

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(await create());
    env = h.admin.environment;
    lkc = await createKafkaCluster(h, 'orders-cluster', env);
    const sr = await h.call({ method: 'POST', url: '/srcm/v2/clusters', payload: { spec: { display_name: 'registry', cloud: 'aws', region: 'us-east-1', environment: { id: env } } } });
    expect(sr.statusCode, sr.body).toBe(201);
    lsrc = sr.json().id as string;
    carol = await createUser(h, 'carol@example.com', 'Carol');
    dave = await createUser(h, 'dave@example.com', 'Dave');
    erin = await createUser(h, 'erin@example.com', 'Erin');
    await bind(`User:${carol.id}`, 'CloudClusterAdmin', { environment: env, cloudCluster: lkc });
    await bind(`User:${dave.id}`, 'Operator', { environment: env, cloudCluster: lkc });
  });
  afterAll(async () => h?.close());

  it.skipIf(skip)('allowed by a role binding names the binding and its role; nothing granting is allowed false with rule null', async () => {
    const sa = await principal('reader');
    const binding = await bind(sa, 'DeveloperRead', topicScope('orders'));
    const allowed = await check(topic(sa, 'READ', 'orders'));
    expect(allowed).toEqual({
      allowed: true,
      reason: `role binding ${binding.id} (DeveloperRead on ${binding.crn_pattern}) grants READ to ${sa}`,
      rule: { kind: 'role-binding', id: binding.id, role: 'DeveloperRead', crn_pattern: binding.crn_pattern },
    });
    // operation and resource type are normalised as the data plane does
    expect((await check({ ...topic(sa, ' read ', 'orders'), resource_type: 'topic' })).allowed).toBe(true);
    expect(await check(topic(sa, 'WRITE', 'orders'))).toEqual({ allowed: false, reason: `no ACL or role binding grants WRITE on TOPIC:orders to ${sa}`, rule: null });
    expect((await check(topic(sa, 'READ', 'orders-eu'))).allowed).toBe(false);
    // CLUSTER takes no name: the cluster's own
    expect(await check({ principal: sa, operation: 'DESCRIBE', resource_type: 'CLUSTER', cluster: lkc })).toEqual({
      allowed: false, reason: `no ACL or role binding grants DESCRIBE on CLUSTER:kafka-cluster to ${sa}`, rule: null,
    });
  });

  it.skipIf(skip)('gives the data plane\'s decision and reason, and audits nothing as an authorization', async () => {
    const id = await createServiceAccount(h, 'same-decision');
    const sa = `User:${id}`;
    await bind(sa, 'DeveloperWrite', topicScope('payments'));
    const key = await createKey(h, lkc, { owner: id });
    const before = await authorizationEvents();
    const answers = [];
    for (const operation of ['WRITE', 'READ']) answers.push(await check(topic(sa, operation, 'payments')));
    expect(await authorizationEvents()).toBe(before);
    for (const [i, operation] of ['WRITE', 'READ'].entries()) {
      const verified = await h.server.runtime.app.inject({ method: 'POST', url: '/keyward/v1/verify', payload: { ...key, action: { operation, resource_type: 'TOPIC', resource_name: 'payments' } } });
      expect(verified.json().authorization).toEqual({ granted: answers[i]!.allowed, reason: answers[i]!.reason });
    }
    expect(await authorizationEvents()).toBeGreaterThan(before); // the verifies are audited, the checks were not
  });

  it.skipIf(skip)('an ALLOW ACL names the ACL; a DENY ACL wins over a role binding and is named; prefixed patterns', async () => {
    const sa = await principal('acl');
    await addAcl({ principal: sa, permission: 'ALLOW', operation: 'READ', resource_name: 'payments-', pattern_type: 'PREFIXED' });
    const byAcl = await check(topic(sa, 'READ', 'payments-eu'));
    expect(byAcl).toEqual({
      allowed: true,
      reason: `ALLOW ACL on TOPIC:payments- (PREFIXED) grants READ to ${sa}`,
      rule: { kind: 'acl', principal: sa, permission: 'ALLOW', operation: 'READ', resource_type: 'TOPIC', resource_name: 'payments-', pattern_type: 'PREFIXED', host: '*' },
    });
    expect((await check(topic(sa, 'READ', 'payment'))).allowed).toBe(false);
    // READ implies DESCRIBE, as in Kafka
    expect((await check(topic(sa, 'DESCRIBE', 'payments-us'))).rule).toMatchObject({ kind: 'acl', operation: 'READ' });

    // a prefixed role binding
    const logs = await bind(sa, 'DeveloperRead', { ...topicScope('logs-'), prefix: true });
    expect((await check(topic(sa, 'READ', 'logs-app'))).rule).toEqual({ kind: 'role-binding', id: logs.id, role: 'DeveloperRead', crn_pattern: logs.crn_pattern });
    expect((await check(topic(sa, 'READ', 'log'))).allowed).toBe(false);

    // a DENY wins over the binding and over the ALLOW ACL
    await addAcl({ principal: sa, permission: 'DENY', operation: 'READ', resource_name: 'logs-secret' });
    const denied = await check(topic(sa, 'READ', 'logs-secret'));
    expect(denied).toEqual({
      allowed: false,
      reason: `DENY ACL on TOPIC:logs-secret (LITERAL) denies READ to ${sa}`,
      rule: { kind: 'acl', principal: sa, permission: 'DENY', operation: 'READ', resource_type: 'TOPIC', resource_name: 'logs-secret', pattern_type: 'LITERAL', host: '*' },
    });
    expect((await check(topic(sa, 'READ', 'logs-public'))).allowed).toBe(true);
  });

  it.skipIf(skip)('a host-bound ALLOW ACL grants only from its host; without a host, only ACLs for every host grant', async () => {
    const sa = await principal('host');
    await addAcl({ principal: sa, permission: 'ALLOW', operation: 'WRITE', resource_name: 'audit', host: '10.0.0.7' });
    expect((await check(topic(sa, 'WRITE', 'audit'))).allowed).toBe(false);
    expect((await check({ ...topic(sa, 'WRITE', 'audit'), host: '10.0.0.7' })).rule).toMatchObject({ kind: 'acl', host: '10.0.0.7' });
    expect((await check({ ...topic(sa, 'WRITE', 'audit'), host: '10.0.0.8' })).allowed).toBe(false);
  });

  it.skipIf(skip)('the answer changes at once when a role binding is created or deleted', async () => {
    const sa = await principal('changes');
    expect((await check(topic(sa, 'READ', 'events'))).allowed).toBe(false);
    const binding = await bind(sa, 'DeveloperRead', topicScope('events'));
    expect(await check(topic(sa, 'READ', 'events'))).toMatchObject({ allowed: true, rule: { kind: 'role-binding', id: binding.id } });
    expect((await h.call({ method: 'DELETE', url: `/iam/v2/role-bindings/${binding.id}` })).statusCode).toBe(204);
    expect(await check(topic(sa, 'READ', 'events'))).toMatchObject({ allowed: false, rule: null });
  });

  it.skipIf(skip)('SUBJECT on a Schema Registry cluster; an action the cluster has no such resource for is refused as the data plane does', async () => {
    const sa = await principal('subjects');
    const binding = await bind(sa, 'DeveloperRead', { environment: env, schemaRegistryCluster: lsrc, resource: 'Subject:orders-value' });
    expect(await check({ principal: sa, operation: 'READ', resource_type: 'SUBJECT', resource_name: 'orders-value', cluster: lsrc })).toMatchObject({
      allowed: true, rule: { kind: 'role-binding', id: binding.id, role: 'DeveloperRead' },
    });
    expect((await check({ principal: sa, operation: 'WRITE', resource_type: 'SUBJECT', resource_name: 'orders-value', cluster: lsrc })).allowed).toBe(false);
    expect(await check({ principal: sa, operation: 'READ', resource_type: 'TOPIC', resource_name: 'orders', cluster: lsrc })).toEqual({
      allowed: false, reason: 'a Schema Registry key authorizes SUBJECT actions only', rule: null,
    });
    expect(await check({ principal: sa, operation: 'READ', resource_type: 'SUBJECT', resource_name: 'orders-value', cluster: lkc })).toEqual({
      allowed: false, reason: 'resource type SUBJECT is not a Kafka resource', rule: null,
    });
  });

  it.skipIf(skip)('refuses bad input: 400 for the operation, resource type and a missing name (as verify), 404 for an unknown cluster, 422 naming a bad principal', async () => {
    const sa = await principal('input');
    expectError(await h.call({ method: 'GET', url: url(topic(sa, 'FLY', 'orders')) }), 400, 'bad_request', 'invalid operation value: FLY');
    expectError(
      await h.call({ method: 'GET', url: url({ ...topic(sa, 'READ', 'orders'), resource_type: 'TABLE' }) }), 400, 'bad_request',
      'invalid resource type value: TABLE; valid values are TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID, SUBJECT',
    );
    expectError(await h.call({ method: 'GET', url: url({ principal: sa, operation: 'READ', resource_type: 'TOPIC', cluster: lkc }) }), 400, 'bad_request', 'resource_name is required');
    expectError(await h.call({ method: 'GET', url: url({ principal: sa, operation: 'READ', resource_type: 'TOPIC', resource_name: 'orders' }) }), 400, 'invalid_filter');
    expectError(await h.call({ method: 'GET', url: url(topic(sa, 'READ', 'orders', 'lkc-nothere')) }), 404, 'not_found', 'Kafka cluster "lkc-nothere" not found');
    expectError(await h.call({ method: 'GET', url: url(topic(sa, 'READ', 'orders', 'lsrc-nothere')) }), 404, 'not_found', 'Schema Registry cluster "lsrc-nothere" not found');
    expectError(
      await h.call({ method: 'GET', url: url(topic('User:sa-nothere', 'READ', 'orders')) }), 422, 'invalid_configuration',
      'Unknown principal "User:sa-nothere": no user or service account has the id sa-nothere',
    );
    expectError(await h.call({ method: 'GET', url: url(topic('sa-abc123', 'READ', 'orders')) }), 422, 'invalid_configuration', 'principal must be "User:<id>", e.g. User:sa-abc123 (got "sa-abc123")');
    expectError(await h.call({ method: 'GET', url: url(topic(sa, 'READ', 'orders')), auth: null }), 401, 'user_unauthenticated');
  });

  it.skipIf(skip)("needs the authority to read the cluster's role bindings and ACLs: 404 for a cluster the caller may not read, 403 for one it only reads", async () => {
    const sa = await principal('authority');
    await bind(sa, 'DeveloperRead', topicScope('orders'));
    expect((await check(topic(sa, 'READ', 'orders'), carol.auth)).allowed).toBe(true);
    const refused = expectError(await h.call({ method: 'GET', url: url(topic(sa, 'READ', 'orders')), auth: dave.auth }), 403, 'user_unauthorized');
    expect(refused.detail).toMatch(/^Forbidden: no ACL or role binding grants role-binding:read on /);
    expectError(await h.call({ method: 'GET', url: url(topic(sa, 'READ', 'orders')), auth: erin.auth }), 404, 'not_found', `Kafka cluster "${lkc}" not found`);
    // without that authority, principals cannot be probed either: the same 404 before any 422
    expectError(await h.call({ method: 'GET', url: url(topic('User:sa-nothere', 'READ', 'orders')), auth: erin.auth }), 404, 'not_found');
    expectError(await h.call({ method: 'GET', url: url(topic('User:sa-nothere', 'READ', 'orders')), auth: dave.auth }), 403, 'user_unauthorized');
    // a Schema Registry cluster's bindings: carol (lkc only) may not read that cluster
    expectError(
      await h.call({ method: 'GET', url: url({ principal: sa, operation: 'READ', resource_type: 'SUBJECT', resource_name: 'x', cluster: lsrc }), auth: carol.auth }),
      404, 'not_found', `Schema Registry cluster "${lsrc}" not found`,
    );
  });

  it.skipIf(skip)('is described in the OpenAPI document, and no answer leaks a secret', async () => {
    const doc = (await h.call({ method: 'GET', url: '/openapi.json' })).json();
    const op = doc.paths['/keyward/v1/access/check'].get;
    expect(op.description).toMatch(/not audited|nothing is audited/);
    expect(op.responses['200'].content['application/json'].example).toMatchObject({ allowed: true, rule: { kind: 'role-binding' } });
    expectNoLeaks(h.recorded.filter((r) => r.url.startsWith('/keyward/v1/access/check')));
  });
});

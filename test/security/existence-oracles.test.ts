import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HTTPMethods, LightMyRequestResponse } from 'fastify';
import { DIALECTS } from '../helpers/databases.js';
import { buildRoleBindingCrnPattern } from '../../src/domain/authz/crn-pattern.js';
import { createEnvironment, createKafkaCluster, createKey, createServiceAccount, createUser, startHarness, type ApiHarness, type Credentials } from '../api/support.js';

/**
 * DESIGN §9: an id the caller may not see answers 404 exactly as an id that does not exist. For
 * every object type and every route on one object, an existing object the caller may not read and
 * an id nobody has give the same status and the same body, byte for byte once the id itself and
 * the request id are blanked out. Before, the existing one answered 403: ids could be probed.
 */

interface Case {
  what: string;
  /** The existing object the callers may not read, and an id of the same shape that nobody has. */
  existing: () => string;
  missing: string;
  request: (id: string) => { method: HTTPMethods; url: string; payload?: unknown };
  /** The answer to both (404 unless the route refuses before it looks the id up). */
  status?: number;
}

/** The answer with the probed id and the request id blanked out. */
function normalised(res: LightMyRequestResponse, id: string): { status: number; contentType: unknown; body: string } {
  const requestId = String(res.headers['x-request-id']);
  return { status: res.statusCode, contentType: res.headers['content-type'], body: res.body.split(id).join('<ID>').split(requestId).join('<REQUEST>') };
}

describe.each(DIALECTS)('no existence oracle on $name', ({ name, skip, create }) => {
  let h: ApiHarness;
  let nobody: Credentials;
  let envAdmin: Credentials;
  const o: Record<string, string> = {};

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(await create());
    const envA = await createEnvironment(h, 'env-a');
    o.envB = await createEnvironment(h, 'env-b');
    await createKafkaCluster(h, 'cluster-a', envA);
    o.lkcB = await createKafkaCluster(h, 'cluster-b', o.envB);
    const sr = await h.call({ method: 'POST', url: '/srcm/v2/clusters', payload: { spec: { display_name: 'sr-b', cloud: 'aws', region: 'us-east-1', environment: { id: o.envB } } } });
    expect(sr.statusCode, sr.body).toBe(201);
    o.lsrcB = sr.json().id as string;
    o.saB = await createServiceAccount(h, 'account-b');
    o.userX = (await createUser(h, 'x@example.com')).id;
    o.keyB = (await createKey(h, o.lkcB, { owner: o.saB })).key;
    const rb = await h.call({
      method: 'POST', url: '/iam/v2/role-bindings',
      payload: { principal: `User:${o.saB}`, role_name: 'DeveloperRead', crn_pattern: buildRoleBindingCrnPattern('DeveloperRead', { organization: h.admin.organization, environment: o.envB, kafkaCluster: o.lkcB, resource: 'Topic:orders' }) },
    });
    expect(rb.statusCode, rb.body).toBe(201);
    o.bindingB = rb.json().id as string;
    nobody = (await createUser(h, 'nobody@example.com')).auth;
    const admin = await createUser(h, 'env-admin@example.com');
    envAdmin = admin.auth;
    const bound = await h.call({
      method: 'POST', url: '/iam/v2/role-bindings',
      payload: { principal: `User:${admin.id}`, role_name: 'EnvironmentAdmin', crn_pattern: buildRoleBindingCrnPattern('EnvironmentAdmin', { organization: h.admin.organization, environment: envA }) },
    });
    expect(bound.statusCode, bound.body).toBe(201);
  });
  afterAll(async () => h?.close());

  const CASES: Case[] = [
    { what: 'GET an environment', existing: () => o.envB!, missing: 'env-zzzzzz', request: (id) => ({ method: 'GET', url: `/org/v2/environments/${id}` }) },
    { what: 'PATCH an environment', existing: () => o.envB!, missing: 'env-zzzzzz', request: (id) => ({ method: 'PATCH', url: `/org/v2/environments/${id}`, payload: { display_name: 'mine' } }) },
    { what: 'DELETE an environment', existing: () => o.envB!, missing: 'env-zzzzzz', request: (id) => ({ method: 'DELETE', url: `/org/v2/environments/${id}` }) },
    { what: 'list the clusters of an environment', existing: () => o.envB!, missing: 'env-zzzzzz', request: (id) => ({ method: 'GET', url: `/cmk/v2/clusters?environment=${id}` }) },
    {
      what: 'create a cluster in an environment', existing: () => o.envB!, missing: 'env-zzzzzz',
      request: (id) => ({ method: 'POST', url: '/cmk/v2/clusters', payload: { spec: { display_name: 'x', cloud: 'aws', region: 'r', environment: { id } } } }),
    },
    { what: 'GET a Kafka cluster', existing: () => o.lkcB!, missing: 'lkc-zzzzzz', request: (id) => ({ method: 'GET', url: `/cmk/v2/clusters/${id}` }) },
    { what: 'PATCH a Kafka cluster', existing: () => o.lkcB!, missing: 'lkc-zzzzzz', request: (id) => ({ method: 'PATCH', url: `/cmk/v2/clusters/${id}`, payload: { spec: { display_name: 'mine' } } }) },
    { what: 'DELETE a Kafka cluster', existing: () => o.lkcB!, missing: 'lkc-zzzzzz', request: (id) => ({ method: 'DELETE', url: `/cmk/v2/clusters/${id}` }) },
    { what: 'GET a Schema Registry cluster', existing: () => o.lsrcB!, missing: 'lsrc-zzzzzz', request: (id) => ({ method: 'GET', url: `/srcm/v2/clusters/${id}` }) },
    { what: 'DELETE a Schema Registry cluster', existing: () => o.lsrcB!, missing: 'lsrc-zzzzzz', request: (id) => ({ method: 'DELETE', url: `/srcm/v2/clusters/${id}` }) },
    { what: 'GET a user', existing: () => o.userX!, missing: 'u-zzzzzz', request: (id) => ({ method: 'GET', url: `/iam/v2/users/${id}` }) },
    { what: 'PATCH a user', existing: () => o.userX!, missing: 'u-zzzzzz', request: (id) => ({ method: 'PATCH', url: `/iam/v2/users/${id}`, payload: { full_name: 'Mine' } }) },
    { what: 'DELETE a user', existing: () => o.userX!, missing: 'u-zzzzzz', request: (id) => ({ method: 'DELETE', url: `/iam/v2/users/${id}` }) },
    { what: 'GET a service account', existing: () => o.saB!, missing: 'sa-zzzzzz', request: (id) => ({ method: 'GET', url: `/iam/v2/service-accounts/${id}` }) },
    { what: 'PATCH a service account', existing: () => o.saB!, missing: 'sa-zzzzzz', request: (id) => ({ method: 'PATCH', url: `/iam/v2/service-accounts/${id}`, payload: { description: 'mine' } }) },
    { what: 'DELETE a service account', existing: () => o.saB!, missing: 'sa-zzzzzz', request: (id) => ({ method: 'DELETE', url: `/iam/v2/service-accounts/${id}` }) },
    { what: 'disable a service account', existing: () => o.saB!, missing: 'sa-zzzzzz', request: (id) => ({ method: 'POST', url: `/keyward/v1/service-accounts/${id}/disable` }) },
    { what: 'enable a service account', existing: () => o.saB!, missing: 'sa-zzzzzz', request: (id) => ({ method: 'POST', url: `/keyward/v1/service-accounts/${id}/enable` }) },
    { what: 'list the ACLs of a cluster', existing: () => o.lkcB!, missing: 'lkc-zzzzzz', request: (id) => ({ method: 'GET', url: `/kafka/v3/clusters/${id}/acls` }) },
    {
      what: 'create an ACL on a cluster', existing: () => o.lkcB!, missing: 'lkc-zzzzzz',
      request: (id) => ({ method: 'POST', url: `/kafka/v3/clusters/${id}/acls`, payload: { principal: 'User:*', permission: 'ALLOW', operation: 'READ', resource_type: 'TOPIC', resource_name: 'orders', pattern_type: 'LITERAL' } }),
    },
    { what: 'delete the ACLs of a cluster', existing: () => o.lkcB!, missing: 'lkc-zzzzzz', request: (id) => ({ method: 'DELETE', url: `/kafka/v3/clusters/${id}/acls?resource_type=TOPIC` }) },
    {
      what: 'create a key on a cluster', existing: () => o.lkcB!, missing: 'lkc-zzzzzz',
      request: (id) => ({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id } } } }),
    },
    {
      what: 'create a key for a service account', existing: () => o.saB!, missing: 'sa-zzzzzz',
      request: (id) => ({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id: 'cloud' }, owner: { id } } } }),
      status: 403,
    },
    {
      what: 'create a key for a user', existing: () => o.userX!, missing: 'u-zzzzzz',
      request: (id) => ({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id: 'cloud' }, owner: { id } } } }),
      status: 403,
    },
    { what: 'GET an API key', existing: () => o.keyB!, missing: 'ZZZZZZZZZZZZZZZZ', request: (id) => ({ method: 'GET', url: `/iam/v2/api-keys/${id}` }) },
    { what: 'PATCH an API key', existing: () => o.keyB!, missing: 'ZZZZZZZZZZZZZZZZ', request: (id) => ({ method: 'PATCH', url: `/iam/v2/api-keys/${id}`, payload: { spec: { description: 'mine' } } }) },
    { what: 'DELETE an API key', existing: () => o.keyB!, missing: 'ZZZZZZZZZZZZZZZZ', request: (id) => ({ method: 'DELETE', url: `/iam/v2/api-keys/${id}` }) },
    { what: 'disable an API key', existing: () => o.keyB!, missing: 'ZZZZZZZZZZZZZZZZ', request: (id) => ({ method: 'POST', url: `/keyward/v1/api-keys/${id}/disable` }) },
    { what: 'enable an API key', existing: () => o.keyB!, missing: 'ZZZZZZZZZZZZZZZZ', request: (id) => ({ method: 'POST', url: `/keyward/v1/api-keys/${id}/enable` }) },
    { what: 'rotate an API key', existing: () => o.keyB!, missing: 'ZZZZZZZZZZZZZZZZ', request: (id) => ({ method: 'POST', url: `/keyward/v1/api-keys/${id}/rotate`, payload: {} }) },
    {
      what: 'bind a role on an environment', existing: () => o.envB!, missing: 'env-zzzzzz',
      request: (id) => ({ method: 'POST', url: '/iam/v2/role-bindings', payload: { principal: `User:${o.saB}`, role_name: 'EnvironmentAdmin', crn_pattern: `crn://keyward/organization=${h.admin.organization}/environment=${id}` } }),
      status: 403,
    },
    {
      what: 'bind a role on a service account', existing: () => o.saB!, missing: 'sa-zzzzzz',
      request: (id) => ({ method: 'POST', url: '/iam/v2/role-bindings', payload: { principal: `User:${o.saB}`, role_name: 'ResourceOwner', crn_pattern: `crn://keyward/organization=${h.admin.organization}/service-account=${id}` } }),
      status: 403,
    },
    { what: 'GET a role binding', existing: () => o.bindingB!, missing: 'rb-zzzzzz', request: (id) => ({ method: 'GET', url: `/iam/v2/role-bindings/${id}` }) },
    { what: 'DELETE a role binding', existing: () => o.bindingB!, missing: 'rb-zzzzzz', request: (id) => ({ method: 'DELETE', url: `/iam/v2/role-bindings/${id}` }) },
  ];

  for (const c of CASES) {
    it.skipIf(skip)(`${c.what}: an existing id the caller may not see answers as a missing one (${name})`, async () => {
      for (const [who, auth] of [['no role', nobody], ['EnvironmentAdmin of another environment', envAdmin]] as const) {
        const ask = async (id: string) => {
          const r = c.request(id);
          return normalised(await h.call({ method: r.method, url: r.url, auth, ...(r.payload !== undefined ? { payload: r.payload as object } : {}) }), id);
        };
        const existing = await ask(c.existing());
        const missing = await ask(c.missing);
        expect(existing, `${who}: ${c.what}`).toEqual(missing);
        expect(existing.status, `${who}: ${c.what}`).toBe(c.status ?? 404);
        expect(JSON.parse(existing.body).errors[0].code).toBe(c.status === 403 ? 'user_unauthorized' : 'not_found');
      }
      // the object is untouched and the administrator still sees it
      const r = c.request(c.existing());
      if (r.url.includes('?') || r.method === 'POST' && !r.url.includes('/keyward/v1/')) return;
      const seen = await h.call({ method: 'GET', url: r.url.replace(/\/(disable|enable|rotate)$/, '').replace('/keyward/v1/service-accounts/', '/iam/v2/service-accounts/').replace('/keyward/v1/api-keys/', '/iam/v2/api-keys/') });
      expect(seen.statusCode, seen.body).toBe(200);
    });
  }

  it.skipIf(skip)(`an object the caller may read but not change is a 403, not a 404 (${name})`, async () => {
    // the EnvironmentAdmin of A reads its environment's clusters; an Operator-like reader may not change them
    const env = (await h.call({ method: 'GET', url: '/org/v2/environments?page_size=100', auth: envAdmin })).json().data as Array<{ id: string }>;
    expect(env.map((e) => e.id)).not.toContain(o.envB);
    const reader = await createUser(h, 'reader@example.com');
    const bound = await h.call({
      method: 'POST', url: '/iam/v2/role-bindings',
      payload: { principal: `User:${reader.id}`, role_name: 'Operator', crn_pattern: buildRoleBindingCrnPattern('Operator', { organization: h.admin.organization, environment: o.envB!, cloudCluster: o.lkcB! }) },
    });
    expect(bound.statusCode, bound.body).toBe(201);
    expect((await h.call({ method: 'GET', url: `/cmk/v2/clusters/${o.lkcB}`, auth: reader.auth })).statusCode).toBe(200);
    const patch = await h.call({ method: 'PATCH', url: `/cmk/v2/clusters/${o.lkcB}`, auth: reader.auth, payload: { spec: { display_name: 'mine' } } });
    expect(patch.statusCode, patch.body).toBe(403);
    const acls = await h.call({ method: 'GET', url: `/kafka/v3/clusters/${o.lkcB}/acls`, auth: reader.auth });
    expect(acls.statusCode, acls.body).toBe(403);
  });
});

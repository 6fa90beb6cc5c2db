import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { hashSecret, isWellFormedSecret } from '../../src/domain/secrets.js';
import {
  START, createEnvironment, createKafkaCluster, createKey, createServiceAccount, createUser, expectError, expectNoLeaks, expectResource, orgCrn,
  startHarness, storeState, type ApiHarness, type Credentials,
  bindClusterReader,
} from './support.js';

const DAY = 24 * 3600 * 1000;
const at = (ms: number) => new Date(START.getTime() + ms).toISOString();

describe.each(DIALECTS)('/iam/v2/api-keys on $name', ({ skip, create }) => {
  let h: ApiHarness;
  let alice: { id: string; auth: Credentials };
  let env: string;
  let lkc: string;
  let sa: string;
  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(await create());
    alice = await createUser(h, 'alice@example.com', 'Alice');
    env = await createEnvironment(h, 'apps');
    lkc = await createKafkaCluster(h, 'orders', env);
    await bindClusterReader(h, alice.id, env, lkc);
    sa = await createServiceAccount(h, 'orders-app', 'Orders');
  });
  afterAll(async () => h?.close());

  it.skipIf(skip)('creates a service-account key on a Kafka cluster; the secret is shown once and stored as SHA-256', async () => {
    const res = await h.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id: lkc }, owner: { id: sa }, display_name: 'orders-writer', description: 'Orders producer' } } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    const id = body.id as string;
    expectResource(body, { api_version: 'iam/v2', kind: 'ApiKey', id: /^[A-Z0-9]{16}$/, path: `/iam/v2/api-keys/${id}`, resourceName: `${orgCrn(h)}/api-key=${id}` });
    expect(isWellFormedSecret(body.spec.secret)).toBe(true);
    const { secret, ...spec } = body.spec;
    expect(spec).toEqual({
      display_name: 'orders-writer',
      description: 'Orders producer',
      owner: { id: sa, kind: 'ServiceAccount', email: '<service account>' },
      resource: { id: lkc, kind: 'Cluster', environment: env },
      status: 'ACTIVE',
      state: 'active',
      expires_at: null,
      last_used: null,
      replaces: null,
      replaced_by: null,
    });
    const row = await h.server.runtime.store.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(hashSecret(secret as string));

    const described = await h.call({ method: 'GET', url: `/iam/v2/api-keys/${id}` });
    expect(described.statusCode).toBe(200);
    expect(described.json()).toEqual({ ...body, spec });
    expect(described.body).not.toContain(secret);
    expect(described.body).not.toContain('"secret"');
  });

  it.skipIf(skip)('creates the caller\'s own cloud key, which works at once, and Schema Registry keys', async () => {
    const res = await h.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id: 'cloud' }, description: 'laptop' } } });
    expect(res.statusCode).toBe(201);
    expect(res.json().spec.owner).toEqual({ id: h.admin.user, kind: 'User', email: 'admin@localhost' });
    expect(res.json().spec.resource).toEqual({ id: 'cloud', kind: 'Cloud', environment: null });
    const auth = { key: res.json().id as string, secret: res.json().spec.secret as string };
    const whoami = await h.call({ method: 'GET', url: '/keyward/v1/whoami', auth });
    expect(whoami.statusCode).toBe(200);
    expect(whoami.json()).toMatchObject({ id: h.admin.user, api_key: auth.key, roles: ['OrganizationAdmin'] });

    const sr = await h.call({ method: 'POST', url: '/srcm/v2/clusters', payload: { spec: { display_name: 'sr', cloud: 'aws', region: 'r', environment: { id: env } } } });
    const srKey = await h.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id: sr.json().id }, owner: { id: sa } } } });
    expect(srKey.statusCode).toBe(201);
    expect(srKey.json().spec.resource).toEqual({ id: sr.json().id, kind: 'SchemaRegistry', environment: env });
    expect((await h.call({ method: 'DELETE', url: `/srcm/v2/clusters/${sr.json().id}` })).headers['x-keyward-deleted']).toBe('api_keys=1, role_bindings=0, acls=0');
    expect((await h.call({ method: 'DELETE', url: `/iam/v2/api-keys/${auth.key}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)('sets an expiry from expires_in or expires_at, and an expired key fails', async () => {
    const byDuration = await h.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id: 'cloud' }, expires_in: '90d' } } });
    expect(byDuration.statusCode).toBe(201);
    expect(byDuration.json().spec.expires_at).toBe(at(90 * DAY));
    const byTime = await h.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id: 'cloud' }, expires_at: '2026-03-02T00:00:00Z' } } });
    expect(byTime.statusCode).toBe(201);
    expect(byTime.json().spec.expires_at).toBe('2026-03-02T00:00:00.000Z');
    const short = { key: byTime.json().id as string, secret: byTime.json().spec.secret as string };
    expect((await h.call({ method: 'GET', url: '/keyward/v1/whoami', auth: short })).statusCode).toBe(200);

    h.clock.advance(DAY);
    try {
      expectError(await h.call({ method: 'GET', url: '/keyward/v1/whoami', auth: short }), 401, 'user_unauthenticated', /expired/);
      expect((await h.call({ method: 'GET', url: `/iam/v2/api-keys/${short.key}` })).json().spec.state).toBe('expired');
      const expired = await h.call({ method: 'GET', url: `/iam/v2/api-keys?status=expired&spec.owner=${h.admin.user}` });
      expect(expired.json().data.map((k: { id: string }) => k.id)).toEqual([short.key]);
      const active = await h.call({ method: 'GET', url: `/iam/v2/api-keys?status=active&spec.owner=${h.admin.user}` });
      expect(active.json().data.map((k: { id: string }) => k.id)).not.toContain(short.key);
      expect(active.json().data.map((k: { id: string }) => k.id)).toContain(byDuration.json().id);
    } finally {
      h.clock.set(START);
    }
    for (const id of [byDuration.json().id, short.key]) expect((await h.call({ method: 'DELETE', url: `/iam/v2/api-keys/${id}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)('updates the description and display name', async () => {
    const key = await createKey(h, lkc, { owner: sa, description: 'before' });
    h.clock.advance(3000);
    const res = await h.call({ method: 'PATCH', url: `/iam/v2/api-keys/${key.key}`, payload: { spec: { description: 'after', display_name: 'renamed' } } });
    h.clock.set(START);
    expect(res.statusCode).toBe(200);
    expect(res.json().spec).toMatchObject({ description: 'after', display_name: 'renamed' });
    expect(res.json().spec.secret).toBeUndefined();
    expect(res.json().metadata.updated_at).toBe(at(3000));
    expect(res.json().metadata.created_at).toBe(START.toISOString());
    expect((await h.call({ method: 'GET', url: `/iam/v2/api-keys/${key.key}` })).json().spec.description).toBe('after');
    expect((await h.call({ method: 'DELETE', url: `/iam/v2/api-keys/${key.key}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)('disables and enables a key with immediate effect', async () => {
    const key = await createKey(h, 'cloud', { auth: alice.auth, description: 'toggle' });
    expect((await h.call({ method: 'GET', url: '/keyward/v1/whoami', auth: key })).statusCode).toBe(200);
    const disabled = await h.call({ method: 'POST', url: `/keyward/v1/api-keys/${key.key}/disable`, auth: alice.auth });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json().spec).toMatchObject({ status: 'DISABLED', state: 'disabled' });
    expectError(await h.call({ method: 'GET', url: '/keyward/v1/whoami', auth: key }), 401, 'user_unauthenticated', /disabled/);
    const list = await h.call({ method: 'GET', url: '/iam/v2/api-keys?status=disabled', auth: alice.auth });
    expect(list.json().data.map((k: { id: string }) => k.id)).toEqual([key.key]);
    const enabled = await h.call({ method: 'POST', url: `/keyward/v1/api-keys/${key.key}/enable` });
    expect(enabled.statusCode).toBe(200);
    expect(enabled.json().spec).toMatchObject({ status: 'ACTIVE', state: 'active' });
    expect((await h.call({ method: 'GET', url: '/keyward/v1/whoami', auth: key })).statusCode).toBe(200);

    const del = await h.call({ method: 'DELETE', url: `/iam/v2/api-keys/${key.key}`, auth: alice.auth });
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    expectError(await h.call({ method: 'GET', url: '/keyward/v1/whoami', auth: key }), 401, 'user_unauthenticated', 'Invalid API key or secret');
    expectError(await h.call({ method: 'GET', url: `/iam/v2/api-keys/${key.key}` }), 404, 'not_found', `API key "${key.key}" not found`);
  });

  it.skipIf(skip)('filters the list by owner, resource and status and pages through more than ten keys', async () => {
    const pagedSa = await createServiceAccount(h, 'paged-app');
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await createKey(h, i % 2 === 0 ? lkc : 'cloud', { owner: pagedSa, description: `k${i}` })).key);
    const first = await h.call({ method: 'GET', url: `/iam/v2/api-keys?spec.owner=${pagedSa}` });
    expect(first.statusCode).toBe(200);
    expect(first.json().kind).toBe('ApiKeyList');
    expect(first.json().api_version).toBe('iam/v2');
    expect(first.json().metadata.total_size).toBe(12);
    expect(first.json().data).toHaveLength(10);
    const next = (first.json().metadata.next as string).replace('http://keyward.test', '');
    expect(next).toContain(`spec.owner=${pagedSa}`);
    const second = await h.call({ method: 'GET', url: next });
    expect(second.json().data).toHaveLength(2);
    expect(second.json().metadata.next).toBeUndefined();
    expect([...first.json().data, ...second.json().data].map((k: { id: string }) => k.id).sort()).toEqual([...ids].sort());

    const onCluster = await h.call({ method: 'GET', url: `/iam/v2/api-keys?spec.owner=${pagedSa}&spec.resource=${lkc}&page_size=100` });
    expect(onCluster.json().metadata.total_size).toBe(6);
    expect(onCluster.json().data.every((k: { spec: { resource: { id: string } } }) => k.spec.resource.id === lkc)).toBe(true);
    const inEnv = await h.call({ method: 'GET', url: `/iam/v2/api-keys?spec.owner=${pagedSa}&environment=${env}` });
    expect(inEnv.json().metadata.total_size).toBe(6);

    expectError(await h.call({ method: 'GET', url: '/iam/v2/api-keys?status=revoked' }), 400, 'invalid_filter', 'status must be one of active, disabled, expired (got "revoked")');
    expectError(await h.call({ method: 'GET', url: '/iam/v2/api-keys?page_size=0' }), 400, 'invalid_filter');
    expectError(await h.call({ method: 'GET', url: '/iam/v2/api-keys?page_token=%21%21' }), 400, 'invalid_filter');
    const del = await h.call({ method: 'DELETE', url: `/iam/v2/service-accounts/${pagedSa}` });
    expect(del.headers['x-keyward-deleted']).toBe('api_keys=12, role_bindings=0, acls=0');
  });

  it.skipIf(skip)('refuses bad bodies, unknown resources, owners and ids, leaving the store unchanged', async () => {
    const key = await createKey(h, lkc, { owner: sa });
    const before = await storeState(h);
    const post = (spec: Record<string, unknown>) => h.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id: lkc }, owner: { id: sa }, ...spec } } });
    expectError(await post({ resource: { id: 'lkc-zzzzzz' } }), 404, 'not_found', 'Kafka cluster "lkc-zzzzzz" not found');
    expectError(await post({ resource: { id: 'lsrc-zzzzzz' } }), 404, 'not_found', 'Schema Registry cluster "lsrc-zzzzzz" not found');
    expectError(await post({ resource: { id: 'everything' } }), 422, 'invalid_configuration', /Unknown resource "everything"/);
    expectError(await post({ resource: { id: 7 } }), 422, 'invalid_configuration');
    expectError(await post({ resource: undefined }), 422, 'invalid_configuration', /resource is required/);
    expectError(await post({ owner: { id: 'sa-zzzzzz' } }), 404, 'not_found', 'Service account "sa-zzzzzz" not found');
    expectError(await post({ description: 'd'.repeat(257) }), 422, 'invalid_configuration', 'description must be at most 256 characters (got 257)');
    expectError(await post({ display_name: 'n'.repeat(65) }), 422, 'invalid_configuration', 'display_name must be at most 64 characters (got 65)');
    expectError(await post({ expires_in: 'soon' }), 422, 'invalid_configuration', /expires_in/);
    expectError(await post({ expires_in: '1d', expires_at: '2027-01-01T00:00:00Z' }), 422, 'invalid_configuration', 'Give either expires_in or expires_at, not both');
    expectError(await post({ expires_at: '2020-01-01T00:00:00Z' }), 422, 'invalid_configuration', 'expires_at must be in the future');
    expectError(await post({ expires_at: 'tomorrow' }), 422, 'invalid_configuration', /expires_at must be an ISO-8601 time/);
    expectError(await h.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { resource: 'cloud' } }), 422, 'invalid_configuration', 'body: spec is required');
    expectError(await h.call({ method: 'POST', url: '/iam/v2/api-keys', headers: { 'content-type': 'application/json' }, payload: '{"spec":{"resource":{"id":"cloud"}}' }), 400, 'bad_request');
    expectError(await h.call({ method: 'PATCH', url: `/iam/v2/api-keys/${key.key}`, payload: { spec: {} } }), 422, 'invalid_configuration', /Nothing to update/);
    expectError(await h.call({ method: 'PATCH', url: `/iam/v2/api-keys/${key.key}`, payload: { spec: { description: 5 } } }), 422, 'invalid_configuration');
    expectError(await h.call({ method: 'PATCH', url: `/iam/v2/api-keys/${key.key}`, payload: { spec: { description: 'x'.repeat(257) } } }), 422, 'invalid_configuration');
    for (const [method, url] of [
      ['GET', '/iam/v2/api-keys/ZZZZZZZZZZZZZZZZ'],
      ['PATCH', '/iam/v2/api-keys/ZZZZZZZZZZZZZZZZ'],
      ['DELETE', '/iam/v2/api-keys/ZZZZZZZZZZZZZZZZ'],
      ['POST', '/keyward/v1/api-keys/ZZZZZZZZZZZZZZZZ/disable'],
      ['POST', '/keyward/v1/api-keys/ZZZZZZZZZZZZZZZZ/enable'],
    ] as const) {
      expectError(await h.call({ method, url, ...(method === 'PATCH' ? { payload: { spec: { description: 'x' } } } : {}) }), 404, 'not_found', 'API key "ZZZZZZZZZZZZZZZZ" not found');
    }
    expect(await storeState(h)).toEqual(before);
    expect((await h.call({ method: 'DELETE', url: `/iam/v2/api-keys/${key.key}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)('nobody creates keys for another user, not even the admin', async () => {
    const before = await storeState(h);
    const forAlice = await h.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id: 'cloud' }, owner: { id: alice.id } } } });
    expectError(forAlice, 403, 'user_unauthorized', 'Nobody can create API keys for another user; create a service-account key instead');
    const forAdmin = await h.call({ method: 'POST', url: '/iam/v2/api-keys', auth: alice.auth, payload: { spec: { resource: { id: lkc }, owner: { id: h.admin.user } } } });
    expectError(forAdmin, 403, 'user_unauthorized', 'Nobody can create API keys for another user; create a service-account key instead');
    expect(await storeState(h)).toEqual(before);
  });

  it.skipIf(skip)('a non-admin user manages its own keys only', async () => {
    const adminKey = await createKey(h, lkc, { owner: sa, description: 'not alice\'s' });
    const own = await h.call({ method: 'POST', url: '/iam/v2/api-keys', auth: alice.auth, payload: { spec: { resource: { id: lkc }, description: 'mine' } } });
    expect(own.statusCode).toBe(201);
    expect(own.json().spec.owner).toEqual({ id: alice.id, kind: 'User', email: 'alice@example.com' });
    const ownId = own.json().id as string;

    const before = await storeState(h);
    expectError(
      await h.call({ method: 'POST', url: '/iam/v2/api-keys', auth: alice.auth, payload: { spec: { resource: { id: lkc }, owner: { id: sa } } } }),
      403, 'user_unauthorized', new RegExp(sa),
    );
    for (const [method, url] of [
      ['GET', `/iam/v2/api-keys/${adminKey.key}`],
      ['PATCH', `/iam/v2/api-keys/${adminKey.key}`],
      ['DELETE', `/iam/v2/api-keys/${adminKey.key}`],
      ['POST', `/keyward/v1/api-keys/${adminKey.key}/disable`],
      ['POST', `/keyward/v1/api-keys/${adminKey.key}/enable`],
      ['GET', `/iam/v2/api-keys/${h.admin.key}`],
      ['DELETE', `/iam/v2/api-keys/${h.admin.key}`],
    ] as const) {
      const res = await h.call({ method, url, auth: alice.auth, ...(method === 'PATCH' ? { payload: { spec: { description: 'x' } } } : {}) });
      expectError(res, 404, 'not_found', `API key "${url.split('/')[4]}" not found`);
    }
    // asking for another owner's keys is refused or filtered to nothing (role bindings decide which): never a key
    const others = await h.call({ method: 'GET', url: `/iam/v2/api-keys?spec.owner=${h.admin.user}`, auth: alice.auth });
    if (others.statusCode === 200) expect(others.json()).toMatchObject({ data: [], metadata: { total_size: 0 } });
    else expectError(others, 403, 'user_unauthorized');
    expect(await storeState(h)).toEqual(before);

    const mine = await h.call({ method: 'GET', url: '/iam/v2/api-keys?page_size=100', auth: alice.auth });
    expect(mine.statusCode).toBe(200);
    const owners = new Set(mine.json().data.map((k: { spec: { owner: { id: string } } }) => k.spec.owner.id));
    expect([...owners]).toEqual([alice.id]);
    expect(mine.json().data.map((k: { id: string }) => k.id)).toContain(ownId);
    expect(mine.json().data.map((k: { id: string }) => k.id)).toContain(alice.auth.key);
    expect(mine.json().metadata.total_size).toBe(mine.json().data.length);

    // the admin sees and manages everyone's keys
    expect((await h.call({ method: 'GET', url: `/iam/v2/api-keys/${ownId}` })).statusCode).toBe(200);
    expect((await h.call({ method: 'DELETE', url: `/iam/v2/api-keys/${ownId}` })).statusCode).toBe(204);
    expect((await h.call({ method: 'DELETE', url: `/iam/v2/api-keys/${adminKey.key}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)('authenticates with a cloud key only', async () => {
    const scoped = await createKey(h, lkc, { owner: sa });
    const none = await h.call({ method: 'GET', url: '/iam/v2/api-keys', auth: null });
    expectError(none, 401, 'user_unauthenticated');
    expect(none.headers['www-authenticate']).toBeUndefined();
    const garbage = await h.call({ method: 'GET', url: '/iam/v2/api-keys', headers: { authorization: 'Bearer abc' }, auth: null });
    expectError(garbage, 401, 'user_unauthenticated');
    expectError(await h.call({ method: 'GET', url: '/iam/v2/api-keys', auth: { key: h.admin.key, secret: scoped.secret } }), 401, 'user_unauthenticated', 'Invalid API key or secret');
    const wrongResource = await h.call({ method: 'POST', url: '/iam/v2/api-keys', auth: scoped, payload: { spec: { resource: { id: lkc } } } });
    expectError(wrongResource, 401, 'user_unauthenticated', 'Use a cloud API key for the management API');
    expect(wrongResource.headers['www-authenticate']).toBeUndefined();
    expect((await h.call({ method: 'DELETE', url: `/iam/v2/api-keys/${scoped.key}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)('never leaks a secret, a digest or a stack trace and always sends X-Request-Id', () => {
    expectNoLeaks(h.recorded);
  });
});

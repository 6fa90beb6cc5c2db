import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import {
  START, createKafkaCluster, createKey, createServiceAccount, createUser, expectError, expectNoLeaks, expectResource, startHarness, storeState,
  type ApiHarness, type Credentials,
} from './support.js';

describe.each(DIALECTS)('/iam/v2/service-accounts on $name', ({ skip, create }) => {
  let h: ApiHarness;
  let alice: { id: string; auth: Credentials };
  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(await create());
    alice = await createUser(h, 'alice@example.com', 'Alice');
  });
  afterAll(async () => h?.close());

  it.skipIf(skip)('creates, describes, updates and deletes a service account', async () => {
    const res = await h.call({ method: 'POST', url: '/iam/v2/service-accounts', payload: { display_name: 'billing-app', description: 'Billing' } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    const id = body.id as string;
    expectResource(body, {
      api_version: 'iam/v2', kind: 'ServiceAccount', id: /^sa-[a-z0-9]{6}$/, path: `/iam/v2/service-accounts/${id}`,
      resourceName: `crn://keyward/organization=${h.admin.organization}/service-account=${id}`,
    });
    expect(body).toMatchObject({ display_name: 'billing-app', description: 'Billing', status: 'ACTIVE' });
    expect((await h.call({ method: 'GET', url: `/iam/v2/service-accounts/${id}` })).json()).toEqual(body);

    h.clock.advance(2000);
    const patched = await h.call({ method: 'PATCH', url: `/iam/v2/service-accounts/${id}`, payload: { description: 'Billing service' } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ display_name: 'billing-app', description: 'Billing service' });
    expect(patched.json().metadata.updated_at).toBe(new Date(START.getTime() + 2000).toISOString());
    h.clock.set(START);

    const del = await h.call({ method: 'DELETE', url: `/iam/v2/service-accounts/${id}` });
    expect(del.statusCode).toBe(204);
    expect(del.headers['x-keyward-deleted']).toBe('api_keys=0, role_bindings=0, acls=0');
    expectError(await h.call({ method: 'GET', url: `/iam/v2/service-accounts/${id}` }), 404, 'not_found', `Service account "${id}" not found`);
  });

  it.skipIf(skip)('filters by display_name and pages through more than ten accounts', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 11; i++) ids.push(await createServiceAccount(h, `paged-${i}`));
    const byName = await h.call({ method: 'GET', url: '/iam/v2/service-accounts?display_name=paged-3' });
    expect(byName.statusCode).toBe(200);
    expect(byName.json().kind).toBe('ServiceAccountList');
    expect(byName.json().data.map((s: { id: string }) => s.id)).toEqual([ids[3]]);
    expect(byName.json().metadata.total_size).toBe(1);

    const first = await h.call({ method: 'GET', url: '/iam/v2/service-accounts' });
    expect(first.json().metadata.total_size).toBe(11);
    expect(first.json().data).toHaveLength(10);
    const second = await h.call({ method: 'GET', url: (first.json().metadata.next as string).replace('http://keyward.test', '') });
    expect(second.json().data).toHaveLength(1);
    expect(second.json().metadata.next).toBeUndefined();
    expect([...first.json().data, ...second.json().data].map((s: { id: string }) => s.id).sort()).toEqual([...ids].sort());
    const small = await h.call({ method: 'GET', url: '/iam/v2/service-accounts?page_size=4&page_token=' + Buffer.from('8').toString('base64url') });
    expect(small.json().data).toHaveLength(3);
    expect(small.json().metadata.next).toBeUndefined();
    for (const id of ids) expect((await h.call({ method: 'DELETE', url: `/iam/v2/service-accounts/${id}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)('refuses a duplicate name, bad bodies and unknown ids, leaving the store unchanged', async () => {
    const id = await createServiceAccount(h, 'unique-app', 'first');
    const before = await storeState(h);
    const post = (payload: unknown) => h.call({ method: 'POST', url: '/iam/v2/service-accounts', payload: payload as Record<string, unknown> });
    expectError(await post({ display_name: 'unique-app', description: 'second' }), 409, 'resource_already_exists', 'Service name is already in use');
    expectError(await post({ display_name: '  unique-app  ' }), 409, 'resource_already_exists', 'Service name is already in use');
    expectError(await post({ display_name: 's'.repeat(65) }), 422, 'invalid_configuration', 'display_name must be at most 64 characters (got 65)');
    expectError(await post({ display_name: 'ok', description: 'd'.repeat(129) }), 422, 'invalid_configuration', 'description must be at most 128 characters (got 129)');
    expectError(await post({ display_name: 12 }), 422, 'invalid_configuration', /display_name/);
    expectError(await post({ display_name: 'ok', description: { text: 'x' } }), 422, 'invalid_configuration', /description/);
    expectError(await post({ display_name: 'tab\there' }), 422, 'invalid_configuration', 'display_name must not contain control characters');
    expectError(await h.call({ method: 'POST', url: '/iam/v2/service-accounts', headers: { 'content-type': 'application/json' }, payload: 'display_name=x' }), 400, 'bad_request', 'The request body is not valid JSON');
    expectError(await h.call({ method: 'PATCH', url: `/iam/v2/service-accounts/${id}`, payload: { description: 'd'.repeat(129) } }), 422, 'invalid_configuration');
    expectError(await h.call({ method: 'PATCH', url: `/iam/v2/service-accounts/${id}`, payload: {} }), 422, 'invalid_configuration', 'Nothing to update: give a description');
    for (const [method, url] of [
      ['GET', '/iam/v2/service-accounts/sa-zzzzzz'],
      ['PATCH', '/iam/v2/service-accounts/sa-zzzzzz'],
      ['DELETE', '/iam/v2/service-accounts/sa-zzzzzz'],
      ['POST', '/keyward/v1/service-accounts/sa-zzzzzz/disable'],
      ['POST', '/keyward/v1/service-accounts/sa-zzzzzz/enable'],
    ] as const) {
      expectError(await h.call({ method, url, ...(method === 'PATCH' ? { payload: { description: 'x' } } : {}) }), 404, 'not_found', 'Service account "sa-zzzzzz" not found');
    }
    expectError(await h.call({ method: 'GET', url: '/iam/v2/service-accounts?page_size=1000' }), 400, 'invalid_filter');
    expectError(await h.call({ method: 'GET', url: `/iam/v2/service-accounts?display_name=${'x'.repeat(65)}` }), 400, 'invalid_filter');
    expect(await storeState(h)).toEqual(before);
    expect((await h.call({ method: 'DELETE', url: `/iam/v2/service-accounts/${id}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)('two concurrent creations with one name give one account and one 409', async () => {
    const results = await Promise.all([0, 1, 2].map(() => h.call({ method: 'POST', url: '/iam/v2/service-accounts', payload: { display_name: 'racer' } })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    for (const r of results.filter((x) => x.statusCode === 409)) expectError(r, 409, 'resource_already_exists', 'Service name is already in use');
    const id = results.find((r) => r.statusCode === 201)!.json().id as string;
    expect((await h.call({ method: 'DELETE', url: `/iam/v2/service-accounts/${id}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)('disabling an account blocks all of its keys at once; enabling restores them', async () => {
    const sa = await createServiceAccount(h, 'robot');
    const key = await createKey(h, 'cloud', { owner: sa });
    const whoami = await h.call({ method: 'GET', url: '/keyward/v1/whoami', auth: key });
    expect(whoami.statusCode).toBe(200);
    expect(whoami.json()).toMatchObject({ principal: `User:${sa}`, kind: 'service-account', id: sa, api_key: key.key, roles: [] });

    const disabled = await h.call({ method: 'POST', url: `/keyward/v1/service-accounts/${sa}/disable` });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toMatchObject({ kind: 'ServiceAccount', id: sa, status: 'DISABLED' });
    expectError(await h.call({ method: 'GET', url: '/keyward/v1/whoami', auth: key }), 401, 'user_unauthenticated');
    // disabling twice is idempotent
    expect((await h.call({ method: 'POST', url: `/keyward/v1/service-accounts/${sa}/disable` })).json().status).toBe('DISABLED');
    // the key itself stays ACTIVE: only its owner is disabled
    expect((await h.call({ method: 'GET', url: `/iam/v2/api-keys/${key.key}` })).json().spec.status).toBe('ACTIVE');

    const enabled = await h.call({ method: 'POST', url: `/keyward/v1/service-accounts/${sa}/enable` });
    expect(enabled.statusCode).toBe(200);
    expect(enabled.json().status).toBe('ACTIVE');
    expect((await h.call({ method: 'GET', url: '/keyward/v1/whoami', auth: key })).statusCode).toBe(200);
    expect((await h.call({ method: 'DELETE', url: `/iam/v2/service-accounts/${sa}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)('deleting an account with keys reports the count and leaves no key behind', async () => {
    const sa = await createServiceAccount(h, 'keyholder');
    const lkc = await createKafkaCluster(h, 'sa-cluster');
    const keys = [await createKey(h, lkc, { owner: sa }), await createKey(h, lkc, { owner: sa }), await createKey(h, 'cloud', { owner: sa })];
    const del = await h.call({ method: 'DELETE', url: `/iam/v2/service-accounts/${sa}` });
    expect(del.statusCode).toBe(204);
    expect(del.headers['x-keyward-deleted']).toBe('api_keys=3, role_bindings=0, acls=0');
    expect(await h.server.runtime.store.db.selectFrom('api_keys').select('id').where('owner_id', '=', sa).execute()).toEqual([]);
    for (const k of keys) expectError(await h.call({ method: 'GET', url: `/iam/v2/api-keys/${k.key}` }), 404, 'not_found', `API key "${k.key}" not found`);
    expectError(await h.call({ method: 'GET', url: '/keyward/v1/whoami', auth: keys[2] }), 401, 'user_unauthenticated', 'Invalid API key or secret');
    const list = await h.call({ method: 'GET', url: `/iam/v2/api-keys?spec.owner=${sa}` });
    expect(list.json().data).toEqual([]);
    expect((await h.call({ method: 'DELETE', url: `/cmk/v2/clusters/${lkc}` })).headers['x-keyward-deleted']).toBe('api_keys=0, role_bindings=0, acls=0');
  });

  it.skipIf(skip)('only an OrganizationAdmin manages service accounts', async () => {
    const sa = await createServiceAccount(h, 'guarded');
    const before = await storeState(h);
    const none = await h.call({ method: 'POST', url: '/iam/v2/service-accounts', auth: null, payload: { display_name: 'x' } });
    expectError(none, 401, 'user_unauthenticated');
    expect(none.headers['www-authenticate']).toBeUndefined();
    for (const [method, url, payload] of [
      ['POST', '/iam/v2/service-accounts', { display_name: 'alices-robot' }],
      ['PATCH', `/iam/v2/service-accounts/${sa}`, { description: 'mine' }],
      ['DELETE', `/iam/v2/service-accounts/${sa}`, undefined],
      ['POST', `/keyward/v1/service-accounts/${sa}/disable`, undefined],
      ['POST', `/keyward/v1/service-accounts/${sa}/enable`, undefined],
    ] as const) {
      // creating is refused (403); an existing object alice may not read answers as a missing one (DESIGN §9)
      const creating = method === 'POST' && !url.includes('/keyward/v1/');
      expectError(await h.call({ method, url, auth: alice.auth, ...(payload ? { payload } : {}) }), creating ? 403 : 404, creating ? 'user_unauthorized' : 'not_found');
    }
    expect(await storeState(h)).toEqual(before);
    expect((await h.call({ method: 'DELETE', url: `/iam/v2/service-accounts/${sa}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)('never leaks a secret, a digest or a stack trace and always sends X-Request-Id', () => {
    expectNoLeaks(h.recorded);
  });
});

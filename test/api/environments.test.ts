import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import {
  START, createKafkaCluster, createUser, expectError, expectNoLeaks, expectResource, orgCrn, startHarness, storeState,
  type ApiHarness, type Credentials,
} from './support.js';

describe.each(DIALECTS)('/org/v2/environments on $name', ({ skip, create }) => {
  let h: ApiHarness;
  let alice: { id: string; auth: Credentials };
  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(await create());
    alice = await createUser(h, 'alice@example.com', 'Alice');
  });
  afterAll(async () => h?.close());

  it.skipIf(skip)('creates, describes, lists, updates and deletes an environment', async () => {
    const created = await h.call({ method: 'POST', url: '/org/v2/environments', payload: { display_name: 'payments', stage: 'production' } });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    const id = body.id as string;
    expectResource(body, { api_version: 'org/v2', kind: 'Environment', id: /^env-[a-z0-9]{6}$/, path: `/org/v2/environments/${id}`, resourceName: `${orgCrn(h)}/environment=${id}` });
    expect(body.display_name).toBe('payments');
    expect(body.stage).toBe('production');

    const described = await h.call({ method: 'GET', url: `/org/v2/environments/${id}` });
    expect(described.statusCode).toBe(200);
    expect(described.json()).toEqual(body);

    const list = await h.call({ method: 'GET', url: '/org/v2/environments' });
    expect(list.statusCode).toBe(200);
    expect(list.json().api_version).toBe('org/v2');
    expect(list.json().kind).toBe('EnvironmentList');
    expect(list.json().metadata.total_size).toBe(2);
    expect(list.json().metadata.next).toBeUndefined();
    expect(list.json().data.map((e: { display_name: string }) => e.display_name).sort()).toEqual(['default', 'payments']);

    h.clock.advance(60_000);
    const patched = await h.call({ method: 'PATCH', url: `/org/v2/environments/${id}`, payload: { display_name: 'payments-eu', stage: 'STAGING' } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().display_name).toBe('payments-eu');
    expect(patched.json().stage).toBe('staging');
    expect(patched.json().metadata.created_at).toBe(START.toISOString());
    expect(patched.json().metadata.updated_at).toBe(new Date(START.getTime() + 60_000).toISOString());

    const deleted = await h.call({ method: 'DELETE', url: `/org/v2/environments/${id}` });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expectError(await h.call({ method: 'GET', url: `/org/v2/environments/${id}` }), 404, 'not_found', `Environment "${id}" not found`);
  });

  it.skipIf(skip)('defaults the stage to development', async () => {
    const created = await h.call({ method: 'POST', url: '/org/v2/environments', payload: { display_name: 'sandbox' } });
    expect(created.statusCode).toBe(201);
    expect(created.json().stage).toBe('development');
    expect((await h.call({ method: 'DELETE', url: `/org/v2/environments/${created.json().id}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)('answers 404 for an unknown environment on every verb', async () => {
    const before = await storeState(h);
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await h.call({ method, url: '/org/v2/environments/env-zzzzzz', ...(method === 'PATCH' ? { payload: { display_name: 'x' } } : {}) });
      expectError(res, 404, 'not_found', 'Environment "env-zzzzzz" not found');
    }
    expect(await storeState(h)).toEqual(before);
  });

  it.skipIf(skip)('rejects malformed, mistyped and over-long bodies and leaves the store unchanged', async () => {
    const before = await storeState(h);
    const bad = await h.call({ method: 'POST', url: '/org/v2/environments', headers: { 'content-type': 'application/json' }, payload: '{"display_name": "x"' });
    expectError(bad, 400, 'bad_request', 'The request body is not valid JSON');
    expectError(await h.call({ method: 'POST', url: '/org/v2/environments', payload: { display_name: 42 } }), 422, 'invalid_configuration', /display_name/);
    expectError(await h.call({ method: 'POST', url: '/org/v2/environments', payload: {} }), 422, 'invalid_configuration', 'body: display_name is required');
    expectError(await h.call({ method: 'POST', url: '/org/v2/environments', payload: { display_name: 'x'.repeat(65) } }), 422, 'invalid_configuration', 'display_name must be at most 64 characters (got 65)');
    expectError(await h.call({ method: 'POST', url: '/org/v2/environments', payload: { display_name: '   ' } }), 422, 'invalid_configuration', 'display_name must not be empty');
    expectError(await h.call({ method: 'POST', url: '/org/v2/environments', payload: { display_name: 'x', stage: 'prod' } }), 422, 'invalid_configuration', /stage must be one of production, staging, development/);
    const env = h.admin.environment;
    expectError(await h.call({ method: 'PATCH', url: `/org/v2/environments/${env}`, payload: { stage: 7 } }), 422, 'invalid_configuration', /stage/);
    expectError(await h.call({ method: 'PATCH', url: `/org/v2/environments/${env}`, payload: {} }), 422, 'invalid_configuration', /Nothing to update/);
    expectError(await h.call({ method: 'PATCH', url: `/org/v2/environments/${env}`, payload: { display_name: 'y'.repeat(65) } }), 422, 'invalid_configuration', /at most 64/);
    expect(await storeState(h)).toEqual(before);
  });

  it.skipIf(skip)('refuses to delete an environment that holds clusters, and the default environment', async () => {
    const env = (await h.call({ method: 'POST', url: '/org/v2/environments', payload: { display_name: 'busy' } })).json().id as string;
    const lkc = await createKafkaCluster(h, 'orders', env);
    const before = await storeState(h);
    expectError(await h.call({ method: 'DELETE', url: `/org/v2/environments/${env}` }), 422, 'invalid_configuration', `Environment "${env}" still holds 1 cluster(s); delete them first`);
    expectError(await h.call({ method: 'DELETE', url: `/org/v2/environments/${h.admin.environment}` }), 422, 'invalid_configuration', /default environment/);
    expect(await storeState(h)).toEqual(before);

    expect((await h.call({ method: 'DELETE', url: `/cmk/v2/clusters/${lkc}` })).statusCode).toBe(204);
    expect((await h.call({ method: 'DELETE', url: `/org/v2/environments/${env}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)('rejects bad paging parameters with invalid_filter', async () => {
    for (const query of ['page_size=0', 'page_size=101', 'page_size=abc', 'page_size=-1', 'page_size=1.5', 'page_token=bm9wZQ']) {
      expectError(await h.call({ method: 'GET', url: `/org/v2/environments?${query}` }), 400, 'invalid_filter');
    }
  });

  it.skipIf(skip)('pages through more than ten environments', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await h.call({ method: 'POST', url: '/org/v2/environments', payload: { display_name: `env-${i}` } });
      ids.push(res.json().id as string);
    }
    const total = 12; // the default environment and the eleven above
    const first = await h.call({ method: 'GET', url: '/org/v2/environments' });
    expect(first.json().data).toHaveLength(10);
    expect(first.json().metadata.total_size).toBe(total);
    expect(first.json().metadata.first).toBe('http://keyward.test/org/v2/environments');
    const next = first.json().metadata.next as string;
    expect(next).toMatch(/^http:\/\/keyward\.test\/org\/v2\/environments\?page_token=/);
    const second = await h.call({ method: 'GET', url: next.replace('http://keyward.test', '') });
    expect(second.statusCode).toBe(200);
    expect(second.json().data).toHaveLength(2);
    expect(second.json().metadata.next).toBeUndefined();
    expect(second.json().metadata.total_size).toBe(total);
    const seen = [...first.json().data, ...second.json().data].map((e: { id: string }) => e.id);
    expect(new Set(seen).size).toBe(total);
    expect(seen).toEqual(expect.arrayContaining([...ids, h.admin.environment]));

    // a smaller page size is kept in the next link
    const pages: string[][] = [];
    let url: string | undefined = '/org/v2/environments?page_size=5';
    while (url) {
      const res = await h.call({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      pages.push(res.json().data.map((e: { id: string }) => e.id));
      url = (res.json().metadata.next as string | undefined)?.replace('http://keyward.test', '');
      if (url) expect(url).toContain('page_size=5');
    }
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    expect(pages.flat()).toEqual(seen);
    for (const id of ids) expect((await h.call({ method: 'DELETE', url: `/org/v2/environments/${id}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)('requires a cloud key and the OrganizationAdmin role to change environments', async () => {
    const before = await storeState(h);
    const none = await h.call({ method: 'GET', url: '/org/v2/environments', auth: null });
    expectError(none, 401, 'user_unauthenticated');
    expect(none.headers['www-authenticate']).toBeUndefined();
    const wrong = await h.call({ method: 'POST', url: '/org/v2/environments', auth: { key: h.admin.key, secret: alice.auth.secret }, payload: { display_name: 'x' } });
    expectError(wrong, 401, 'user_unauthenticated', 'Invalid API key or secret');
    expect(wrong.headers['www-authenticate']).toBeUndefined();

    for (const [method, url, payload] of [
      ['POST', '/org/v2/environments', { display_name: 'mine' }],
      ['PATCH', `/org/v2/environments/${h.admin.environment}`, { display_name: 'mine' }],
      ['DELETE', `/org/v2/environments/${h.admin.environment}`, undefined],
    ] as const) {
      // creating is refused (403); an existing object alice may not read answers as a missing one (DESIGN §9)
      const creating = method === 'POST' && !url.includes('/keyward/v1/');
      expectError(await h.call({ method, url, auth: alice.auth, ...(payload ? { payload } : {}) }), creating ? 403 : 404, creating ? 'user_unauthorized' : 'not_found');
    }
    expect(await storeState(h)).toEqual(before);
  });

  it.skipIf(skip)('never leaks a secret, a digest or a stack trace and always sends X-Request-Id', () => {
    expectNoLeaks(h.recorded);
  });
});

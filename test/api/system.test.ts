import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DIALECTS } from '../helpers/databases.js';
import { bindClusterReader, createKafkaCluster, createKey, createUser, expectError, expectNoLeaks, startHarness, type ApiHarness, type Credentials } from './support.js';

/** Every route of the foundation, with the methods the contract (DESIGN §3) gives it. */
const ROUTES: Record<string, string[]> = {
  '/org/v2/environments': ['get', 'post'],
  '/org/v2/environments/{id}': ['delete', 'get', 'patch'],
  '/cmk/v2/clusters': ['get', 'post'],
  '/cmk/v2/clusters/{id}': ['delete', 'get', 'patch'],
  '/srcm/v2/clusters': ['get', 'post'],
  '/srcm/v2/clusters/{id}': ['delete', 'get'],
  '/iam/v2/users': ['get', 'post'],
  '/iam/v2/users/{id}': ['delete', 'get', 'patch'],
  '/iam/v2/service-accounts': ['get', 'post'],
  '/iam/v2/service-accounts/{id}': ['delete', 'get', 'patch'],
  '/keyward/v1/service-accounts/{id}/disable': ['post'],
  '/keyward/v1/service-accounts/{id}/enable': ['post'],
  '/iam/v2/api-keys': ['get', 'post'],
  '/iam/v2/api-keys/{id}': ['delete', 'get', 'patch'],
  '/keyward/v1/api-keys/{id}/disable': ['post'],
  '/keyward/v1/api-keys/{id}/enable': ['post'],
  '/keyward/v1/whoami': ['get'],
  '/keyward/v1/sessions': ['post'],
  '/keyward/v1/sessions/current': ['delete', 'get'],
  '/healthz': ['get'],
  '/readyz': ['get'],
  '/openapi.json': ['get'],
};
const UNAUTHENTICATED = new Set(['/healthz', '/readyz', '/openapi.json', '/keyward/v1/sessions']);
/** The console's own session routes take the session cookie only. */
const SESSION_ONLY = new Set(['/keyward/v1/sessions/current']);
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

describe.each(DIALECTS)('system routes on $name', ({ name, skip, create }) => {
  let h: ApiHarness;
  let alice: { id: string; auth: Credentials };
  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(await create());
    alice = await createUser(h, 'alice@example.com', 'Alice');
  });
  afterAll(async () => h?.close());

  it.skipIf(skip)('answers /healthz and /readyz without credentials', async () => {
    const health = await h.call({ method: 'GET', url: '/healthz', auth: null });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await h.call({ method: 'GET', url: '/readyz', auth: null });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', database: name });
  });

  it.skipIf(skip)('tells the caller who it is', async () => {
    const admin = await h.call({ method: 'GET', url: '/keyward/v1/whoami' });
    expect(admin.statusCode).toBe(200);
    expect(admin.json()).toEqual({
      principal: `User:${h.admin.user}`, kind: 'user', id: h.admin.user, api_key: h.admin.key, organization: h.admin.organization, roles: ['OrganizationAdmin'],
    });
    const user = await h.call({ method: 'GET', url: '/keyward/v1/whoami', auth: alice.auth });
    expect(user.json()).toEqual({ principal: `User:${alice.id}`, kind: 'user', id: alice.id, api_key: alice.auth.key, organization: h.admin.organization, roles: [] });
  });

  it.skipIf(skip)('refuses /keyward/v1/whoami without a valid cloud key', async () => {
    const none = await h.call({ method: 'GET', url: '/keyward/v1/whoami', auth: null });
    expectError(none, 401, 'user_unauthenticated', 'Authenticate with HTTP Basic using a cloud API key and secret');
    expect(none.headers['www-authenticate']).toBeUndefined();
    expectError(await h.call({ method: 'GET', url: '/keyward/v1/whoami', auth: { key: alice.auth.key, secret: h.admin.secret } }), 401, 'user_unauthenticated', 'Invalid API key or secret');
    expectError(await h.call({ method: 'GET', url: '/keyward/v1/whoami', auth: { key: 'not-a-key', secret: 'x' } }), 401, 'user_unauthenticated', 'Invalid API key or secret');
    expectError(await h.call({ method: 'GET', url: '/keyward/v1/whoami', headers: { authorization: 'Basic !!!' }, auth: null }), 401, 'user_unauthenticated');
    const lkc = await createKafkaCluster(h, 'whoami-cluster');
    await bindClusterReader(h, alice.id, h.admin.environment, lkc); // a key on a cluster needs read access to it (DESIGN §9)
    const scoped = await createKey(h, lkc, { auth: alice.auth });
    expectError(await h.call({ method: 'GET', url: '/keyward/v1/whoami', auth: scoped }), 401, 'user_unauthenticated', 'Use a cloud API key for the management API');
    expect((await h.call({ method: 'DELETE', url: `/cmk/v2/clusters/${lkc}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)('echoes a well-formed X-Request-Id and replaces a malformed one', async () => {
    const echoed = await h.call({ method: 'GET', url: '/org/v2/environments/env-zzzzzz', headers: { 'x-request-id': 'trace-42.a_b' } });
    expect(echoed.headers['x-request-id']).toBe('trace-42.a_b');
    expect(expectError(echoed, 404, 'not_found').id).toBe('trace-42.a_b');
    const replaced = await h.call({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'no spaces allowed' } });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const a = await h.call({ method: 'GET', url: '/healthz' });
    const b = await h.call({ method: 'GET', url: '/healthz' });
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });

  it.skipIf(skip)('answers unknown routes, methods, media types and huge bodies with the error body', async () => {
    expectError(await h.call({ method: 'GET', url: '/nope?x=1' }), 404, 'not_found', 'No route for GET /nope');
    expectError(await h.call({ method: 'PATCH', url: '/srcm/v2/clusters/lsrc-abcdef', payload: {} }), 404, 'not_found', 'No route for PATCH /srcm/v2/clusters/lsrc-abcdef');
    const text = await h.call({ method: 'POST', url: '/org/v2/environments', headers: { 'content-type': 'application/xml' }, payload: '<display_name>x</display_name>' });
    expectError(text, 415, 'unsupported_media_type');
    const huge = await h.call({ method: 'POST', url: '/org/v2/environments', payload: { display_name: 'x'.repeat(1024 * 1024 + 10) } });
    expectError(huge, 413, 'payload_too_large');
    expectError(await h.call({ method: 'GET', url: `/iam/v2/api-keys/${'A'.repeat(65)}` }), 400, 'bad_request');
    // failures Fastify meets before routing get the same body and X-Request-Id
    const badUrl = await h.call({ method: 'GET', url: '/iam/v2/api-keys/%E0%A4%A', headers: { 'x-request-id': 'bad-url-1' } });
    expect(expectError(badUrl, 400, 'bad_request', 'The request URL is not valid').id).toBe('bad-url-1');
    expectError(await h.call({ method: 'GET', url: `/iam/v2/api-keys/${'A'.repeat(200)}` }), 400, 'bad_request', 'A path parameter is too long');
  });

  it.skipIf(skip)("publishes an OpenAPI document listing every route, with Basic auth or the console's session cookie on the management routes", async () => {
    const res = await h.call({ method: 'GET', url: '/openapi.json', auth: null });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, { security?: unknown }>>; components: { securitySchemes: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.basicAuth).toMatchObject({ type: 'http', scheme: 'basic' });
    expect(doc.components.securitySchemes.sessionCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'keyward_session' });
    for (const [path, methods] of Object.entries(ROUTES)) {
      const item = doc.paths[path];
      expect(item, `${path} is missing from /openapi.json`).toBeDefined();
      const listed = Object.keys(item!).filter((m) => HTTP_METHODS.includes(m) && m !== 'head').sort();
      expect(listed, path).toEqual(expect.arrayContaining(methods));
      for (const method of methods) {
        const security = item![method]!.security;
        if (UNAUTHENTICATED.has(path)) expect(security, `${method} ${path}`).toBeUndefined();
        else if (SESSION_ONLY.has(path)) expect(security, `${method} ${path}`).toEqual([{ sessionCookie: [] }]);
        else expect(security, `${method} ${path}`).toEqual([{ basicAuth: [] }, { sessionCookie: [] }]);
      }
    }
  });

  it.skipIf(skip)('answers a failure inside a route with a 500 that holds neither a stack trace nor a driver message', async () => {
    const db = h.server.runtime.store.db;
    await sql`alter table environments rename to environments_moved`.execute(db);
    try {
      const res = await h.call({ method: 'GET', url: '/org/v2/environments', headers: { 'x-request-id': 'broken-1' } });
      const entry = expectError(res, 500, 'internal_error', 'Internal error; quote request id broken-1 when reporting it');
      expect(entry.title).toBe('Internal Server Error');
      expect(res.body).not.toMatch(/environments|sqlite|relation|SELECT|select|\bat\b/i);
      expect(Object.keys(res.json())).toEqual(['errors']);
    } finally {
      await sql`alter table environments_moved rename to environments`.execute(db);
    }
    expect((await h.call({ method: 'GET', url: '/org/v2/environments' })).statusCode).toBe(200);
  });

  it.skipIf(skip)('never leaks a secret, a digest or a stack trace and always sends X-Request-Id', () => {
    expectNoLeaks(h.recorded);
    expect(h.recorded.some((r) => r.status === 500)).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { basic, startTestServer, type TestServer } from '../helpers/runtime.js';

/**
 * Issue 8 §3: a browser that once answered a Basic prompt must not be usable cross-site. A form
 * or text/plain POST needs no CORS preflight, so management routes refuse every body that is not
 * JSON (415) before anything runs, never send a Basic challenge, and secrets are never cached.
 */
describe.each(DIALECTS)('browsers cannot be turned against the API on $name', ({ name, skip, create }) => {
  let server: TestServer;

  const countRows = async () => {
    const db = server.runtime.store.db;
    const [bindings, keys, policy] = await Promise.all([
      db.selectFrom('role_bindings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      db.selectFrom('api_keys').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      server.call({ method: 'GET', url: '/keyward/v1/policy' }),
    ]);
    return { bindings: Number(bindings.n), keys: Number(keys.n), policy: policy.body };
  };

  beforeAll(async () => {
    if (skip) return;
    server = await startTestServer(await create());
  });
  afterAll(async () => server?.close());

  const crossSite = [
    { type: 'application/x-www-form-urlencoded', body: 'principal=User%3Au-evil&role_name=OrganizationAdmin&crn_pattern=crn%3A%2F%2Fconfluent.cloud%2Forganization%3D*' },
    { type: 'text/plain', body: '{"principal":"User:u-evil","role_name":"OrganizationAdmin","crn_pattern":"crn://confluent.cloud/organization=*"}' },
    { type: 'multipart/form-data; boundary=x', body: '--x\r\nContent-Disposition: form-data; name="principal"\r\n\r\nUser:u-evil\r\n--x--\r\n' },
  ];

  it.skipIf(skip)(`a cross-site form or text/plain POST is 415 and changes nothing (${name})`, async () => {
    const before = await countRows();
    for (const { type, body } of crossSite) {
      for (const [method, url] of [['POST', '/iam/v2/role-bindings'], ['PATCH', '/keyward/v1/policy'], ['POST', '/iam/v2/api-keys'], ['POST', '/iam/v2/service-accounts']] as const) {
        const res = await server.call({ method, url, headers: { 'content-type': type }, payload: body });
        expect(res.statusCode, `${method} ${url} ${type}: ${res.body}`).toBe(415);
        expect(res.json().errors[0]).toMatchObject({ status: '415', code: 'unsupported_media_type', detail: 'Send the request body as application/json' });
        expect(res.headers['x-request-id']).toBeTruthy();
      }
    }
    // also without credentials: refused before authentication is even tried
    const anonymous = await server.call({ method: 'POST', url: '/iam/v2/role-bindings', auth: null, headers: { 'content-type': 'text/plain' }, payload: 'x' });
    expect(anonymous.statusCode).toBe(415);
    expect(await countRows()).toEqual(before);
  });

  it.skipIf(skip)(`JSON bodies and requests without a body still work (${name})`, async () => {
    const sa = await server.call({ method: 'POST', url: '/iam/v2/service-accounts', headers: { 'content-type': 'application/json; charset=utf-8' }, payload: JSON.stringify({ display_name: 'json-ok', description: 'd' }) });
    expect(sa.statusCode, sa.body).toBe(201);
    const lkc = (await server.call({ method: 'POST', url: '/cmk/v2/clusters', payload: { spec: { display_name: 'c', cloud: 'aws', region: 'r' } } })).json().id;
    const key = await server.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id: lkc }, owner: { id: sa.json().id } } } });
    expect(key.statusCode).toBe(201);
    // a bodiless POST (no content type at all) is fine
    const disabled = await server.call({ method: 'POST', url: `/keyward/v1/api-keys/${key.json().id}/disable` });
    expect(disabled.statusCode, disabled.body).toBe(200);
  });

  it.skipIf(skip)(`management 401s carry no Basic challenge; only auth/basic challenges (${name})`, async () => {
    for (const auth of [null, { key: server.admin.key, secret: 'kw_wrong' }]) {
      for (const url of ['/keyward/v1/whoami', '/iam/v2/api-keys', '/org/v2/environments']) {
        const res = await server.call({ method: 'GET', url, auth });
        expect(res.statusCode).toBe(401);
        expect(res.headers['www-authenticate']).toBeUndefined();
      }
    }
    const lkc = (await server.call({ method: 'POST', url: '/cmk/v2/clusters', payload: { spec: { display_name: 'c2', cloud: 'aws', region: 'r' } } })).json().id;
    const nginxGate = await server.runtime.app.inject({ method: 'GET', url: `/keyward/v1/auth/basic?resource=${lkc}` });
    expect(nginxGate.statusCode).toBe(401);
    expect(nginxGate.headers['www-authenticate']).toBe('Basic realm="keyward"');
  });

  it.skipIf(skip)(`every response that carries a secret says Cache-Control: no-store (${name})`, async () => {
    const lkc = (await server.call({ method: 'POST', url: '/cmk/v2/clusters', payload: { spec: { display_name: 'c3', cloud: 'aws', region: 'r' } } })).json().id;
    const sa = (await server.call({ method: 'POST', url: '/iam/v2/service-accounts', payload: { display_name: 'nostore', description: 'd' } })).json().id;
    const created = await server.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id: lkc }, owner: { id: sa } } } });
    const cloud = await server.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id: 'cloud' }, owner: { id: sa } } } });
    const rotated = await server.call({ method: 'POST', url: `/keyward/v1/api-keys/${created.json().id}/rotate` });
    const user = await server.call({ method: 'POST', url: '/iam/v2/users', payload: { email: 'nostore@example.com', full_name: 'No Store' } });
    const token = await server.runtime.app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(rotated.json().id, rotated.json().spec.secret) },
      payload: 'grant_type=client_credentials',
    });
    for (const [what, res] of Object.entries({ created, cloud, rotated, user, token })) {
      expect(res.statusCode, `${what}: ${res.body}`).toBeLessThan(300);
      expect(res.body, what).toMatch(/kw_|access_token/);
      expect(res.headers['cache-control'], what).toBe('no-store');
    }
    // and lists and reads too: nothing of the API is for a cache
    expect((await server.call({ method: 'GET', url: '/iam/v2/api-keys' })).headers['cache-control']).toBe('no-store');
  });
});

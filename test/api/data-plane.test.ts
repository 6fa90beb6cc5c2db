import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { basic, startTestServer, type TestServer } from '../helpers/runtime.js';

interface Key {
  key: string;
  secret: string;
}

describe.each(DIALECTS)('data plane on $name', ({ name, skip, create }) => {
  let server: TestServer;
  let now = new Date('2026-11-28T12:00:00Z');
  let lkcA: string;
  let lkcB: string;
  let saId: string;
  let keyA: Key;

  const verify = (payload: unknown, remoteAddress = '127.0.0.1') =>
    server.runtime.app.inject({ method: 'POST', url: '/keyward/v1/verify', payload: payload as object, remoteAddress });
  const authBasic = (k: Key | null, query: string, remoteAddress = '127.0.0.1') =>
    server.runtime.app.inject({ method: 'GET', url: `/keyward/v1/auth/basic?${query}`, headers: k ? { authorization: basic(k.key, k.secret) } : {}, remoteAddress });
  const createKey = async (spec: Record<string, unknown>): Promise<Key> => {
    const res = await server.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec } });
    expect(res.statusCode, res.body).toBe(201);
    return { key: res.json().id, secret: res.json().spec.secret };
  };

  beforeAll(async () => {
    if (skip) return;
    server = await startTestServer(await create(), { clock: () => now });
    const cluster = async (n: string) => (await server.call({ method: 'POST', url: '/cmk/v2/clusters', payload: { spec: { display_name: n, cloud: 'aws', region: 'us-east-1' } } })).json().id as string;
    lkcA = await cluster('a');
    lkcB = await cluster('b');
    saId = (await server.call({ method: 'POST', url: '/iam/v2/service-accounts', payload: { display_name: 'orders-app', description: 'd' } })).json().id;
    keyA = await createKey({ resource: { id: lkcA }, owner: { id: saId } });
  });
  afterAll(async () => server?.close());

  it.skipIf(skip)(`answers VALID with the key's principal, owner and resource (${name})`, async () => {
    const res = await verify({ ...keyA, resource: lkcA });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      valid: true, code: 'VALID', key: keyA.key, principal: `User:${saId}`, owner: { id: saId, kind: 'ServiceAccount' },
      resource: { id: lkcA, type: 'kafka', environment: expect.stringMatching(/^env-/) }, expires_at: null,
    });
    expect((await verify(keyA)).json().code).toBe('VALID');
  });

  it.skipIf(skip)(`answers an unknown key and a wrong secret alike (${name})`, async () => {
    const unknown = await verify({ key: 'AAAAAAAAAAAAAAAA', secret: keyA.secret }, '10.1.0.1');
    const wrong = await verify({ key: keyA.key, secret: keyA.secret.slice(0, -1) + (keyA.secret.endsWith('a') ? 'b' : 'a') }, '10.1.0.2');
    expect(unknown.statusCode).toBe(200);
    expect(unknown.json()).toEqual({ valid: false, code: 'INVALID_CREDENTIALS' });
    expect(wrong.json()).toEqual(unknown.json());
  });

  it.skipIf(skip)(`refuses a key for another resource (${name})`, async () => {
    expect((await verify({ ...keyA, resource: lkcB })).json()).toMatchObject({ valid: false, code: 'WRONG_RESOURCE' });
  });

  it.skipIf(skip)(`disabling and enabling a key or its owner takes effect on the next request (${name})`, async () => {
    expect((await verify(keyA)).json().code).toBe('VALID');
    expect((await server.call({ method: 'POST', url: `/keyward/v1/api-keys/${keyA.key}/disable` })).statusCode).toBe(200);
    expect((await verify(keyA)).json().code).toBe('DISABLED');
    await server.call({ method: 'POST', url: `/keyward/v1/api-keys/${keyA.key}/enable` });
    expect((await verify(keyA)).json().code).toBe('VALID');
    await server.call({ method: 'POST', url: `/keyward/v1/service-accounts/${saId}/disable` });
    expect((await verify(keyA)).json()).toMatchObject({ code: 'DISABLED', reason: `The owner ${saId} is disabled` });
    await server.call({ method: 'POST', url: `/keyward/v1/service-accounts/${saId}/enable` });
    expect((await verify(keyA)).json().code).toBe('VALID');
  });

  it.skipIf(skip)(`expires keys at their expiry time (${name})`, async () => {
    const k = await createKey({ resource: { id: lkcA }, owner: { id: saId }, expires_in: '1h' });
    expect((await verify(k)).json().code).toBe('VALID');
    const saved = now;
    now = new Date(saved.getTime() + 2 * 3_600_000);
    try {
      expect((await verify(k)).json()).toMatchObject({ valid: false, code: 'EXPIRED' });
    } finally {
      now = saved;
    }
  });

  it.skipIf(skip)(`refuses a deleted key on the very next request (${name})`, async () => {
    const k = await createKey({ resource: { id: lkcA }, owner: { id: saId } });
    expect((await verify(k)).json().code).toBe('VALID');
    expect((await server.call({ method: 'DELETE', url: `/iam/v2/api-keys/${k.key}` })).statusCode).toBe(204);
    expect((await verify(k)).json().code).toBe('INVALID_CREDENTIALS');
  });

  it.skipIf(skip)(`answers a malformed body with 400 (${name})`, async () => {
    for (const payload of [{ key: keyA.key }, { key: 1, secret: 'x' }, { ...keyA, action: { operation: 'READ' } }, { ...keyA, extra: true }]) {
      const res = await verify(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().errors[0].code).toBe('bad_request');
    }
    const notJson = await server.runtime.app.inject({ method: 'POST', url: '/keyward/v1/verify', headers: { 'content-type': 'application/json' }, payload: '{"key":' });
    expect(notJson.statusCode).toBe(400);
  });

  it.skipIf(skip)(`auth/basic answers nginx with 204, 401 and 403 (${name})`, async () => {
    const ok = await authBasic(keyA, `resource=${lkcA}`);
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['x-keyward-principal']).toBe(`User:${saId}`);
    expect(ok.headers['x-keyward-key']).toBe(keyA.key);
    const none = await authBasic(null, `resource=${lkcA}`);
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Basic realm="keyward"');
    const wrong = await authBasic({ key: keyA.key, secret: 'kw_nope' }, `resource=${lkcA}`, '10.2.0.1');
    expect(wrong.statusCode).toBe(401);
    expect((await authBasic(keyA, `resource=${lkcB}`)).statusCode).toBe(403);
  });

  it.skipIf(skip)(`rate-limits repeated failures for one key from one address, not the key's owner elsewhere (${name})`, async () => {
    const victim = await createKey({ resource: { id: lkcA }, owner: { id: saId } });
    const other = await createKey({ resource: { id: lkcA }, owner: { id: saId } });
    let last = 0;
    for (let i = 0; i < 12; i++) last = (await verify({ key: victim.key, secret: 'kw_wrong' }, '10.3.0.1')).statusCode;
    expect(last).toBe(429);
    const blocked = await verify(victim, '10.3.0.1');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ valid: false, code: 'RATE_LIMITED' });
    expect((await verify(victim, '10.3.1.1')).json().code).toBe('VALID');
    expect((await verify(other, '10.3.0.1')).json().code).toBe('VALID');
    await server.runtime.audit.flush();
    const blocks = await server.runtime.store.db.selectFrom('audit_events').select('event').where('api_key', '=', victim.key).execute();
    const reasons = blocks.map((b) => JSON.parse(b.event).data.result.reason);
    expect(reasons).toContain('RATE_LIMITED');
    expect(blocks.some((b) => JSON.parse(b.event).data.request?.blocked === 'key-address')).toBe(true);
  });

  it.skipIf(skip)(`records last_used and audit events without secrets (${name})`, async () => {
    const k = await createKey({ resource: { id: lkcA }, owner: { id: saId } });
    expect((await verify(k)).json().code).toBe('VALID');
    await server.runtime.services.close();
    const row = await server.runtime.store.db.selectFrom('api_keys').select(['last_used', 'secret_hash']).where('id', '=', k.key).executeTakeFirstOrThrow();
    expect(row.last_used).toBe(now.toISOString());
    await server.runtime.audit.flush();
    const events = await server.runtime.store.db.selectFrom('audit_events').selectAll().where('api_key', '=', k.key).execute();
    const auth = events.map((e) => JSON.parse(e.event)).filter((e) => e.type === 'io.keyward.authentication');
    expect(auth).toHaveLength(1);
    expect(auth[0].data).toMatchObject({
      methodName: 'keyward.Verify',
      authenticationInfo: { principal: `User:${saId}`, metadata: { mechanism: 'VERIFY_API', identifier: k.key } },
      requestMetadata: { clientAddress: '127.0.0.1' },
      result: { status: 'SUCCESS' },
    });
    const everything = JSON.stringify(await server.runtime.store.db.selectFrom('audit_events').selectAll().execute());
    expect(everything).not.toContain(k.secret);
    expect(everything).not.toContain(keyA.secret);
    expect(everything).not.toContain(row.secret_hash);
  });
});

import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { createRuntime, type Runtime } from '../../src/server/runtime.js';
import type { BootstrapResult } from '../../src/services/bootstrap.js';
import { hashSecret } from '../../src/domain/secrets.js';
import { SESSIONS_PER_KEY } from '../../src/services/sessions.js';
import { DIALECTS, type TestDatabase } from '../helpers/databases.js';
import { basic } from '../helpers/runtime.js';
import { expectError, fakeClock, START, type Clock } from './support.js';

/**
 * The web console's sessions (DESIGN §10) against a real store on each dialect: the cookie's
 * attributes, the CSRF rule, idle and absolute expiry, the end of a session whose key or owner is
 * disabled or deleted, logout, a second instance on the same database, and no token, hash or CSRF
 * token in the audit log or the server log.
 */
const MINUTE = 60_000;
const MASTER_KEY = 'sessions-test-master-key';

interface Login {
  token: string;
  csrf: string;
  setCookie: string;
  body: { principal: string; csrf_token: string; expires_at: string };
}

describe.each(DIALECTS)('console sessions on $name', ({ name, skip, create }) => {
  let db: TestDatabase;
  let runtime: Runtime;
  let admin: BootstrapResult;
  let clock: Clock;
  let logged = '';
  const tokens: string[] = [];

  const inject = (options: InjectOptions, on: Runtime = runtime) => on.app.inject(options);
  const asAdmin = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    inject({ method, url, headers: { authorization: basic(admin.key, admin.secret) }, ...(payload === undefined ? {} : { payload }) });
  /** A request with the session's cookie (and its CSRF token when `csrf` is given). */
  const withSession = (login: Pick<Login, 'token'>, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, options: { csrf?: string; payload?: object; on?: Runtime } = {}) =>
    inject(
      {
        method,
        url,
        headers: { cookie: `keyward_session=${login.token}`, ...(options.csrf === undefined ? {} : { 'x-csrf-token': options.csrf }) },
        ...(options.payload === undefined ? {} : { payload: options.payload }),
      },
      options.on,
    );

  async function login(key = admin.key, secret = admin.secret, on: Runtime = runtime): Promise<Login> {
    const res = await inject({ method: 'POST', url: '/keyward/v1/sessions', payload: { key, secret } }, on);
    expect(res.statusCode, res.body).toBe(201);
    const setCookie = String(res.headers['set-cookie']);
    const token = /^keyward_session=([^;]+);/.exec(setCookie)?.[1] ?? '';
    const body = res.json() as Login['body'];
    tokens.push(token, body.csrf_token);
    return { token, csrf: body.csrf_token, setCookie, body };
  }

  async function serviceAccountCloudKey(name: string): Promise<{ sa: string; key: string; secret: string }> {
    const sa = await asAdmin('POST', '/iam/v2/service-accounts', { display_name: name, description: '' });
    expect(sa.statusCode, sa.body).toBe(201);
    const key = await asAdmin('POST', '/iam/v2/api-keys', { spec: { resource: { id: 'cloud' }, owner: { id: sa.json().id } } });
    expect(key.statusCode, key.body).toBe(201);
    return { sa: sa.json().id, key: key.json().id, secret: key.json().spec.secret };
  }

  const sessionEvents = async (method: string) =>
    (await runtime.store.db.selectFrom('audit_events').select(['event']).where('method', '=', method).execute()).map((row) => JSON.parse(row.event) as { data: Record<string, any> }); // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    if (skip) return;
    db = await create();
    clock = fakeClock(START);
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logged += chunk.toString();
        callback();
      },
    });
    runtime = await createRuntime({ ...db.options, publicUrl: 'http://keyward.test', bootstrap: true, lock: true, clock, masterKey: MASTER_KEY, logger: { level: 'info', stream } });
    admin = runtime.bootstrapped as BootstrapResult;
  });
  afterAll(async () => {
    await runtime?.close();
    await db?.drop();
  });

  it.skipIf(skip)(`logs in with a cloud key: an HttpOnly, SameSite=Strict cookie holding a token stored only as its SHA-256 (${name})`, async () => {
    const session = await login();
    expect(session.setCookie).toMatch(/^keyward_session=kws_[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(session.body).toEqual({ principal: `User:${admin.user}`, csrf_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expires_at: new Date(START.getTime() + 12 * 60 * MINUTE).toISOString() });
    expect(JSON.stringify(session.body)).not.toContain(session.token);
    const rows = await runtime.store.db.selectFrom('console_sessions').selectAll().execute();
    expect(rows.map((r) => r.token_hash)).toContain(hashSecret(session.token));
    expect(JSON.stringify(rows)).not.toContain(session.token);

    // the management API accepts the session, and the console finds its CSRF token again after a reload
    const whoami = await withSession(session, 'GET', '/keyward/v1/whoami');
    expect(whoami.statusCode).toBe(200);
    expect(whoami.json()).toMatchObject({ principal: `User:${admin.user}`, api_key: admin.key });
    expect((await withSession(session, 'GET', '/keyward/v1/sessions/current')).json()).toEqual(session.body);

    const created = await sessionEvents('keyward.CreateSession');
    expect(created.length).toBeGreaterThan(0);
    expect(created.at(-1)!.data.authenticationInfo).toMatchObject({ principal: `User:${admin.user}`, metadata: { mechanism: 'CONSOLE_SESSION', identifier: admin.key } });
  });

  it.skipIf(skip)(`refuses a change sent with the cookie but without the session's CSRF token, and changes nothing (${name})`, async () => {
    const session = await login();
    const before = await runtime.store.db.selectFrom('service_accounts').select('id').execute();
    const payload = { display_name: 'forgery-victim', description: '' };
    for (const csrf of [undefined, '', 'x'.repeat(43), (await login()).csrf]) {
      const res = await withSession(session, 'POST', '/iam/v2/service-accounts', { csrf, payload });
      expectError(res, 403, 'user_unauthorized', "A console request that changes something must send its session's X-CSRF-Token header");
    }
    expect(await runtime.store.db.selectFrom('service_accounts').select('id').execute()).toEqual(before);

    const res = await withSession(session, 'POST', '/iam/v2/service-accounts', { csrf: session.csrf, payload });
    expect(res.statusCode, res.body).toBe(201);
    const event = (await sessionEvents('iam.CreateServiceAccount')).at(-1)!;
    expect(event.data.authenticationInfo.metadata.mechanism).toBe('CONSOLE_SESSION');
  });

  it.skipIf(skip)(`lets HTTP Basic win over a cookie, and answers 404 for the session of a Basic request (${name})`, async () => {
    const session = await login();
    const wrongBasic = await inject({ method: 'GET', url: '/keyward/v1/whoami', headers: { cookie: `keyward_session=${session.token}`, authorization: basic(admin.key, 'kw_wrong') } });
    expectError(wrongBasic, 401, 'user_unauthenticated');
    expectError(await asAdmin('GET', '/keyward/v1/sessions/current'), 404, 'not_found');
  });

  it.skipIf(skip)(`refuses a login with a wrong secret or a key that is not a cloud key, audited as a failed management login (${name})`, async () => {
    expectError(await inject({ method: 'POST', url: '/keyward/v1/sessions', payload: { key: admin.key, secret: 'kw_not-the-secret' } }), 401, 'user_unauthenticated', 'Invalid API key or secret');
    const cluster = await asAdmin('POST', '/cmk/v2/clusters', { spec: { display_name: 'login-cluster', cloud: 'aws', region: 'us-east-1' } });
    const kafkaKey = await asAdmin('POST', '/iam/v2/api-keys', { spec: { resource: { id: cluster.json().id } } });
    expect(kafkaKey.statusCode, kafkaKey.body).toBe(201);
    const wrongResource = await inject({ method: 'POST', url: '/keyward/v1/sessions', payload: { key: kafkaKey.json().id, secret: kafkaKey.json().spec.secret } });
    expectError(wrongResource, 401, 'user_unauthenticated', 'Use a cloud API key for the management API');
    expect(wrongResource.headers['set-cookie']).toBeUndefined();
    expectError(await inject({ method: 'POST', url: '/keyward/v1/sessions', payload: { key: admin.key } }), 422, 'invalid_configuration');
    expectError(await inject({ method: 'POST', url: '/keyward/v1/sessions', payload: { key: admin.key, secret: 'x', remember: true } }), 422, 'invalid_configuration');
    await runtime.audit.flush();
    const failures = (await sessionEvents('keyward.ManagementLogin')).filter((e) => e.data.authenticationInfo.metadata.mechanism === 'CONSOLE_SESSION');
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0]!.data.result.status).toBe('UNAUTHENTICATED');
  });

  it.skipIf(skip)(`shares HTTP Basic's brute-force guard: an address guessing a key's secret is blocked, the owner elsewhere is not (${name})`, async () => {
    const account = await serviceAccountCloudKey('guessed');
    const attempt = (secret: string, remoteAddress: string) => inject({ method: 'POST', url: '/keyward/v1/sessions', payload: { key: account.key, secret }, remoteAddress });
    for (let i = 0; i < 10; i++) expectError(await attempt(`kw_guess-${i}`, '127.0.0.9'), 401, 'user_unauthenticated');
    const blocked = await attempt(account.secret, '127.0.0.9');
    expectError(blocked, 429, 'too_many_requests');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.headers['set-cookie']).toBeUndefined();
    const owner = await attempt(account.secret, '127.0.0.1');
    expect(owner.statusCode, owner.body).toBe(201);
  });

  it.skipIf(skip)(`ends a session after 30 minutes without a request, clearing its cookie (${name})`, async () => {
    const session = await login();
    clock.advance(29 * MINUTE);
    expect((await withSession(session, 'GET', '/keyward/v1/whoami')).statusCode).toBe(200); // a request: the idle time starts again
    clock.advance(29 * MINUTE);
    expect((await withSession(session, 'GET', '/keyward/v1/whoami')).statusCode).toBe(200);
    clock.advance(30 * MINUTE);
    const ended = await withSession(session, 'GET', '/keyward/v1/whoami');
    expectError(ended, 401, 'user_unauthenticated', 'The console session has ended; log in again');
    expect(String(ended.headers['set-cookie'])).toMatch(/^keyward_session=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict$/);
    const reasons = (await sessionEvents('keyward.EndSession')).map((e) => e.data.request.reason as string);
    expect(reasons).toContain('the session was idle for 30 minutes');
  });

  it.skipIf(skip)(`ends a session 12 hours after login however busy it is (${name})`, async () => {
    const session = await login();
    for (let minutes = 0; minutes < 12 * 60 - 20; minutes += 20) {
      clock.advance(20 * MINUTE);
      expect((await withSession(session, 'GET', '/keyward/v1/whoami')).statusCode).toBe(200);
    }
    clock.advance(20 * MINUTE);
    expectError(await withSession(session, 'GET', '/keyward/v1/whoami'), 401, 'user_unauthenticated');
  });

  it.skipIf(skip)(`ends every session of a key at once when the key or its owner is disabled, or the key deleted (${name})`, async () => {
    const account = await serviceAccountCloudKey('console-operator');
    await asAdmin('POST', '/iam/v2/role-bindings', { principal: `User:${account.sa}`, role_name: 'MetricsViewer', crn_pattern: `crn://keyward/organization=${admin.organization}` });

    const byKey = await login(account.key, account.secret);
    const other = await login(account.key, account.secret);
    expect((await withSession(byKey, 'GET', '/keyward/v1/whoami')).statusCode).toBe(200);
    expect((await asAdmin('POST', `/keyward/v1/api-keys/${account.key}/disable`)).statusCode).toBe(200);
    // the disable itself ended both, in its transaction: no request came in between, yet enabling the key again revives neither
    expect(await runtime.store.db.selectFrom('console_sessions').select('id').where('api_key_id', '=', account.key).execute()).toEqual([]);
    expect((await asAdmin('POST', `/keyward/v1/api-keys/${account.key}/enable`)).statusCode).toBe(200);
    expectError(await withSession(byKey, 'GET', '/keyward/v1/whoami'), 401, 'user_unauthenticated');
    expectError(await withSession(other, 'GET', '/keyward/v1/whoami'), 401, 'user_unauthenticated');

    const byOwner = await login(account.key, account.secret);
    expect((await asAdmin('POST', `/keyward/v1/service-accounts/${account.sa}/disable`)).statusCode).toBe(200);
    expect((await asAdmin('POST', `/keyward/v1/service-accounts/${account.sa}/enable`)).statusCode).toBe(200);
    expectError(await withSession(byOwner, 'GET', '/keyward/v1/whoami'), 401, 'user_unauthenticated');

    const byDeletion = await login(account.key, account.secret);
    expect((await asAdmin('DELETE', `/iam/v2/api-keys/${account.key}`)).statusCode).toBe(204);
    expectError(await withSession(byDeletion, 'GET', '/keyward/v1/whoami'), 401, 'user_unauthenticated');

    const ends = (await sessionEvents('keyward.EndSession')).filter((e) => e.data.request.api_key === account.key);
    expect(ends.map((e) => e.data.request.reason)).toEqual(['its API key is disabled', 'its API key is disabled', `the owner ${account.sa} is disabled`, 'its API key was deleted']);
    // each ended by the admin's change that revoked it, named as its actor
    for (const end of ends) expect(end.data.authenticationInfo.principal).toBe(`User:${admin.user}`);
  });

  it.skipIf(skip)(`logs out: the session ends, the cookie is cleared, a second logout finds nothing (${name})`, async () => {
    const session = await login();
    expectError(await withSession(session, 'DELETE', '/keyward/v1/sessions/current'), 403, 'user_unauthorized');
    const out = await withSession(session, 'DELETE', '/keyward/v1/sessions/current', { csrf: session.csrf });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^keyward_session=; Max-Age=0;/);
    expectError(await withSession(session, 'GET', '/keyward/v1/sessions/current'), 401, 'user_unauthenticated');
    expectError(await withSession(session, 'DELETE', '/keyward/v1/sessions/current', { csrf: session.csrf }), 401, 'user_unauthenticated');
    expect((await sessionEvents('keyward.DeleteSession')).length).toBe(1);
  });

  it.skipIf(skip)(`is never accepted by the data plane, and two session cookies in one request are no session (${name})`, async () => {
    const session = await login();
    const cookie = { cookie: `keyward_session=${session.token}` };
    const verify = await inject({ method: 'POST', url: '/keyward/v1/verify', headers: cookie, payload: { key: admin.key, secret: 'kw_not-the-secret' } });
    expect(verify.json()).toMatchObject({ valid: false, code: 'INVALID_CREDENTIALS' });
    expect((await inject({ method: 'GET', url: '/keyward/v1/auth/basic', headers: cookie })).statusCode).toBeGreaterThanOrEqual(400);
    expect((await inject({ method: 'POST', url: '/oauth2/token', headers: cookie, payload: { grant_type: 'client_credentials' } })).statusCode).toBeGreaterThanOrEqual(400);

    const planted = await login();
    const twice = await inject({ method: 'GET', url: '/keyward/v1/whoami', headers: { cookie: `keyward_session=${planted.token}; keyward_session=${session.token}` } });
    expectError(twice, 401, 'user_unauthenticated');
    expect(String(twice.headers['set-cookie'])).toMatch(/^keyward_session=; Max-Age=0;/);
    expect((await withSession(session, 'GET', '/keyward/v1/whoami')).statusCode).toBe(200);
  });

  it.skipIf(skip)(`keeps at most ${SESSIONS_PER_KEY} live sessions per key: a new login ends the oldest (${name})`, async () => {
    const account = await serviceAccountCloudKey('many-logins');
    const sessions: Login[] = [];
    for (let i = 0; i <= SESSIONS_PER_KEY; i++) {
      sessions.push(await login(account.key, account.secret));
      clock.advance(1000);
    }
    expectError(await withSession(sessions[0]!, 'GET', '/keyward/v1/whoami'), 401, 'user_unauthenticated');
    for (const live of sessions.slice(1)) expect((await withSession(live, 'GET', '/keyward/v1/whoami')).statusCode).toBe(200);
  });

  it.skipIf(skip)(`ignores malformed and unknown cookies: 401, nothing audited (${name})`, async () => {
    const before = (await runtime.store.db.selectFrom('audit_events').select('id').execute()).length;
    for (const token of ['', 'nonsense', 'kws_' + 'A'.repeat(43), `${(await login()).token}x`]) {
      expectError(await withSession({ token }, 'GET', '/keyward/v1/whoami'), 401, 'user_unauthenticated');
    }
    // the login above is the one event
    expect((await runtime.store.db.selectFrom('audit_events').select('id').execute()).length).toBe(before + 1);
  });

  it.skipIf(skip || name !== 'postgres')('is served by a second instance on the same database, which ends it as soon as the key is disabled through the first', async () => {
    const second = await createRuntime({ ...db.options, publicUrl: 'http://keyward.test', bootstrap: false, lock: false, clock, masterKey: MASTER_KEY });
    try {
      const account = await serviceAccountCloudKey('two-instances');
      const session = await login(account.key, account.secret);
      expect((await withSession(session, 'GET', '/keyward/v1/whoami', { on: second })).statusCode).toBe(200);
      expect((await asAdmin('POST', `/keyward/v1/api-keys/${account.key}/disable`)).statusCode).toBe(200);
      expectError(await withSession(session, 'GET', '/keyward/v1/whoami', { on: second }), 401, 'user_unauthenticated');
      const fromSecond = await login(admin.key, admin.secret, second);
      expect((await withSession(fromSecond, 'GET', '/keyward/v1/whoami')).statusCode).toBe(200);
    } finally {
      await second.close();
    }
  });

  it.skipIf(skip)(`never writes a session token, its hash or a CSRF token to the audit log or the server log (${name})`, async () => {
    await runtime.audit.flush();
    const events = (await runtime.store.db.selectFrom('audit_events').select('event').execute()).map((row) => row.event).join('\n');
    expect(tokens.length).toBeGreaterThan(10);
    expect(logged).toContain('"url":"/keyward/v1/sessions"'); // the log does see the logins
    for (const token of tokens) {
      for (const haystack of [events, logged]) {
        expect(haystack).not.toContain(token.replace(/^kws_/, ''));
        expect(haystack).not.toContain(hashSecret(token));
      }
    }
    expect(events).not.toMatch(/csrf/i);
  });
});

describe('the session cookie over HTTPS', () => {
  it('is Secure when the public URL is https', async () => {
    const db = await DIALECTS[0]!.create();
    const runtime = await createRuntime({ ...db.options, publicUrl: 'https://keyward.example', bootstrap: true, lock: true, masterKey: MASTER_KEY });
    try {
      const admin = runtime.bootstrapped as BootstrapResult;
      const res = await runtime.app.inject({ method: 'POST', url: '/keyward/v1/sessions', payload: { key: admin.key, secret: admin.secret } });
      expect(res.statusCode, res.body).toBe(201);
      expect(String(res.headers['set-cookie'])).toMatch(/^keyward_session=kws_[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    } finally {
      await runtime.close();
      await db.drop();
    }
  });
});

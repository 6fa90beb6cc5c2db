import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { DIALECTS, createPostgresSchema, postgresAvailable, type TestDatabase } from '../helpers/databases.js';
import { createRuntime, type Runtime } from '../../src/server/runtime.js';
import { basic } from '../helpers/runtime.js';
import { createOrgAdminGuard } from '../../src/services/org-admin-guard.js';
import { LAST_ADMIN_KEY_LEAKED } from '../../src/services/leaks.js';
import { createKey, createServiceAccount, createUser, expectError, orgCrn, startHarness, type ApiHarness, type Credentials } from '../api/support.js';

/**
 * DESIGN §9: the organization always keeps an enabled OrganizationAdmin with a usable cloud key
 * (checked transactionally across instances), and only an OrganizationAdmin changes an
 * OrganizationAdmin. Each case is an attack or mistake that succeeded before the guard.
 */

const NO_ADMIN = /would leave the organization without an OrganizationAdmin that can log in/;
const ONLY_ADMIN = /is an OrganizationAdmin; only an OrganizationAdmin may/;

async function bind(h: ApiHarness, principal: string, role: string, auth?: Credentials): Promise<string> {
  const res = await h.call({ method: 'POST', url: '/iam/v2/role-bindings', ...(auth ? { auth } : {}), payload: { principal, role_name: role, crn_pattern: orgCrn(h) } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function bindingsOf(h: ApiHarness, principal: string): Promise<Array<{ id: string; role_name: string }>> {
  return h.server.runtime.store.db.selectFrom('role_bindings').select(['id', 'role_name']).where('principal', '=', principal).execute();
}

async function canLogIn(h: ApiHarness, auth: Credentials): Promise<boolean> {
  return (await h.call({ method: 'GET', url: '/keyward/v1/whoami', auth })).statusCode === 200;
}

describe.each(DIALECTS)('the organization keeps an administrator on $name', ({ name, skip, create }) => {
  let h: ApiHarness;
  let admin: Credentials;
  let adminBinding: string;

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(await create());
    admin = { key: h.admin.key, secret: h.admin.secret };
    adminBinding = (await bindingsOf(h, `User:${h.admin.user}`))[0]!.id;
  });
  afterAll(async () => h?.close());

  it.skipIf(skip)(`an AccountAdmin can change no OrganizationAdmin: not its user, keys, service account or bindings (${name})`, async () => {
    const accounts = await createUser(h, 'accounts@example.com');
    await bind(h, `User:${accounts.id}`, 'AccountAdmin');
    const robot = await createServiceAccount(h, 'admin-robot');
    await bind(h, `User:${robot}`, 'OrganizationAdmin');
    const robotKey = await createKey(h, 'cloud', { owner: robot });
    const as = accounts;
    const refused: Array<[string, string, unknown?]> = [
      ['DELETE', `/iam/v2/users/${h.admin.user}`],
      ['PATCH', `/iam/v2/users/${h.admin.user}`, { full_name: 'Pwned' }],
      ['POST', `/keyward/v1/api-keys/${h.admin.key}/disable`],
      ['DELETE', `/iam/v2/api-keys/${h.admin.key}`],
      ['PATCH', `/iam/v2/api-keys/${h.admin.key}`, { spec: { description: 'mine now' } }],
      ['POST', `/keyward/v1/service-accounts/${robot}/disable`],
      ['PATCH', `/iam/v2/service-accounts/${robot}`, { description: 'mine now' }],
      ['DELETE', `/iam/v2/service-accounts/${robot}`],
      ['POST', `/keyward/v1/api-keys/${robotKey.key}/disable`],
      ['DELETE', `/iam/v2/api-keys/${robotKey.key}`],
      ['POST', `/keyward/v1/api-keys/${robotKey.key}/rotate`, {}],
    ];
    for (const [method, url, payload] of refused) {
      const res = await h.call({ method: method as 'GET', url, auth: as.auth, ...(payload !== undefined ? { payload: payload as object } : {}) });
      expect({ route: `${method} ${url}`, status: res.statusCode }).toEqual({ route: `${method} ${url}`, status: 403 });
      expectError(res, 403, 'user_unauthorized');
    }
    // the messages that come from the guard name the rule
    expectError(await h.call({ method: 'DELETE', url: `/iam/v2/users/${h.admin.user}`, auth: as.auth }), 403, 'user_unauthorized', ONLY_ADMIN);
    expectError(await h.call({ method: 'POST', url: `/keyward/v1/service-accounts/${robot}/disable`, auth: as.auth }), 403, 'user_unauthorized', ONLY_ADMIN);
    // nothing changed: both administrators still log in with their keys
    expect(await canLogIn(h, admin)).toBe(true);
    expect(await canLogIn(h, robotKey)).toBe(true);
    expect((await h.call({ method: 'GET', url: `/iam/v2/users/${h.admin.user}` })).json().full_name).toBe('Administrator');
    // and an AccountAdmin still manages everyone else
    const other = await createUser(h, 'other@example.com');
    expect((await h.call({ method: 'DELETE', url: `/iam/v2/users/${other.id}`, auth: as.auth })).statusCode).toBe(204);
    // an OrganizationAdmin may change another one
    expect((await h.call({ method: 'DELETE', url: `/iam/v2/service-accounts/${robot}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)(`a ResourceOwner on an administrator service account cannot touch it or its keys, nor bind it (${name})`, async () => {
    const robot = await createServiceAccount(h, 'owned-admin-robot');
    await bind(h, `User:${robot}`, 'OrganizationAdmin');
    const robotKey = await createKey(h, 'cloud', { owner: robot });
    const owner = await createUser(h, 'owner@example.com');
    const crn = `${orgCrn(h)}/service-account=${robot}`;
    const binding = await h.call({ method: 'POST', url: '/iam/v2/role-bindings', payload: { principal: `User:${owner.id}`, role_name: 'ResourceOwner', crn_pattern: crn } });
    expect(binding.statusCode, binding.body).toBe(201);
    expectError(await h.call({ method: 'POST', url: `/keyward/v1/api-keys/${robotKey.key}/disable`, auth: owner.auth }), 403, 'user_unauthorized', ONLY_ADMIN);
    expectError(await h.call({ method: 'DELETE', url: `/iam/v2/api-keys/${robotKey.key}`, auth: owner.auth }), 403, 'user_unauthorized', ONLY_ADMIN);
    // binding a role to an administrator is changing it too
    const rb = await h.call({ method: 'POST', url: '/iam/v2/role-bindings', auth: owner.auth, payload: { principal: `User:${robot}`, role_name: 'ResourceOwner', crn_pattern: crn } });
    expectError(rb, 403, 'user_unauthorized');
    expect(await canLogIn(h, robotKey)).toBe(true);
    expect((await h.call({ method: 'DELETE', url: `/iam/v2/service-accounts/${robot}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)(`the last administrator cannot disable, delete or unbind itself, nor be left without a usable key (${name})`, async () => {
    // the bootstrap administrator is the only OrganizationAdmin
    expectError(await h.call({ method: 'POST', url: `/keyward/v1/api-keys/${h.admin.key}/disable` }), 422, 'invalid_configuration', NO_ADMIN);
    expectError(await h.call({ method: 'DELETE', url: `/iam/v2/api-keys/${h.admin.key}` }), 422, 'invalid_configuration', NO_ADMIN);
    expectError(await h.call({ method: 'DELETE', url: `/iam/v2/role-bindings/${adminBinding}` }), 422, 'invalid_configuration', NO_ADMIN);
    expect(await canLogIn(h, admin)).toBe(true);

    // an administrator without a usable key does not count: one without any key ...
    const robot = await createServiceAccount(h, 'keyless-admin');
    await bind(h, `User:${robot}`, 'OrganizationAdmin');
    expectError(await h.call({ method: 'DELETE', url: `/iam/v2/role-bindings/${adminBinding}` }), 422, 'invalid_configuration', NO_ADMIN);
    // ... one whose only key is expired or disabled ...
    const expiring = await h.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id: 'cloud' }, owner: { id: robot }, expires_in: '1h' } } });
    expect(expiring.statusCode, expiring.body).toBe(201);
    h.clock.advance(2 * 3600_000);
    expectError(await h.call({ method: 'POST', url: `/keyward/v1/api-keys/${h.admin.key}/disable` }), 422, 'invalid_configuration', NO_ADMIN);
    const robotKey = await createKey(h, 'cloud', { owner: robot });
    expect((await h.call({ method: 'POST', url: `/keyward/v1/api-keys/${robotKey.key}/disable` })).statusCode).toBe(200);
    expectError(await h.call({ method: 'DELETE', url: `/iam/v2/users/${h.admin.user}`, auth: robotKey }), 401, 'user_unauthenticated');
    expectError(await h.call({ method: 'DELETE', url: `/iam/v2/role-bindings/${adminBinding}` }), 422, 'invalid_configuration', NO_ADMIN);
    // ... or a disabled service account
    expect((await h.call({ method: 'POST', url: `/keyward/v1/api-keys/${robotKey.key}/enable` })).statusCode).toBe(200);
    expect((await h.call({ method: 'POST', url: `/keyward/v1/service-accounts/${robot}/disable` })).statusCode).toBe(200);
    expectError(await h.call({ method: 'DELETE', url: `/iam/v2/role-bindings/${adminBinding}` }), 422, 'invalid_configuration', NO_ADMIN);
    expect((await h.call({ method: 'POST', url: `/keyward/v1/service-accounts/${robot}/enable` })).statusCode).toBe(200);

    // with a second administrator who can log in, the first may go; then the second is the last
    expect(await canLogIn(h, robotKey)).toBe(true);
    expect((await h.call({ method: 'DELETE', url: `/iam/v2/users/${h.admin.user}`, auth: robotKey })).statusCode).toBe(204);
    expectError(await h.call({ method: 'POST', url: `/keyward/v1/service-accounts/${robot}/disable`, auth: robotKey }), 422, 'invalid_configuration', NO_ADMIN);
    expectError(await h.call({ method: 'POST', url: `/keyward/v1/api-keys/${robotKey.key}/disable`, auth: robotKey }), 422, 'invalid_configuration', NO_ADMIN);
    expectError(await h.call({ method: 'DELETE', url: `/iam/v2/service-accounts/${robot}`, auth: robotKey }), 422, 'invalid_configuration', NO_ADMIN);
    const robotBinding = (await bindingsOf(h, `User:${robot}`)).find((b) => b.role_name === 'OrganizationAdmin')!.id;
    expectError(await h.call({ method: 'DELETE', url: `/iam/v2/role-bindings/${robotBinding}`, auth: robotKey }), 422, 'invalid_configuration', NO_ADMIN);

    // rotating the last key with grace 0 is allowed: its replacement is the usable key
    const rotated = await h.call({ method: 'POST', url: `/keyward/v1/api-keys/${robotKey.key}/rotate`, auth: robotKey, payload: { grace: '0' } });
    expect(rotated.statusCode, rotated.body).toBe(201);
    const next = { key: rotated.json().id as string, secret: rotated.json().spec.secret as string };
    expect(await canLogIn(h, next)).toBe(true);

    // another administrator's leaked key is disabled as usual
    const created = await h.call({ method: 'POST', url: '/iam/v2/service-accounts', auth: next, payload: { display_name: 'second-admin', description: '' } });
    expect(created.statusCode, created.body).toBe(201);
    const second = created.json().id as string;
    await bind(h, `User:${second}`, 'OrganizationAdmin', next);
    const secondKey = await createKey(h, 'cloud', { owner: second, auth: next });
    const leak2 = await h.call({ method: 'POST', url: '/keyward/v1/leaks', auth: next, payload: [{ token: secondKey.secret, type: 'keyward_api_secret', url: 'https://example.com/leak', source: 'test' }] });
    expect(leak2.statusCode, leak2.body).toBe(200);
    expect(await canLogIn(h, secondKey)).toBe(false);

    // a leaked secret is public: even the last usable administrator key is disabled, and the audit
    // event says that only `server recover-admin` restores an administrator
    const leak = await h.call({ method: 'POST', url: '/keyward/v1/leaks', auth: next, payload: [{ token: next.secret, type: 'keyward_api_secret', url: 'https://example.com/leak', source: 'test' }] });
    expect(leak.statusCode, leak.body).toBe(200);
    expect(leak.json()[0].label).toBe('true_positive');
    expect(await canLogIn(h, next)).toBe(false);
    const events = await h.server.runtime.store.db.selectFrom('audit_events').select('event').where('method', '=', 'keyward.ReportLeak').execute();
    const details = events.map((e) => (JSON.parse(e.event) as { data: { request: { details?: Record<string, unknown> } } }).data);
    expect(JSON.stringify(details)).toContain(LAST_ADMIN_KEY_LEAKED);
  });
});

/**
 * Two instances on one PostgreSQL schema, each deleting one of the last two ways to log in as an
 * administrator at the same moment: without a lock both checks see the other's binding and both
 * commit (2 of 8 trials left none before the guard). With it exactly one change wins every time.
 */
describe.skipIf(!postgresAvailable)('the administrator invariant across two instances on PostgreSQL', () => {
  let db: TestDatabase;
  let one: Runtime;
  let two: Runtime;
  let org: string;
  let root: Credentials;

  const call = (rt: Runtime, auth: Credentials, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object): Promise<LightMyRequestResponse> =>
    rt.app.inject({ method, url, headers: { authorization: basic(auth.key, auth.secret) }, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    db = await createPostgresSchema();
    one = await createRuntime({ ...db.options, publicUrl: 'http://keyward.test', bootstrap: true });
    two = await createRuntime({ ...db.options, publicUrl: 'http://keyward.test' });
    root = { key: one.bootstrapped!.key, secret: one.bootstrapped!.secret };
    org = one.bootstrapped!.organization;
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await db?.drop();
  });

  /** A fresh administrator service account with a cloud key, created by `by`; returns its id, key and binding. */
  async function newAdmin(by: Credentials, name: string): Promise<{ id: string; key: Credentials; binding: string }> {
    const sa = await call(one, by, 'POST', '/iam/v2/service-accounts', { display_name: name, description: '' });
    expect(sa.statusCode, sa.body).toBe(201);
    const id = sa.json().id as string;
    const rb = await call(one, by, 'POST', '/iam/v2/role-bindings', { principal: `User:${id}`, role_name: 'OrganizationAdmin', crn_pattern: `crn://keyward/organization=${org}` });
    expect(rb.statusCode, rb.body).toBe(201);
    const key = await call(one, by, 'POST', '/iam/v2/api-keys', { spec: { resource: { id: 'cloud' }, owner: { id } } });
    expect(key.statusCode, key.body).toBe(201);
    return { id, key: { key: key.json().id, secret: key.json().spec.secret }, binding: rb.json().id as string };
  }

  async function usableAdmins(): Promise<string[]> {
    const guard = createOrgAdminGuard({ organizationId: org, dialect: 'postgres', clock: () => new Date() });
    return guard.usableAdmins(one.store.db);
  }

  it('two instances removing the last two administrators at once: exactly one wins, in each of 9 trials of 3 kinds of change', async () => {
    const keeper = await newAdmin(root, 'keeper');
    // each administrator removes its own way to log in, so the two changes together would leave none
    const kinds = ['unbind', 'disable-key', 'delete-account'] as const;
    type Admin = Awaited<ReturnType<typeof newAdmin>>;
    const removal = (rt: Runtime, self: Admin, kind: (typeof kinds)[number]) => {
      switch (kind) {
        case 'unbind':
          return call(rt, self.key, 'DELETE', `/iam/v2/role-bindings/${self.binding}`);
        case 'disable-key':
          return call(rt, self.key, 'POST', `/keyward/v1/api-keys/${self.key.key}/disable`);
        case 'delete-account':
          return call(rt, self.key, 'DELETE', `/iam/v2/service-accounts/${self.id}`);
      }
    };
    const outcomes: Array<{ trial: number; kinds: string[]; statuses: number[]; left: number }> = [];
    for (let trial = 0; trial < 9; trial++) {
      const a = await newAdmin(keeper.key, `a-${trial}`);
      const b = await newAdmin(keeper.key, `b-${trial}`);
      // everyone else steps back: a and b are the last two administrators who can log in
      for (const rb of await one.store.db.selectFrom('role_bindings').select('id').where('role_name', '=', 'OrganizationAdmin').where('principal', 'not in', [`User:${a.id}`, `User:${b.id}`]).execute()) {
        expect((await call(one, a.key, 'DELETE', `/iam/v2/role-bindings/${rb.id}`)).statusCode).toBe(204);
      }
      expect((await usableAdmins()).sort()).toEqual([`User:${a.id}`, `User:${b.id}`].sort());

      const kindA = kinds[trial % 3]!;
      const kindB = kinds[Math.floor(trial / 3) % 3]!;
      const results = await Promise.all([removal(one, a, kindA), removal(two, b, kindB)]);
      const left = await usableAdmins();
      outcomes.push({ trial, kinds: [kindA, kindB], statuses: results.map((r) => r.statusCode), left: left.length });

      // hand the organization back to the keeper for the next trial
      const survivor = [a, b].find((x) => left.includes(`User:${x.id}`));
      if (!survivor) break;
      const back = await call(one, survivor.key, 'POST', '/iam/v2/role-bindings', { principal: `User:${keeper.id}`, role_name: 'OrganizationAdmin', crn_pattern: `crn://keyward/organization=${org}` });
      expect(back.statusCode, back.body).toBe(201);
      for (const x of [a, b]) expect([204, 404]).toContain((await call(one, keeper.key, 'DELETE', `/iam/v2/service-accounts/${x.id}`)).statusCode);
    }
    // every trial: one change committed, the other was refused with 422, and an administrator can log in
    expect(outcomes).toHaveLength(9);
    for (const o of outcomes) {
      expect(o.left, JSON.stringify(o)).toBe(1);
      expect(o.statuses.filter((s) => s < 300), JSON.stringify(o)).toHaveLength(1);
      expect(o.statuses.filter((s) => s === 422), JSON.stringify(o)).toHaveLength(1);
    }
  });
});

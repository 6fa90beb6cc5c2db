import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { buildAdvisorSnapshot } from '../../src/services/advisor.js';
import type { Finding } from '../../src/domain/advisor/index.js';
import {
  START, createEnvironment, createKafkaCluster, createKey, createServiceAccount, createUser, expectError, startHarness, type ApiHarness, type Credentials,
  bindClusterReader,
} from './support.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * The advisor over real store data: every rule of DESIGN §6 fires on the rows and audit events that
 * should make it fire, and stays quiet on their healthy neighbours, as the injected clock moves on.
 */
describe.each(DIALECTS)('advisor findings from the store on $name', ({ skip, create }) => {
  let h: ApiHarness;
  let alice: { id: string; auth: Credentials };
  let devLkc: string;
  let prodLkc: string;
  const sa: Record<string, string> = {};
  const keys: Record<string, Credentials> = {};

  const verify = (k: Credentials, remoteAddress = '127.0.0.1') =>
    h.server.runtime.app.inject({ method: 'POST', url: '/keyward/v1/verify', payload: { key: k.key, secret: k.secret }, remoteAddress });
  /** Data-plane audit events and last_used are written off the hot path: wait for both. */
  const settle = async () => {
    await h.server.runtime.audit.flush();
    await new Promise((resolve) => setTimeout(resolve, 1100));
  };
  const findings = async (query = ''): Promise<Finding[]> => {
    const res = await h.call({ method: 'GET', url: `/keyward/v1/advisor/findings${query}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data as Finding[];
  };
  const ids = async () => (await findings()).map((f) => f.id);
  const setPolicy = async (patch: Record<string, unknown>) => expect((await h.call({ method: 'PATCH', url: '/keyward/v1/policy', payload: patch })).statusCode).toBe(200);

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(await create());
    alice = await createUser(h, 'alice@example.com', 'Alice');
    const devEnv = await createEnvironment(h, 'dev');
    const prodEnv = await createEnvironment(h, 'prod', 'production');
    devLkc = await createKafkaCluster(h, 'orders-dev', devEnv);
    prodLkc = await createKafkaCluster(h, 'orders-prod', prodEnv);
    await bindClusterReader(h, alice.id, devEnv, devLkc);
    await bindClusterReader(h, alice.id, prodEnv, prodLkc);
    for (const name of ['orders', 'busy', 'pair', 'idle', 'rotator', 'spiky']) sa[name] = await createServiceAccount(h, name);
    keys.aliceProd = await createKey(h, prodLkc, { auth: alice.auth, description: 'alice in prod' });
    keys.aliceDev = await createKey(h, devLkc, { auth: alice.auth });
    keys.ordersProd = await createKey(h, prodLkc, { owner: sa.orders as string });
    for (const n of [1, 2, 3]) keys[`busy${n}`] = await createKey(h, devLkc, { owner: sa.busy as string });
    for (const n of [1, 2]) keys[`pair${n}`] = await createKey(h, devLkc, { owner: sa.pair as string });
    keys.spike = await createKey(h, devLkc, { owner: sa.spiky as string });
    keys.quiet = await createKey(h, 'cloud', { owner: sa.spiky as string });
    keys.r1 = await createKey(h, devLkc, { owner: sa.rotator as string, description: 'rotated, still used' });
    keys.q1 = await createKey(h, 'cloud', { owner: sa.rotator as string, description: 'rotated cleanly' });

    // Grants whose principal is gone (rows as left by an older version), next to a healthy one.
    const db = h.server.runtime.store.db;
    const crn = `crn://keyward/organization=${h.admin.organization}/environment=env-x/cloud-cluster=${devLkc}/kafka=${devLkc}/topic=orders`;
    await db.insertInto('role_bindings').values([
      { id: 'rb-orphan', principal: 'User:sa-gone00', role_name: 'DeveloperRead', crn_pattern: crn, created_at: START.toISOString() },
      { id: 'rb-health', principal: `User:${sa.orders}`, role_name: 'DeveloperRead', crn_pattern: crn, created_at: START.toISOString() },
    ]).execute();
    await db.insertInto('acls').values({
      id: 'acl-orphan', cluster_id: devLkc, principal: 'User:u-gone00', permission: 'ALLOW', operation: 'READ', resource_type: 'TOPIC',
      resource_name: 'orders', pattern_type: 'LITERAL', host: '*', created_at: START.toISOString(),
    }).execute();

    // Used keys: the production service-account key, one of each pair, the cloud key of spiky.
    for (const k of [keys.ordersProd, keys.pair1, keys.quiet, keys.r1] as Credentials[]) expect((await verify(k)).json().code).toBe('VALID');
    // 20 failed authentications of one key (the guard blocks it after 10: those attempts count too), 5 of another.
    for (let i = 0; i < 20; i++) await verify({ key: keys.spike?.key as string, secret: 'kw_wrong' }, '10.0.0.1');
    for (let i = 0; i < 5; i++) await verify({ key: keys.quiet?.key as string, secret: 'kw_wrong' }, '10.0.0.2');
    // Rotations: r1's clients keep using it during the grace, q1's moved to the new key.
    h.clock.advance(MINUTE);
    const r = await h.call({ method: 'POST', url: `/keyward/v1/api-keys/${keys.r1?.key}/rotate`, payload: { grace: '24h' } });
    const q = await h.call({ method: 'POST', url: `/keyward/v1/api-keys/${keys.q1?.key}/rotate`, payload: { grace: '24h' } });
    keys.r2 = { key: r.json().id, secret: r.json().spec.secret };
    keys.q2 = { key: q.json().id, secret: q.json().spec.secret };
    h.clock.advance(MINUTE);
    expect((await verify(keys.r1 as Credentials)).json().code).toBe('VALID');
    expect((await verify(keys.q2 as Credentials)).json().code).toBe('VALID');
    await settle();
  });
  afterAll(async () => h?.close());

  it.skipIf(skip)('builds the snapshot from the store and the audit log', async () => {
    const snapshot = await buildAdvisorSnapshot(h.server.runtime.store.db, h.clock());
    expect(snapshot.now).toEqual(h.clock());
    expect(snapshot.policy).toEqual({ max_key_lifetime_ms: null, require_service_account_keys_in_production: false, max_keys_per_owner_resource: 10, unused_key_days: 90, rotation_days: 90 });
    expect(snapshot.environments.map((e) => e.stage).sort()).toEqual(['development', 'development', 'production']);
    expect(snapshot.clusters.map((c) => c.id).sort()).toEqual([devLkc, prodLkc].sort());
    expect(snapshot.users.map((u) => u.email).sort()).toEqual(['admin@localhost', 'alice@example.com']);
    expect(snapshot.serviceAccounts).toHaveLength(6);
    const r1 = snapshot.apiKeys.find((k) => k.id === keys.r1?.key);
    expect(r1).toMatchObject({ owner_id: sa.rotator, owner_kind: 'service-account', resource_id: devLkc, resource_kind: 'kafka', status: 'ACTIVE', replaced_by: keys.r2?.key, replaces: null, last_used: new Date(START.getTime() + 2 * MINUTE).toISOString() });
    expect(snapshot.apiKeys.find((k) => k.id === keys.r2?.key)).toMatchObject({ replaces: keys.r1?.key, created_at: new Date(START.getTime() + MINUTE).toISOString() });
    expect(snapshot.roleBindings.map((b) => b.id)).toEqual(expect.arrayContaining(['rb-health', 'rb-orphan']));
    expect(snapshot.acls).toEqual([expect.objectContaining({ id: 'acl-orphan', principal: 'User:u-gone00' })]);
    const failed = Object.fromEntries(snapshot.failedAuthByKey.map((f) => [f.api_key, f.count]));
    expect(failed[keys.spike?.key as string]).toBeGreaterThanOrEqual(20);
    expect(failed[keys.quiet?.key as string]).toBe(5);
    expect(snapshot.keyUseDuringGrace).toEqual(
      expect.arrayContaining([{ api_key: keys.r1?.key, last_used: new Date(START.getTime() + 2 * MINUTE).toISOString() }]),
    );
    expect(snapshot.keyUseDuringGrace?.map((u) => u.api_key)).not.toContain(keys.q1?.key);
  });

  it.skipIf(skip)('reports, right away, user keys in production, too many keys, an old key still in use, a failed-auth spike and orphaned grants', async () => {
    const all = await findings();
    const found = all.map((f) => f.id);
    expect(found).toEqual(expect.arrayContaining([
      `user-key-in-production:${keys.aliceProd?.key}`,
      `too-many-keys:${sa.busy}/${devLkc}`,
      `old-key-still-in-use:${keys.r1?.key}`,
      `failed-auth-spike:${keys.spike?.key}`,
      'orphaned-grant:rb-orphan',
      'orphaned-grant:acl-orphan',
    ]));
    for (const quiet of [
      `user-key-in-production:${keys.aliceDev?.key}`, `user-key-in-production:${keys.ordersProd?.key}`, `too-many-keys:${sa.pair}/${devLkc}`,
      `old-key-still-in-use:${keys.q1?.key}`, `failed-auth-spike:${keys.quiet?.key}`, 'orphaned-grant:rb-health',
    ]) expect(found).not.toContain(quiet);
    for (const rule of ['unused-key', 'key-due-for-rotation', 'unused-service-account']) expect(all.filter((f) => f.rule === rule)).toEqual([]);

    // Most severe first; every finding says what to run.
    expect(all.map((f) => f.severity)).toEqual([...all.map((f) => f.severity)].sort((a, b) => ['high', 'medium', 'low'].indexOf(a) - ['high', 'medium', 'low'].indexOf(b)));
    for (const f of all) {
      expect(Object.keys(f).sort()).toEqual(['id', 'message', 'remediation', 'rule', 'severity', 'subject']);
      expect(f.remediation).toMatch(/^keyward /);
    }
    const prod = all.find((f) => f.rule === 'user-key-in-production');
    expect(prod).toMatchObject({ severity: 'high', subject: keys.aliceProd?.key });
    expect(prod?.message).toContain('user alice@example.com');
    expect(prod?.remediation.split('\n').at(-1)).toBe(`keyward api-key rotate ${keys.aliceProd?.key} --grace 7d --service-account app-${keys.aliceProd?.key.toLowerCase()}`);
    expect(all.find((f) => f.rule === 'old-key-still-in-use')?.message).toContain(`rotated out in favour of ${keys.r2?.key}`);
  });

  it.skipIf(skip)('answers the route with a list envelope, filters by severity, and is for administrators', async () => {
    const res = await h.call({ method: 'GET', url: '/keyward/v1/advisor/findings' });
    expect(res.json()).toMatchObject({ api_version: 'keyward/v1', kind: 'AdvisorFindingList', metadata: { total_size: res.json().data.length, evaluated_at: h.clock().toISOString() } });
    const high = await findings('?severity=high');
    expect(high.length).toBeGreaterThan(0);
    expect(new Set(high.map((f) => f.severity))).toEqual(new Set(['high']));
    expect((await findings('?severity=medium')).every((f) => f.severity !== 'low')).toBe(true);
    expect((await findings('?severity=low')).length).toBe(res.json().data.length);
    expectError(await h.call({ method: 'GET', url: '/keyward/v1/advisor/findings?severity=urgent' }), 400, 'invalid_filter', 'severity must be one of low, medium, high (got "urgent")');
    expectError(await h.call({ method: 'GET', url: '/keyward/v1/advisor/findings', auth: alice.auth }), 403, 'user_unauthorized');
    expectError(await h.call({ method: 'GET', url: '/keyward/v1/advisor/findings', auth: null }), 401, 'user_unauthenticated');
  });

  it.skipIf(skip)('31 days on: never-used keys are unused, the spike and the grace are over; unused_key_days and rotation_days move the thresholds', async () => {
    h.clock.advance(31 * DAY);
    let found = await ids();
    expect(found).toContain(`unused-key:${keys.busy1?.key}`); // never used, created 31 days ago
    expect(found).toContain(`unused-key:${keys.pair2?.key}`);
    expect(found).not.toContain(`unused-key:${keys.pair1?.key}`); // used 31 days ago: within 90
    expect(found).not.toContain(`unused-key:${keys.r1?.key}`); // rotated out and expired
    expect(found).not.toContain(`failed-auth-spike:${keys.spike?.key}`);
    expect(found).not.toContain(`old-key-still-in-use:${keys.r1?.key}`);
    expect(found.filter((id) => id.startsWith('key-due-for-rotation:'))).toEqual([]);

    await setPolicy({ unused_key_days: 30, rotation_days: 30 });
    try {
      found = await ids();
      expect(found).toContain(`unused-key:${keys.pair1?.key}`);
      expect(found).toContain(`key-due-for-rotation:${keys.pair1?.key}`);
      expect(found).not.toContain(`key-due-for-rotation:${keys.r1?.key}`);
      expect(found).toContain(`unused-service-account:${sa.idle}`);
      const rotation = (await findings()).find((f) => f.id === `key-due-for-rotation:${keys.pair1?.key}`);
      expect(rotation?.remediation).toBe(`keyward api-key rotate ${keys.pair1?.key} --grace 24h`);
    } finally {
      await setPolicy({ unused_key_days: 90, rotation_days: 90 });
    }
  });

  it.skipIf(skip)('91 days on: keys are due for rotation and idle service accounts are unused, but not those in use', async () => {
    h.clock.set(new Date(START.getTime() + 91 * DAY));
    expect((await verify(keys.pair1 as Credentials)).json().code).toBe('VALID');
    const fresh = await createKey(h, devLkc, { owner: sa.pair as string });
    await settle();
    const found = await ids();
    expect(found).toContain(`key-due-for-rotation:${keys.pair1?.key}`);
    expect(found).toContain(`key-due-for-rotation:${keys.ordersProd?.key}`);
    expect(found).toContain(`key-due-for-rotation:${keys.r2?.key}`); // the replacement ages like any key
    expect(found).not.toContain(`key-due-for-rotation:${fresh.key}`);
    expect(found).not.toContain(`key-due-for-rotation:${keys.r1?.key}`); // expired long ago
    expect(found).toContain(`unused-service-account:${sa.idle}`);
    expect(found).toContain(`unused-service-account:${sa.orders}`); // its key was last used 91 days ago
    expect(found).not.toContain(`unused-service-account:${sa.pair}`); // used just now
    expect(found).toContain(`unused-key:${keys.ordersProd?.key}`);
    expect(found).not.toContain(`unused-key:${keys.pair1?.key}`);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { generateSecret, isWellFormedSecret } from '../../src/domain/secrets.js';
import {
  START, createEnvironment, createKafkaCluster, createKey, createServiceAccount, createUser, expectError, expectNoLeaks, expectResource, orgCrn,
  startHarness, storeState, type ApiHarness, type Credentials,
  bindClusterReader,
} from './support.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(START.getTime() + ms).toISOString();

interface ManagementEvent {
  data: { methodName: string; authenticationInfo?: { principal?: string }; request?: Record<string, unknown> };
}

describe.each(DIALECTS)('key lifecycle: rotation, policy and leaks on $name', ({ skip, create }) => {
  let h: ApiHarness;
  let alice: { id: string; auth: Credentials };
  let devEnv: string;
  let prodEnv: string;
  let lkc: string;
  let prodLkc: string;
  let sa: string;

  const verify = async (k: Credentials, resource?: string) =>
    (await h.server.runtime.app.inject({ method: 'POST', url: '/keyward/v1/verify', payload: { key: k.key, secret: k.secret, ...(resource ? { resource } : {}) } })).json() as {
      valid: boolean;
      code: string;
    };
  const rotate = (id: string, payload?: object, auth?: Credentials | null) =>
    h.call({ method: 'POST', url: `/keyward/v1/api-keys/${id}/rotate`, ...(payload ? { payload } : {}), ...(auth !== undefined ? { auth } : {}) });
  const getKey = async (id: string) => (await h.call({ method: 'GET', url: `/iam/v2/api-keys/${id}` })).json();
  const patchPolicy = (payload: unknown, auth?: Credentials) => h.call({ method: 'PATCH', url: '/keyward/v1/policy', payload: payload as object, ...(auth ? { auth } : {}) });
  const managementEvents = async (method: string): Promise<ManagementEvent[]> => {
    const rows = await h.server.runtime.store.db.selectFrom('audit_events').select('event').where('method', '=', method).orderBy('time').execute();
    return rows.map((r) => JSON.parse(r.event) as ManagementEvent);
  };
  const createRaw = (spec: Record<string, unknown>, auth?: Credentials) =>
    h.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec }, ...(auth ? { auth } : {}) });
  const withPolicy = async (policy: Record<string, unknown>, work: () => Promise<void>) => {
    expect((await patchPolicy(policy)).statusCode).toBe(200);
    try {
      await work();
    } finally {
      const reset = await patchPolicy({ max_key_lifetime: null, require_service_account_keys_in_production: false, max_keys_per_owner_resource: 10, unused_key_days: 90, rotation_days: 90 });
      expect(reset.statusCode).toBe(200);
    }
  };

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(await create());
    alice = await createUser(h, 'alice@example.com', 'Alice');
    devEnv = await createEnvironment(h, 'dev');
    prodEnv = await createEnvironment(h, 'prod', 'production');
    lkc = await createKafkaCluster(h, 'orders', devEnv);
    prodLkc = await createKafkaCluster(h, 'orders-prod', prodEnv);
    await bindClusterReader(h, alice.id, devEnv, lkc);
    await bindClusterReader(h, alice.id, prodEnv, prodLkc);
  });
  afterAll(async () => h?.close());
  // A fresh owner per test, so that no test meets another's keys (or the default quota of 10).
  let accounts = 0;
  beforeEach(async () => {
    if (!skip) sa = await createServiceAccount(h, `orders-app-${++accounts}`, 'Orders');
  });

  describe('rotation', () => {
    it.skipIf(skip)('issues a new key with the same owner, resource and description; both work during the grace, the old one expires after it', async () => {
      const old = await createKey(h, lkc, { owner: sa, description: 'orders producer' });
      expect((await verify(old, lkc)).code).toBe('VALID'); // cached with no expiry: the rotation must invalidate it
      h.clock.advance(60_000);
      const res = await rotate(old.key, { grace: '1h' });
      expect(res.statusCode, res.body).toBe(201);
      const body = res.json();
      const id = body.id as string;
      expectResource(body, {
        api_version: 'iam/v2', kind: 'ApiKey', id: /^[A-Z0-9]{16}$/, path: `/iam/v2/api-keys/${id}`, resourceName: `${orgCrn(h)}/api-key=${id}`, createdAt: at(60_000),
      });
      expect(id).not.toBe(old.key);
      expect(isWellFormedSecret(body.spec.secret)).toBe(true);
      expect(body.rotation).toEqual({ replaces: old.key, old_key_expires_at: at(60_000 + HOUR) });
      const { secret, ...spec } = body.spec;
      expect(spec).toEqual({
        display_name: '', description: 'orders producer', owner: { id: sa, kind: 'ServiceAccount', email: '<service account>' },
        resource: { id: lkc, kind: 'Cluster', environment: devEnv }, status: 'ACTIVE', state: 'active', expires_at: null, last_used: null, replaces: old.key, replaced_by: null,
      });
      const fresh = { key: id, secret: secret as string };

      const oldView = await getKey(old.key);
      expect(oldView.spec).toMatchObject({ replaced_by: id, replaces: null, expires_at: at(60_000 + HOUR), status: 'ACTIVE', state: 'active' });
      expect(oldView.metadata.updated_at).toBe(at(60_000));
      expect((await verify(old, lkc)).code).toBe('VALID');
      expect((await verify(fresh, lkc)).code).toBe('VALID');

      h.clock.advance(HOUR - 1);
      expect((await verify(old, lkc)).code).toBe('VALID');
      h.clock.advance(1);
      try {
        expect((await verify(old, lkc)).code).toBe('EXPIRED');
        expect((await verify(fresh, lkc)).code).toBe('VALID');
        expect((await getKey(old.key)).spec.state).toBe('expired');
        const expired = await h.call({ method: 'GET', url: `/iam/v2/api-keys?status=expired&spec.owner=${sa}` });
        expect(expired.json().data.map((k: { id: string }) => k.id)).toEqual([old.key]);
      } finally {
        h.clock.set(START);
      }

      const [rotated] = await managementEvents('iam.RotateAPIKey');
      expect(rotated?.data.request).toEqual({ id: old.key, new_key: id, owner: sa, resource: lkc, grace: '1h', old_key_expires_at: at(60_000 + HOUR) });
      expect(rotated?.data.authenticationInfo?.principal).toBe(`User:${h.admin.user}`);
      const created = await managementEvents('iam.CreateAPIKey');
      expect(created.map((e) => e.data.request?.id)).toContain(id);
      expect(JSON.stringify(await managementEvents('iam.RotateAPIKey'))).not.toContain(secret);
    });

    it.skipIf(skip)('defaults the grace to 24h with or without a body; 0 expires the old key at once', async () => {
      const a = await createKey(h, lkc, { owner: sa });
      const noBody = await rotate(a.key);
      expect(noBody.statusCode, noBody.body).toBe(201);
      expect(noBody.json().rotation.old_key_expires_at).toBe(at(DAY));
      const b = await createKey(h, lkc, { owner: sa });
      expect((await rotate(b.key, {})).json().rotation.old_key_expires_at).toBe(at(DAY));

      const c = await createKey(h, lkc, { owner: sa });
      const now = await rotate(c.key, { grace: '0' });
      expect(now.statusCode).toBe(201);
      expect(now.json().rotation.old_key_expires_at).toBe(START.toISOString());
      expect((await verify(c)).code).toBe('EXPIRED');
      expect((await verify({ key: now.json().id, secret: now.json().spec.secret })).code).toBe('VALID');
      expect((await getKey(c.key)).spec.state).toBe('expired');
    });

    it.skipIf(skip)("keeps an earlier expiry of the old key, and gives the new key the old key's lifetime", async () => {
      const res = await createRaw({ resource: { id: lkc }, owner: { id: sa }, expires_in: '30m' });
      const soon = res.json().id as string;
      const rotated = await rotate(soon, { grace: '24h' });
      expect(rotated.json().rotation.old_key_expires_at).toBe(at(30 * 60_000));
      expect(rotated.json().spec.expires_at).toBe(at(30 * 60_000));
    });

    it.skipIf(skip)('refuses a grace outside 0 to 7 days, or not a duration', async () => {
      const k = await createKey(h, lkc, { owner: sa });
      const before = await storeState(h);
      expectError(await rotate(k.key, { grace: '8d' }), 422, 'invalid_configuration', 'grace must be from 0 to 7d (got 8d)');
      expectError(await rotate(k.key, { grace: '7d1s' }), 422, 'invalid_configuration', /from 0 to 7d/);
      expectError(await rotate(k.key, { grace: 'soon' }), 422, 'invalid_configuration', /Invalid grace "soon"/);
      expectError(await rotate(k.key, { grace: '1h', extra: true }), 422, 'invalid_configuration', 'body: unknown field "extra"');
      expect(await storeState(h)).toEqual(before);
      expect((await rotate(k.key, { grace: '7d' })).json().rotation.old_key_expires_at).toBe(at(7 * DAY));
    });

    it.skipIf(skip)('refuses to rotate a rotated-out, disabled or expired key, saying what to do instead', async () => {
      const k = await createKey(h, lkc, { owner: sa, description: 'twice' });
      const first = await rotate(k.key, { grace: '1h' });
      const replacement = first.json().id as string;
      const before = await storeState(h);
      expectError(await rotate(k.key), 422, 'invalid_configuration',
        `API key ${k.key} was already rotated: its replacement is ${replacement}. Rotate that key instead: keyward api-key rotate ${replacement}`);
      expect(await storeState(h)).toEqual(before);

      const d = await createKey(h, lkc, { owner: sa, description: 'off' });
      expect((await h.call({ method: 'POST', url: `/keyward/v1/api-keys/${d.key}/disable` })).statusCode).toBe(200);
      const disabledBefore = await storeState(h);
      expectError(await rotate(d.key), 422, 'invalid_configuration',
        `API key ${d.key} is disabled and cannot be rotated: enable it first (keyward api-key enable ${d.key}), or create a new key: keyward api-key create --resource ${lkc} --service-account ${sa} --description "off"`);
      expect(await storeState(h)).toEqual(disabledBefore);

      const e = await createRaw({ resource: { id: lkc }, owner: { id: sa }, expires_in: '1m' });
      h.clock.advance(2 * 60_000);
      try {
        const expiredBefore = await storeState(h);
        expectError(await rotate(e.json().id), 422, 'invalid_configuration',
          `API key ${e.json().id} expired at ${at(60_000)} and cannot be rotated; create a new key instead: keyward api-key create --resource ${lkc} --service-account ${sa}`);
        expect(await storeState(h)).toEqual(expiredBefore);
      } finally {
        h.clock.set(START);
      }
    });

    it.skipIf(skip)('lets owners rotate their own keys, and hides keys they may not manage', async () => {
      const own = await createKey(h, 'cloud', { auth: alice.auth, description: 'laptop' });
      const res = await rotate(own.key, { grace: '1h' }, alice.auth);
      expect(res.statusCode).toBe(201);
      expect(res.json().spec.owner.id).toBe(alice.id);
      const other = await createKey(h, lkc, { owner: sa });
      expectError(await rotate(other.key, {}, alice.auth), 404, 'not_found', `API key "${other.key}" not found`);
      expectError(await rotate('NOSUCHKEY0000001'), 404, 'not_found', 'API key "NOSUCHKEY0000001" not found');
      expectError(await rotate(other.key, {}, null), 401, 'user_unauthenticated');
    });

    it.skipIf(skip)('lets only one of two concurrent rotations of a key win', async () => {
      const k = await createKey(h, lkc, { owner: sa });
      const results = await Promise.all([rotate(k.key, { grace: '1h' }), rotate(k.key, { grace: '1h' })]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 422]);
      const replacements = await h.server.runtime.store.db.selectFrom('api_keys').select('id').where('replaces', '=', k.key).execute();
      expect(replacements).toHaveLength(1);
    });
  });

  describe('policy', () => {
    it.skipIf(skip)('is readable by any authenticated user and changed only by an OrganizationAdmin, with an audit event', async () => {
      const defaults = { max_key_lifetime: null, require_service_account_keys_in_production: false, max_keys_per_owner_resource: 10, unused_key_days: 90, rotation_days: 90 };
      const read = await h.call({ method: 'GET', url: '/keyward/v1/policy', auth: alice.auth });
      expect(read.statusCode).toBe(200);
      expect(read.json()).toEqual(defaults);
      expectError(await h.call({ method: 'GET', url: '/keyward/v1/policy', auth: null }), 401, 'user_unauthenticated');
      const before = await storeState(h);
      expectError(await patchPolicy({ rotation_days: 30 }, alice.auth), 403, 'user_unauthorized');
      expect(await storeState(h)).toEqual(before);

      const updated = await patchPolicy({ rotation_days: 30, max_key_lifetime: '2160h' });
      expect(updated.statusCode).toBe(200);
      expect(updated.json()).toEqual({ ...defaults, rotation_days: 30, max_key_lifetime: '90d' });
      expect((await h.call({ method: 'GET', url: '/keyward/v1/policy' })).json()).toEqual({ ...defaults, rotation_days: 30, max_key_lifetime: '90d' });
      const [event] = (await managementEvents('keyward.UpdatePolicy')).slice(-1);
      expect(event?.data.request).toEqual({ changes: { rotation_days: { from: 90, to: 30 }, max_key_lifetime: { from: null, to: '90d' } } });
      expect((await patchPolicy({ rotation_days: 90, max_key_lifetime: null })).json()).toEqual(defaults);
    });

    it.skipIf(skip)('refuses invalid updates without changing anything', async () => {
      const before = await storeState(h);
      expectError(await patchPolicy({}), 422, 'invalid_configuration', /Nothing to update/);
      expectError(await patchPolicy({ max_keys: 3 }), 422, 'invalid_configuration', 'body: unknown field "max_keys"');
      expectError(await patchPolicy({ max_keys_per_owner_resource: 0 }), 422, 'invalid_configuration', /max_keys_per_owner_resource must be a whole number from 1 to 1000/);
      expectError(await patchPolicy({ unused_key_days: 'x' }), 422, 'invalid_configuration');
      expectError(await patchPolicy({ max_key_lifetime: 'forever' }), 422, 'invalid_configuration', /Invalid max_key_lifetime "forever"/);
      expect(await storeState(h)).toEqual(before);
    });

    it.skipIf(skip)('require_service_account_keys_in_production refuses user keys on production resources, naming the policy', async () => {
      await withPolicy({ require_service_account_keys_in_production: true }, async () => {
        const before = await storeState(h);
        const refused = await createRaw({ resource: { id: prodLkc }, description: 'mine' }, alice.auth);
        expectError(refused, 422, 'invalid_configuration', new RegExp(
          `^Policy require_service_account_keys_in_production refuses user-owned API keys on production resources: ${prodLkc} is in environment prod \\(${prodEnv}, stage production\\)\\. ` +
          `Create a service-account key instead: keyward api-key create --resource ${prodLkc} --service-account <SA_ID>$`,
        ));
        expect(await storeState(h)).toEqual(before);
        expect((await createRaw({ resource: { id: prodLkc }, owner: { id: sa } })).statusCode).toBe(201);
        expect((await createRaw({ resource: { id: lkc } }, alice.auth)).statusCode).toBe(201);
        expect((await createRaw({ resource: { id: 'cloud' } }, alice.auth)).statusCode).toBe(201);
      });
      expect((await createRaw({ resource: { id: prodLkc } }, alice.auth)).statusCode).toBe(201);
    });

    it.skipIf(skip)('max_key_lifetime refuses keys without expiry or living longer, and caps rotated keys', async () => {
      const k = await createKey(h, lkc, { owner: sa, description: 'before the policy' });
      await withPolicy({ max_key_lifetime: '30d' }, async () => {
        const before = await storeState(h);
        expectError(await createRaw({ resource: { id: lkc }, owner: { id: sa } }), 422, 'invalid_configuration',
          `Policy max_key_lifetime (30d) requires every new API key to expire within 30d, and this key has no expiry. Pass --expires-in 30d or less (API: spec.expires_in), or --expires-at no later than ${at(30 * DAY)}`);
        expectError(await createRaw({ resource: { id: lkc }, owner: { id: sa }, expires_in: '31d' }), 422, 'invalid_configuration', /^Policy max_key_lifetime \(30d\).*would expire at/);
        expect(await storeState(h)).toEqual(before);
        const ok = await createRaw({ resource: { id: lkc }, owner: { id: sa }, expires_in: '30d' });
        expect(ok.statusCode).toBe(201);
        expect(ok.json().spec.expires_at).toBe(at(30 * DAY));
        expect((await createRaw({ resource: { id: lkc }, owner: { id: sa }, expires_at: at(DAY) })).statusCode).toBe(201);
        const rotated = await rotate(k.key, { grace: '1h' });
        expect(rotated.statusCode, rotated.body).toBe(201);
        expect(rotated.json().spec.expires_at).toBe(at(30 * DAY));
      });
    });

    it.skipIf(skip)('max_keys_per_owner_resource answers quota_exceeded 402 past the limit; expired keys do not count, rotation is not a new key', async () => {
      const owner = await createServiceAccount(h, 'quota-app');
      await withPolicy({ max_keys_per_owner_resource: 2 }, async () => {
        const first = await createKey(h, lkc, { owner });
        await createKey(h, lkc, { owner });
        const before = await storeState(h);
        expectError(await createRaw({ resource: { id: lkc }, owner: { id: owner } }), 402, 'quota_exceeded',
          `Policy max_keys_per_owner_resource allows 2 API keys per owner and resource, and service account ${owner} already has 2 on ${lkc}. ` +
          `Delete keys it no longer needs (keyward api-key list --service-account ${owner} --resource ${lkc}, then keyward api-key delete KEY), ` +
          'or raise the limit: keyward policy update --max-keys-per-owner-resource 3');
        expect(await storeState(h)).toEqual(before);
        expect((await createRaw({ resource: { id: 'cloud' }, owner: { id: owner } })).statusCode).toBe(201);
        expect((await rotate(first.key, { grace: '0' })).statusCode).toBe(201);
        // The rotated-out key expired at once: two unexpired keys remain, still at the limit.
        expectError(await createRaw({ resource: { id: lkc }, owner: { id: owner } }), 402, 'quota_exceeded');
        expect((await h.call({ method: 'PATCH', url: '/keyward/v1/policy', payload: { max_keys_per_owner_resource: 3 } })).statusCode).toBe(200);
        expect((await createRaw({ resource: { id: lkc }, owner: { id: owner } })).statusCode).toBe(201);
      });
    });
  });

  describe('leaks', () => {
    const report = (body: unknown, query = '', auth?: Credentials | null) =>
      h.call({ method: 'POST', url: `/keyward/v1/leaks${query}`, payload: body as object, ...(auth !== undefined ? { auth } : {}) });

    it.skipIf(skip)('disables the key a reported token belongs to and audits it without the token', async () => {
      const k = await createKey(h, lkc, { owner: sa, description: 'leaky' });
      const unknown = generateSecret();
      const broken = `${k.secret.slice(0, -1)}${k.secret.endsWith('A') ? 'B' : 'A'}`;
      const res = await report([
        { token: k.secret, type: 'keyward_api_secret', url: 'https://github.com/acme/app/blob/main/.env#L3', source: 'content' },
        { token: unknown, type: 'keyward_api_secret', url: 'https://example.com/paste', source: 'content' },
        { token: broken, type: 'keyward_api_secret' },
      ]);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual([
        { label: 'true_positive', key: k.key, url: 'https://github.com/acme/app/blob/main/.env#L3', source: 'content' },
        { label: 'false_positive', key: null, url: 'https://example.com/paste', source: 'content' },
        { label: 'false_positive', key: null, url: null, source: null },
      ]);
      expect(res.body).not.toContain(k.secret);
      expect(res.body).not.toContain(unknown);
      expect((await verify(k)).code).toBe('DISABLED');
      expect((await getKey(k.key)).spec.status).toBe('DISABLED');

      const events = await managementEvents('keyward.ReportLeak');
      expect(events).toHaveLength(1);
      expect(events[0]?.data.request).toEqual({ id: k.key, owner: sa, disabled: true, type: 'keyward_api_secret', url: 'https://github.com/acme/app/blob/main/.env#L3', source: 'content' });
      const all = await h.server.runtime.store.db.selectFrom('audit_events').select('event').execute();
      for (const row of all) expect(row.event).not.toContain(k.secret);

      // Reported again: still a true positive, audited, nothing left to disable.
      expect((await report([{ token: k.secret }])).json()).toEqual([{ label: 'true_positive', key: k.key, url: null, source: null }]);
      expect((await managementEvents('keyward.ReportLeak')).at(-1)?.data.request).toMatchObject({ id: k.key, disabled: false });
    });

    it.skipIf(skip)('with dry_run names the key and changes nothing', async () => {
      const k = await createKey(h, lkc, { owner: sa });
      const before = await storeState(h);
      const res = await report([{ token: k.secret }], '?dry_run=true');
      expect(res.json()).toEqual([{ label: 'true_positive', key: k.key, url: null, source: null }]);
      expect(await storeState(h)).toEqual(before);
      expect((await verify(k)).code).toBe('VALID');
    });

    it.skipIf(skip)("lets anyone report a leak, but names only keys the caller may manage", async () => {
      const k = await createKey(h, lkc, { owner: sa });
      expect((await report([{ token: k.secret }], '?dry_run=true', alice.auth)).json()).toEqual([{ label: 'true_positive', key: null, url: null, source: null }]);
      expect((await report([{ token: k.secret }], '', alice.auth)).json()).toEqual([{ label: 'true_positive', key: null, url: null, source: null }]);
      expect((await verify(k)).code).toBe('DISABLED');
      const [event] = (await managementEvents('keyward.ReportLeak')).slice(-1);
      expect(event?.data.authenticationInfo?.principal).toBe(`User:${alice.id}`);
    });

    it.skipIf(skip)('refuses malformed reports', async () => {
      expectError(await report({ token: 'x' }), 422, 'invalid_configuration');
      expectError(await report([]), 422, 'invalid_configuration', 'Report at least one token');
      expectError(await report([{ type: 'x' }]), 422, 'invalid_configuration', /token is required/);
      expectError(await report(Array.from({ length: 1001 }, () => ({ token: 'x' }))), 422, 'invalid_configuration');
      expectError(await report([{ token: 'x' }], '?dry_run=maybe'), 400, 'invalid_filter');
      expectError(await report([{ token: 'x' }], '', null), 401, 'user_unauthenticated');
    });
  });

  it.skipIf(skip)('never shows a secret except in the answers that issue one', async () => {
    const issuing = (r: { method: string; url: string; status: number }) => r.method === 'POST' && r.status === 201 && /^\/keyward\/v1\/api-keys\/[A-Z0-9]+\/rotate$/.test(r.url);
    expectNoLeaks(h.recorded.filter((r) => !issuing(r)));
    for (const r of h.recorded.filter(issuing)) expect(r.body.match(/kw_[0-9A-Za-z]{61}/g)).toHaveLength(1);
  });
});

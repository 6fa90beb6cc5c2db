import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { USAGE_OUTCOMES, epochMinute, type UsageOutcome } from '../../src/domain/usage.js';
import type { UsageSummaryBody } from '../../src/contract/usage-summary.js';
import { createUsageSummary } from '../../src/services/usage/usage-summary.js';
import type { CallContext } from '../../src/services/context.js';
import {
  START, createEnvironment, createKafkaCluster, createKey, createServiceAccount, createUser, expectError, expectNoLeaks, orgCrn,
  startHarness, type ApiHarness, type Credentials,
} from './support.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW_MINUTE = epochMinute(START.getTime());
const zeros = () => Object.fromEntries(USAGE_OUTCOMES.map((o) => [o, 0])) as Record<UsageOutcome, number>;

/**
 * GET /keyward/v1/usage: the organization's usage from the per-key rollup, summed and per key, for
 * the keys the caller may read (the visibility of GET /iam/v2/api-keys), with the since/bucket rules
 * and errors of GET /keyward/v1/api-keys/{id}/usage.
 */
describe.each(DIALECTS)('/keyward/v1/usage on $name', ({ skip, create }) => {
  let h: ApiHarness;
  let lkcA: string;
  let lkcB: string;
  /** Keys of two owners: saA's on lkcA and lkcB, saB's on lkcA. */
  let keys: { saA_lkcA: string; saA_lkcB: string; saB_lkcA: string; unused: string };
  /** CloudClusterAdmin on lkcA: reads the keys on lkcA (and its own), not saA's key on lkcB. */
  let carol: { id: string; auth: Credentials };
  /** No binding: reads only its own keys. */
  let bob: { id: string; auth: Credentials };

  const summary = async (query = '', auth?: Credentials) => {
    const res = await h.call({ method: 'GET', url: `/keyward/v1/usage${query}`, ...(auth ? { auth } : {}) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as UsageSummaryBody;
  };
  const perKey = async (id: string, query = '') => (await h.call({ method: 'GET', url: `/keyward/v1/api-keys/${id}/usage${query}` })).json();
  const sink = () => h.server.runtime.services.usage.recorder;

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(await create());
    const env = await createEnvironment(h, 'apps');
    lkcA = await createKafkaCluster(h, 'orders', env);
    lkcB = await createKafkaCluster(h, 'billing', env);
    const saA = await createServiceAccount(h, 'orders-app');
    const saB = await createServiceAccount(h, 'billing-app');
    keys = {
      saA_lkcA: (await createKey(h, lkcA, { owner: saA })).key,
      saA_lkcB: (await createKey(h, lkcB, { owner: saA })).key,
      saB_lkcA: (await createKey(h, lkcA, { owner: saB })).key,
      unused: (await createKey(h, lkcA, { owner: saB })).key,
    };
    carol = await createUser(h, 'carol@example.com', 'Carol');
    const binding = await h.call({
      method: 'POST', url: '/iam/v2/role-bindings',
      payload: { principal: `User:${carol.id}`, role_name: 'CloudClusterAdmin', crn_pattern: `${orgCrn(h)}/environment=${env}/cloud-cluster=${lkcA}` },
    });
    expect(binding.statusCode, binding.body).toBe(201);
    bob = await createUser(h, 'bob@example.com', 'Bob');

    sink().add(keys.saA_lkcA, NOW_MINUTE, 'VALID', 10);
    sink().add(keys.saA_lkcA, NOW_MINUTE - 90, 'INVALID_CREDENTIALS', 2); // 10:30: the hour of 10:00
    sink().add(keys.saA_lkcB, NOW_MINUTE - 60, 'VALID', 7);
    sink().add(keys.saA_lkcB, NOW_MINUTE - 23 * 60, 'FORBIDDEN', 1);
    sink().add(keys.saB_lkcA, NOW_MINUTE - 5, 'RATE_LIMITED', 4);
    sink().add(keys.saB_lkcA, NOW_MINUTE - 24 * 60, 'VALID', 100); // before the first hourly bucket of 24h
    sink().add(carol.auth.key, NOW_MINUTE, 'VALID', 3);
    sink().add(bob.auth.key, NOW_MINUTE - 2 * DAY / 60_000, 'VALID', 5); // two days ago
    await sink().flush();
  });
  afterAll(async () => h?.close());

  it.skipIf(skip)('sums every key of the organization for an administrator, and gives each used key the per-key answer', async () => {
    const all = await summary();
    expect(Object.keys(all)).toEqual(['api_version', 'kind', 'since', 'until', 'bucket', 'totals', 'data', 'keys']);
    expect(all).toMatchObject({ api_version: 'keyward/v1', kind: 'UsageSummary', since: '2026-02-28T13:00:00Z', until: '2026-03-01T12:00:00Z', bucket: '1h' });
    expect(all.totals).toEqual({ ...zeros(), VALID: 20, INVALID_CREDENTIALS: 2, FORBIDDEN: 1, RATE_LIMITED: 4 });
    expect(all.data).toHaveLength(24);
    expect(all.data[0]?.counts).toEqual({ ...zeros(), FORBIDDEN: 1 }); // 13:00 yesterday
    expect(all.data[21]?.counts).toEqual({ ...zeros(), INVALID_CREDENTIALS: 2 }); // 10:00
    expect(all.data[22]?.counts).toEqual({ ...zeros(), VALID: 7, RATE_LIMITED: 4 }); // 11:00 and 11:55
    expect(all.data[23]?.counts).toEqual({ ...zeros(), VALID: 13 }); // 12:00, the current hour

    // only the keys with use in the window, by id; the unused key and bob's old use are left out
    const used = [keys.saA_lkcA, keys.saA_lkcB, keys.saB_lkcA, carol.auth.key].sort();
    expect(all.keys.map((k) => k.key)).toEqual(used);
    for (const k of all.keys) {
      expect(Object.keys(k)).toEqual(['key', 'totals', 'buckets']);
      const own = await perKey(k.key);
      expect(k.totals).toEqual(own.totals);
      expect(k.buckets).toEqual(own.data);
    }
    expect(all.keys.find((k) => k.key === keys.saB_lkcA)?.totals).toEqual({ ...zeros(), RATE_LIMITED: 4 });
  });

  it.skipIf(skip)('shows a caller only the keys it may read, summed over those alone', async () => {
    const carols = await summary('', carol.auth);
    expect(carols.keys.map((k) => k.key)).toEqual([keys.saA_lkcA, keys.saB_lkcA, carol.auth.key].sort());
    expect(carols.totals).toEqual({ ...zeros(), VALID: 13, INVALID_CREDENTIALS: 2, RATE_LIMITED: 4 });
    expect(carols.data[22]?.counts).toEqual({ ...zeros(), RATE_LIMITED: 4 }); // saA's key on lkcB is not hers to see
    expect(carols.data[0]?.counts).toEqual(zeros());

    // the same keys GET /iam/v2/api-keys lists to her, less those unused in the window
    const listed = (await h.call({ method: 'GET', url: '/iam/v2/api-keys?page_size=100', auth: carol.auth })).json().data.map((k: { id: string }) => k.id);
    expect(listed.sort()).toEqual([keys.saA_lkcA, keys.saB_lkcA, keys.unused, carol.auth.key].sort());

    // bob reads his own key only, used two days ago: an empty window, every bucket zero
    const bobs = await summary('', bob.auth);
    expect(bobs.keys).toEqual([]);
    expect(bobs.totals).toEqual(zeros());
    expect(bobs.data).toHaveLength(24);
    expect(bobs.data.every((b) => Object.values(b.counts).every((n) => n === 0))).toBe(true);
    const older = await summary('?since=3d&bucket=1d', bob.auth);
    expect(older.keys.map((k) => k.key)).toEqual([bob.auth.key]);
    expect(older.keys[0]?.buckets.map((b) => b.counts.VALID)).toEqual([5, 0, 0]);
    expect(older.totals).toEqual({ ...zeros(), VALID: 5 });
  });

  it.skipIf(skip)('answers an empty window with zeros and no keys, and takes the per-key buckets and since forms', async () => {
    const minutes = await summary('?since=3m&bucket=1m');
    expect(minutes).toMatchObject({ since: '2026-03-01T11:58:00Z', bucket: '1m' });
    expect(minutes.data.map((b) => b.counts.VALID)).toEqual([0, 0, 13]);
    expect(minutes.keys.map((k) => k.key)).toEqual([keys.saA_lkcA, carol.auth.key].sort());

    const days = await summary('?since=2026-02-27T00:00:00Z&bucket=1d');
    expect(days.data.map((b) => b.start)).toEqual(['2026-02-27T00:00:00Z', '2026-02-28T00:00:00Z', '2026-03-01T00:00:00Z']);
    expect(days.totals.VALID).toBe(125);

    h.clock.advance(7 * DAY);
    try {
      const empty = await summary('?since=1h&bucket=15m');
      expect(empty.keys).toEqual([]);
      expect(empty.totals).toEqual(zeros());
      expect(empty.data).toHaveLength(4);
    } finally {
      h.clock.set(START);
    }
  });

  it.skipIf(skip)('refuses a bad since or bucket like the per-key route: 422 naming the valid values, 400 for an over-long value, 401 without credentials', async () => {
    const url = (q: string) => `/keyward/v1/usage?${q}`;
    expectError(await h.call({ method: 'GET', url: url('bucket=2h') }), 422, 'invalid_configuration', 'bucket must be one of 1m, 5m, 15m, 1h, 6h, 1d (got "2h")');
    expectError(
      await h.call({ method: 'GET', url: url('since=yesterday') }), 422, 'invalid_configuration',
      'since must be a duration back from now from 1m to 90d, such as 24h or 7d, or an RFC 3339 time such as 2027-01-31T00:00:00Z (got "yesterday")',
    );
    expectError(await h.call({ method: 'GET', url: url('since=91d&bucket=1d') }), 422, 'invalid_configuration', 'since must be a duration from 1m to 90d (got "91d")');
    expectError(await h.call({ method: 'GET', url: url('since=2026-03-02T00:00:00Z') }), 422, 'invalid_configuration', 'since must not be in the future (got "2026-03-02T00:00:00Z")');
    expectError(
      await h.call({ method: 'GET', url: url('since=90d&bucket=1h') }), 422, 'invalid_configuration',
      'since "90d" with bucket 1h makes 2160 buckets; at most 1440 are allowed: use a larger bucket (6h, 1d) or a later since',
    );
    expectError(await h.call({ method: 'GET', url: url(`since=${'1'.repeat(80)}d`) }), 400, 'invalid_filter');
    expectError(await h.call({ method: 'GET', url: url('bucket=123456789') }), 400, 'invalid_filter');
    expectError(await h.call({ method: 'GET', url: '/keyward/v1/usage', auth: null }), 401, 'user_unauthenticated');
    expectError(await h.call({ method: 'GET', url: '/keyward/v1/usage', auth: { key: keys.saA_lkcA, secret: 'kw_wrong' } }), 401, 'user_unauthenticated');
  });

  it.skipIf(skip)('bounds the answer: more key × bucket points than the limit is 422 naming it', async () => {
    const services = h.server.runtime.services;
    const limited = createUsageSummary({ db: h.server.runtime.store.db, clock: h.clock }, services.apiKeys, { maxPoints: 50 });
    const ctx: CallContext = {
      actor: { kind: 'user', id: h.admin.user, principal: `User:${h.admin.user}`, apiKeyId: h.admin.key },
      request: { clientAddress: '127.0.0.1', requestId: 'test', userAgent: 'test' },
    };
    // 4 keys with use × 12 buckets fits; × 24 does not
    expect((await limited.summary(ctx, { since: '12h' })).keys).toHaveLength(4);
    await expect(limited.summary(ctx, { since: '24h' })).rejects.toThrow('4 keys with use × 24 buckets makes 96 series points; at most 50 are allowed: use a larger bucket (6h, 1d) or a later since');
  });

  it.skipIf(skip)('is described in the OpenAPI document, and no answer leaks a secret', async () => {
    const doc = (await h.call({ method: 'GET', url: '/openapi.json' })).json();
    const op = doc.paths['/keyward/v1/usage'].get;
    expect(op.summary).toMatch(/per key/);
    expect(op.responses['200'].content['application/json'].example).toMatchObject({ kind: 'UsageSummary', bucket: '1h' });
    expectNoLeaks(h.recorded.filter((r) => r.url.startsWith('/keyward/v1/usage')));
  });
});

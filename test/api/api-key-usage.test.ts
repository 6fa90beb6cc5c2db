import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { USAGE_OUTCOMES, epochMinute, type UsageOutcome } from '../../src/domain/usage.js';
import { UsageRecorder } from '../../src/services/usage/usage-recorder.js';
import type { ApiKeyUsage } from '../../src/contract/index.js';
import {
  START, bindClusterReader, createEnvironment, createKafkaCluster, createKey, createServiceAccount, createUser, expectError,
  startHarness, type ApiHarness, type Credentials,
} from './support.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const NOW_MINUTE = epochMinute(START.getTime());
const zeros = () => Object.fromEntries(USAGE_OUTCOMES.map((o) => [o, 0])) as Record<UsageOutcome, number>;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The answer's shape, as the CLI reads it. */
type Usage = ApiKeyUsage & { api_version: string; kind: string };

/**
 * GET /keyward/v1/api-keys/{id}/usage: counts fed through the recorder and through real verifies,
 * every UTC-aligned bucket with zeros, totals, since/bucket validation, who may read it, deletion with
 * the key, and additive writes from two recorders sharing one PostgreSQL database.
 */
describe.each(DIALECTS)('/keyward/v1/api-keys/{id}/usage on $name', ({ name, skip, create }) => {
  let h: ApiHarness;
  let lkc: string;
  let sa: string;
  let alice: { id: string; auth: Credentials };
  let key: Credentials;

  const usage = async (id: string, query = '', auth?: Credentials) => {
    const res = await h.call({ method: 'GET', url: `/keyward/v1/api-keys/${id}/usage${query}`, ...(auth ? { auth } : {}) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Usage;
  };
  const sink = () => h.server.runtime.services.usage.recorder;
  /** What the data plane has counted reaches the store: open windows sealed, then the rollup written. */
  const settle = async () => {
    await h.server.runtime.audit.flush();
    await sink().flush();
  };
  const verify = (payload: object, remoteAddress = '127.0.0.1') => h.server.runtime.app.inject({ method: 'POST', url: '/keyward/v1/verify', payload, remoteAddress });

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(await create());
    const env = await createEnvironment(h, 'apps');
    lkc = await createKafkaCluster(h, 'orders', env);
    sa = await createServiceAccount(h, 'orders-app', 'Orders');
    alice = await createUser(h, 'alice@example.com', 'Alice');
    await bindClusterReader(h, alice.id, env, lkc);
    key = await createKey(h, lkc, { owner: sa });
  });
  afterAll(async () => h?.close());

  it.skipIf(skip)('answers every hourly bucket of the last 24 h, zeros included, with the totals (defaults since=24h, bucket=1h)', async () => {
    const fresh = await createKey(h, lkc, { owner: sa });
    const empty = await usage(fresh.key);
    expect(Object.keys(empty)).toEqual(['api_version', 'kind', 'id', 'since', 'until', 'bucket', 'totals', 'data']);
    expect(empty).toMatchObject({ api_version: 'keyward/v1', kind: 'APIKeyUsage', id: fresh.key, bucket: '1h', totals: zeros() });
    expect(empty.since).toBe('2026-02-28T13:00:00Z');
    expect(empty.until).toBe('2026-03-01T12:00:00Z');
    expect(empty.data).toHaveLength(24);
    expect(empty.data.map((b) => b.start)).toEqual(Array.from({ length: 24 }, (_, i) => iso(Date.parse('2026-02-28T13:00:00Z') + i * HOUR)));
    for (const b of empty.data) {
      expect(b.counts).toEqual(zeros());
      expect(Object.keys(b.counts)).toEqual([...USAGE_OUTCOMES]);
    }

    sink().add(fresh.key, NOW_MINUTE, 'VALID', 5);
    sink().add(fresh.key, NOW_MINUTE, 'VALID', 2);
    sink().add(fresh.key, NOW_MINUTE - 1, 'INVALID_CREDENTIALS', 3);
    sink().add(fresh.key, NOW_MINUTE - 23 * 60, 'FORBIDDEN', 4);
    sink().add(fresh.key, NOW_MINUTE - 24 * 60, 'VALID', 100); // 2026-02-28T12:00: before the first bucket
    sink().add(key.key, NOW_MINUTE, 'VALID', 1000); // another key
    await sink().flush();
    const one = await usage(fresh.key);
    expect(one.totals).toEqual({ ...zeros(), VALID: 7, INVALID_CREDENTIALS: 3, FORBIDDEN: 4 });
    expect(one.data[0]?.counts).toEqual({ ...zeros(), FORBIDDEN: 4 });
    expect(one.data[22]?.counts).toEqual({ ...zeros(), INVALID_CREDENTIALS: 3 }); // 11:59
    expect(one.data[23]?.counts).toEqual({ ...zeros(), VALID: 7 }); // 12:00, the current hour
    expect(one.data.slice(1, 22).every((b) => Object.values(b.counts).every((n) => n === 0))).toBe(true);

    // a later add to the same minute adds up
    sink().add(fresh.key, NOW_MINUTE, 'VALID', 1);
    await sink().flush();
    expect((await usage(fresh.key)).totals.VALID).toBe(8);
  });

  it.skipIf(skip)('buckets of 1m, 15m and 1d, and a since given as an RFC 3339 time; UTC-aligned', async () => {
    const k = await createKey(h, lkc, { owner: sa });
    for (let m = 0; m < 120; m++) sink().add(k.key, NOW_MINUTE - m, 'VALID', 1);
    sink().add(k.key, NOW_MINUTE - 3 * 1440, 'RATE_LIMITED', 9);
    await sink().flush();

    const minutes = await usage(k.key, '?since=30m&bucket=1m');
    expect(minutes).toMatchObject({ bucket: '1m', since: '2026-03-01T11:31:00Z', until: '2026-03-01T12:00:00Z' });
    expect(minutes.data).toHaveLength(30);
    expect(minutes.data.every((b) => b.counts.VALID === 1)).toBe(true);
    expect(minutes.totals.VALID).toBe(30);

    const quarters = await usage(k.key, '?since=2026-03-01T10:20:00%2B00:00&bucket=15m');
    expect(quarters.since).toBe('2026-03-01T10:15:00Z');
    expect(quarters.data.map((b) => b.counts.VALID)).toEqual([15, 15, 15, 15, 15, 15, 15, 1]);
    expect(quarters.totals.VALID).toBe(106);

    const days = await usage(k.key, '?since=7d&bucket=1d');
    expect(days.since).toBe('2026-02-23T00:00:00Z');
    expect(days.data.map((b) => b.start.slice(0, 10))).toEqual(['2026-02-23', '2026-02-24', '2026-02-25', '2026-02-26', '2026-02-27', '2026-02-28', '2026-03-01']);
    expect(days.data.map((b) => b.counts.RATE_LIMITED)).toEqual([0, 0, 0, 9, 0, 0, 0]);
    expect(days.data.map((b) => b.counts.VALID)).toEqual([0, 0, 0, 0, 0, 0, 120]);
    expect(days.totals).toEqual({ ...zeros(), VALID: 120, RATE_LIMITED: 9 });

    expect((await usage(k.key, '?since=24h&bucket=1m')).data).toHaveLength(1440);
  });

  it.skipIf(skip)('counts real verifies: successes, wrong secrets and a wrong resource, exactly', async () => {
    const k = await createKey(h, lkc, { owner: sa });
    const wrong = { key: k.key, secret: k.secret.slice(0, -1) + (k.secret.endsWith('a') ? 'b' : 'a') };
    for (let i = 0; i < 25; i++) expect((await verify(k)).json().code).toBe('VALID');
    for (let i = 0; i < 3; i++) expect((await verify(wrong, `10.0.0.${i + 1}`)).json().code).toBe('INVALID_CREDENTIALS');
    expect((await verify({ ...k, resource: 'lkc-nothere' })).json().code).toBe('WRONG_RESOURCE');
    await settle();
    const answer = await usage(k.key, '?since=1h&bucket=1m');
    expect(answer.totals).toEqual({ ...zeros(), VALID: 25, INVALID_CREDENTIALS: 3, WRONG_RESOURCE: 1 });
    expect(answer.data.at(-1)?.counts).toEqual({ ...zeros(), VALID: 25, INVALID_CREDENTIALS: 3, WRONG_RESOURCE: 1 });
  });

  it.skipIf(skip)('refuses a bad since or bucket with 422 naming the valid values, and more than 1440 buckets naming the limit', async () => {
    const url = (q: string) => `/keyward/v1/api-keys/${key.key}/usage?${q}`;
    expectError(await h.call({ method: 'GET', url: url('bucket=2h') }), 422, 'invalid_configuration', 'bucket must be one of 1m, 5m, 15m, 1h, 6h, 1d (got "2h")');
    expectError(await h.call({ method: 'GET', url: url('bucket=') }), 422, 'invalid_configuration', 'bucket must be one of 1m, 5m, 15m, 1h, 6h, 1d (got "")');
    expectError(
      await h.call({ method: 'GET', url: url('since=yesterday') }), 422, 'invalid_configuration',
      'since must be a duration back from now from 1m to 90d, such as 24h or 7d, or an RFC 3339 time such as 2027-01-31T00:00:00Z (got "yesterday")',
    );
    expectError(await h.call({ method: 'GET', url: url('since=30s') }), 422, 'invalid_configuration', 'since must be a duration from 1m to 90d (got "30s")');
    expectError(await h.call({ method: 'GET', url: url('since=91d&bucket=1d') }), 422, 'invalid_configuration', 'since must be a duration from 1m to 90d (got "91d")');
    expectError(await h.call({ method: 'GET', url: url('since=2026-03-02T00:00:00Z') }), 422, 'invalid_configuration', 'since must not be in the future (got "2026-03-02T00:00:00Z")');
    expectError(
      await h.call({ method: 'GET', url: url('since=90d&bucket=1h') }), 422, 'invalid_configuration',
      'since "90d" with bucket 1h makes 2160 buckets; at most 1440 are allowed: use a larger bucket (6h, 1d) or a later since',
    );
    expectError(await h.call({ method: 'GET', url: url(`since=${'1'.repeat(80)}d`) }), 400, 'invalid_filter');
  });

  it.skipIf(skip)('is authorized like describing the key: unknown or unreadable keys are 404, no credentials 401, a resource key 401', async () => {
    expectError(await h.call({ method: 'GET', url: '/keyward/v1/api-keys/ZZZZZZZZZZZZZZZZ/usage' }), 404, 'not_found', 'API key "ZZZZZZZZZZZZZZZZ" not found');
    // alice may not describe the service account's key: the same 404, so ids cannot be probed
    expectError(await h.call({ method: 'GET', url: `/iam/v2/api-keys/${key.key}`, auth: alice.auth }), 404, 'not_found');
    expectError(await h.call({ method: 'GET', url: `/keyward/v1/api-keys/${key.key}/usage`, auth: alice.auth }), 404, 'not_found', `API key "${key.key}" not found`);
    // ... and reads her own key's usage
    expect((await usage(alice.auth.key, '', alice.auth)).id).toBe(alice.auth.key);
    expectError(await h.call({ method: 'GET', url: `/keyward/v1/api-keys/${key.key}/usage`, auth: null }), 401, 'user_unauthenticated');
    expectError(await h.call({ method: 'GET', url: `/keyward/v1/api-keys/${key.key}/usage`, auth: key }), 401, 'user_unauthenticated');
  });

  it.skipIf(skip)('the usage counts go with their key, and the OpenAPI document describes the route', async () => {
    const k = await createKey(h, lkc, { owner: sa });
    sink().add(k.key, NOW_MINUTE, 'VALID', 3);
    await sink().flush();
    const stored = () => h.server.runtime.store.db.selectFrom('api_key_usage').select('count').where('api_key', '=', k.key).execute();
    expect(await stored()).toHaveLength(1);
    expect((await h.call({ method: 'DELETE', url: `/iam/v2/api-keys/${k.key}` })).statusCode).toBe(204);
    expect(await stored()).toEqual([]);
    expectError(await h.call({ method: 'GET', url: `/keyward/v1/api-keys/${k.key}/usage` }), 404, 'not_found');

    const doc = (await h.call({ method: 'GET', url: '/openapi.json' })).json();
    const op = doc.paths['/keyward/v1/api-keys/{id}/usage'].get;
    expect(op.summary).toMatch(/authentications over time/);
    expect(op.description).toMatch(/1440/);
    expect(op.responses['200'].content['application/json'].example).toMatchObject({ kind: 'APIKeyUsage', bucket: '1h' });
  });

  it.skipIf(skip || name !== 'postgres')('two recorders on one PostgreSQL database add up (concurrent overlapping batches)', async () => {
    const k = await createKey(h, lkc, { owner: sa });
    const stores: Store[] = [await openStore(h.server.db.options), await openStore(h.server.db.options)];
    try {
      const recorders = stores.map((s) => new UsageRecorder(s.db, { intervalMs: 3_600_000, batchRows: 25 }));
      for (let round = 0; round < 4; round++) {
        for (const [i, r] of recorders.entries()) {
          for (let m = 0; m < 100; m++) r.add(k.key, NOW_MINUTE - m, m % 2 ? 'VALID' : 'FORBIDDEN', i + 1);
        }
        await Promise.all(recorders.map((r) => r.flush()));
      }
      await Promise.all(recorders.map((r) => r.close()));
      expect(recorders.map((r) => r.pendingRows)).toEqual([0, 0]);
      const answer = await usage(k.key, '?since=100m&bucket=1m');
      // each minute: 4 rounds × (1 + 2)
      expect(answer.data.every((b) => b.counts.VALID + b.counts.FORBIDDEN === 12)).toBe(true);
      expect(answer.totals).toEqual({ ...zeros(), VALID: 600, FORBIDDEN: 600 });
    } finally {
      for (const s of stores) await s.close();
    }
  });

  it.skipIf(skip)('counts a minute as it was when the clock moves on', async () => {
    const k = await createKey(h, lkc, { owner: sa });
    sink().add(k.key, NOW_MINUTE, 'EXPIRED', 2);
    await sink().flush();
    h.clock.advance(2 * HOUR + 5 * MINUTE);
    try {
      const later = await usage(k.key, '?since=3h');
      expect(later.until).toBe('2026-03-01T14:05:00Z');
      expect(later.data.map((b) => b.counts.EXPIRED)).toEqual([2, 0, 0]);
    } finally {
      h.clock.set(START);
    }
  });
});

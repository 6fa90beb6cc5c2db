import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataPlaneAuditMode } from '../../src/services/audit/data-plane-recorder.js';
import { verifyAuditChains } from '../../src/services/audit/audit-verify.js';
import { openStore } from '../../src/store/connect.js';
import { dataPlaneEvents, isBlockEvent, outcomeOf, requestCounts, type DataPlaneEvent } from '../helpers/audit-counts.js';
import { DIALECTS, type TestDatabase } from '../helpers/databases.js';
import { countingFixture, METHODS, request, type CountingFixture, type Key, type Method } from '../helpers/counting-fixture.js';

/**
 * DESIGN §4: in mode all every success is accounted for exactly but aggregated, every failure is an
 * event of its own up to 20 per client address and window, and the sum of data.count (1 for an
 * individual event) is the number of requests, per outcome, on every data-plane method.
 */

const WRONG_SECRET = 'kw_' + 'x'.repeat(61);
const UNKNOWN_KEY = 'ZZZZZZZZZZZZZZZZ';
const N = 25;

type Fixture = CountingFixture;

function fixture(db: TestDatabase, mode: DataPlaneAuditMode = 'all'): Promise<Fixture> {
  // high thresholds: the counting test decides where the only block starts
  return countingFixture(db, { mode, start: '2026-03-01T12:00:10.000Z', keyFailures: 100 });
}


async function events(f: Fixture): Promise<DataPlaneEvent[]> {
  await f.server.runtime.audit.flush();
  return dataPlaneEvents(f.server.runtime.store.db, METHODS);
}

describe.each(DIALECTS)('aggregated data-plane audit on $name', ({ name, skip, create }) => {
  let f: Fixture;
  beforeAll(async () => {
    if (skip) return;
    f = await fixture(await create());
  });
  afterAll(async () => f?.server.close());

  it.skipIf(skip)(`the sum of data.count per method and outcome is the number of requests (${name})`, async () => {
    const main = '10.0.0.1';
    const blocked = '10.0.0.66';
    const expected: Record<string, number> = {};
    const send = async (method: Method, outcome: string, credentials: Key, address: string, options: Parameters<typeof request>[4] = {}, times = N) => {
      for (let i = 0; i < times; i++) {
        const res = await request(f, method, credentials, address, options);
        expect(res.statusCode, `${method} ${outcome}: ${res.body}`).not.toBe(500);
        if (method === 'keyward.Verify') expect(res.json().code).toBe(outcome);
        if (method === 'keyward.AuthBasic' && outcome !== 'VALID') expect(res.headers['x-keyward-code']).toBe(outcome);
      }
      expected[`${method} ${outcome}`] = (expected[`${method} ${outcome}`] ?? 0) + times;
    };

    for (const method of METHODS) {
      await send(method, 'VALID', f.good, main);
      await send(method, 'INVALID_CREDENTIALS', { key: f.good.key, secret: WRONG_SECRET }, main);
      await send(method, 'INVALID_CREDENTIALS', { key: UNKNOWN_KEY, secret: WRONG_SECRET }, main);
      await send(method, 'EXPIRED', f.expired, main);
      await send(method, 'DISABLED', f.disabled, main);
      if (method !== 'oauth2.Token') {
        await send(method, 'FORBIDDEN', f.good, main, { operation: 'WRITE' });
        await send(method, 'WRONG_RESOURCE', f.good, main, { resource: f.otherCluster });
      }
    }
    // 100 wrong secrets for the good key from one address block that address for it
    await send('keyward.Verify', 'INVALID_CREDENTIALS', { key: f.good.key, secret: WRONG_SECRET }, blocked, {}, 100);
    for (const method of METHODS) await send(method, 'RATE_LIMITED', f.good, blocked);

    const stored = await events(f);
    expect(requestCounts(stored)).toEqual(expected);
    expect(stored.filter(isBlockEvent)).toHaveLength(1);

    // successes: one aggregated event per tuple (nothing moved the clock: one window)
    const successes = stored.filter((e) => outcomeOf(e) === 'VALID');
    expect(successes.map((e) => [e.data.methodName, e.data.count])).toEqual(METHODS.map((m) => [m, N]));
    // failures: at most 20 individual events per client address, the rest aggregated
    for (const address of [main, blocked]) {
      const individual = stored.filter((e) => e.data.count === undefined && !isBlockEvent(e) && e.data.requestMetadata?.clientAddress === address);
      expect(individual, address).toHaveLength(20);
    }
    // the unknown id is in no aggregated event; the known one is, also for a wrong secret
    const aggregated = stored.filter((e) => e.data.count !== undefined);
    expect(aggregated.some((e) => e.data.authenticationInfo?.metadata.identifier === UNKNOWN_KEY)).toBe(false);
    expect(aggregated.filter((e) => outcomeOf(e) === 'INVALID_CREDENTIALS' && e.data.authenticationInfo?.metadata.identifier === f.good.key).length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThan(120);

    // audit-log verify holds on a store with aggregated events
    expect(await verifyAuditChains(f.server.runtime.store.db, f.server.runtime.audit.key, { now: new Date(f.clock.now) })).toMatchObject({ ok: true, brokenChains: 0 });
  });

  it.skipIf(skip)(`an aggregated success carries its count, first and last time, its first request and the first decision (${name})`, async () => {
    const address = '10.0.0.2';
    const start = Date.parse('2026-03-01T14:30:05.000Z');
    f.clock.now = start;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await request(f, 'keyward.Verify', f.good, address);
      expect(res.json().code).toBe('VALID');
      ids.push(res.headers['x-request-id'] as string);
      f.clock.now += 1000;
    }
    const before = await dataPlaneEvents(f.server.runtime.store.db, METHODS);
    expect(before.filter((e) => e.data.requestMetadata?.clientAddress === address)).toEqual([]);

    const [event, ...more] = (await events(f)).filter((e) => e.data.requestMetadata?.clientAddress === address);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      type: 'io.keyward.authorization',
      time: new Date(start).toISOString(),
      data: {
        methodName: 'keyward.Verify',
        count: 3,
        firstTime: new Date(start).toISOString(),
        lastTime: new Date(start + 2000).toISOString(),
        authenticationInfo: { metadata: { mechanism: 'VERIFY_API', identifier: f.good.key } },
        authorizationInfo: { granted: true, operation: 'READ', resourceType: 'TOPIC', resourceName: 'orders', rbacAuthorization: { role: 'DeveloperRead' } },
        requestMetadata: { clientAddress: address, requestId: ids[0] },
        request: { resource: f.cluster },
        result: { status: 'SUCCESS' },
      },
    });
  });

  it.skipIf(skip)(`the first 20 failures per client address and window are events of their own (${name})`, async () => {
    const address = '10.0.0.3';
    f.clock.now = Date.parse('2026-03-01T14:40:00.000Z');
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) ids.push((await request(f, 'keyward.Verify', f.disabled, address)).headers['x-request-id'] as string);
    const mine = (await events(f)).filter((e) => e.data.requestMetadata?.clientAddress === address);
    expect(mine.map((e) => e.data.count)).toEqual([...Array(20).fill(undefined), 3]);
    expect(mine.slice(0, 20).map((e) => e.data.requestMetadata?.requestId)).toEqual(ids.slice(0, 20));
    expect(mine[20]).toMatchObject({ data: { requestMetadata: { requestId: ids[20] }, authenticationInfo: { metadata: { identifier: f.disabled.key } }, result: { status: 'UNAUTHENTICATED', reason: 'DISABLED' } } });

    // the next window counts anew
    f.clock.now += 60_000;
    await request(f, 'keyward.Verify', f.disabled, address);
    const next = (await events(f)).filter((e) => e.data.requestMetadata?.clientAddress === address);
    expect(next.map((e) => e.data.count)).toEqual([...Array(20).fill(undefined), 3, undefined]);
  });
});

describe.each(DIALECTS)('the other audit modes and the end of a window on $name', ({ name, skip, create }) => {
  const run = async (mode: DataPlaneAuditMode, work: (f: Fixture) => Promise<void>) => {
    const f = await fixture(await create(), mode);
    try {
      await work(f);
    } finally {
      await f.server.close();
    }
  };
  const burst = async (f: Fixture, address: string) => {
    for (let i = 0; i < N; i++) expect((await request(f, 'keyward.AuthBasic', f.good, address)).statusCode).toBe(204);
    for (let i = 0; i < N; i++) expect((await request(f, 'keyward.Verify', f.expired, address)).json().code).toBe('EXPIRED');
    return (await events(f)).filter((e) => e.data.requestMetadata?.clientAddress === address);
  };

  it.skipIf(skip)(`every: one event per request (${name})`, async () => {
    await run('every', async (f) => {
      const mine = await burst(f, '10.1.0.1');
      expect(mine).toHaveLength(2 * N);
      expect(mine.every((e) => e.data.count === undefined)).toBe(true);
      expect(requestCounts(mine)).toEqual({ 'keyward.AuthBasic VALID': N, 'keyward.Verify EXPIRED': N });
    });
  });

  it.skipIf(skip)(`failures: no success, failures as in mode all (${name})`, async () => {
    await run('failures', async (f) => {
      const mine = await burst(f, '10.1.0.2');
      expect(mine.map((e) => e.data.count)).toEqual([...Array(20).fill(undefined), N - 20]);
      expect(requestCounts(mine)).toEqual({ 'keyward.Verify EXPIRED': N });
    });
  });

  it.skipIf(skip)(`off: no data-plane event (${name})`, async () => {
    await run('off', async (f) => {
      expect(await burst(f, '10.1.0.3')).toEqual([]);
    });
  });

  it.skipIf(skip)(`a window ends on the next request after its end, and close() seals the open one (${name})`, async () => {
    const db = await create();
    const f = await fixture(db);
    const address = '10.1.0.4';
    try {
      f.clock.now = Date.parse('2026-03-01T15:00:30.000Z');
      for (let i = 0; i < 4; i++) await request(f, 'keyward.AuthBasic', f.good, address);
      f.clock.now = Date.parse('2026-03-01T15:01:00.000Z');
      for (let i = 0; i < 2; i++) await request(f, 'keyward.AuthBasic', f.good, address);
    } finally {
      // no flush: close() seals the window still open
      await f.server.runtime.close();
    }
    const store = await openStore(db.options);
    try {
      const mine = (await dataPlaneEvents(store.db, METHODS)).filter((e) => e.data.requestMetadata?.clientAddress === address);
      expect(mine.map((e) => [e.time, e.data.count])).toEqual([
        ['2026-03-01T15:00:30.000Z', 4],
        ['2026-03-01T15:01:00.000Z', 2],
      ]);
    } finally {
      await store.close();
      await db.drop();
    }
  });
});

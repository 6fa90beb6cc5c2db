import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { USAGE_OUTCOMES, type UsageOutcome } from '../../src/domain/usage.js';
import { buildAdvisorSnapshot } from '../../src/services/advisor.js';
import { DATA_PLANE_AUDIT_MODES, type DataPlaneAuditMode } from '../../src/services/audit/data-plane-recorder.js';
import { dataPlaneEvents, isBlockEvent, requestCounts } from '../helpers/audit-counts.js';
import { DIALECTS, type TestDatabase } from '../helpers/databases.js';
import { countingFixture, METHODS, request, type CountingFixture, type Key, type Method } from '../helpers/counting-fixture.js';

/**
 * One traffic mix, N requests of every outcome on every data-plane method, counted three ways in
 * each audit mode (DESIGN §4): the audit log (the sum of data.count, 1 for an individual event),
 * the usage endpoint's totals per key (every mode), and the advisor's failed authentications per key.
 * The server's clock is injected and the audit log flushed, so every window is sealed when counted.
 */

const N = 25;
const BLOCKING = 100;
const WRONG_SECRET = 'kw_' + 'y'.repeat(61);
const UNKNOWN_KEY = 'QQQQQQQQQQQQQQQQ';
const MAIN = '10.2.0.1';
const BLOCKED = '10.2.0.2';
const UNKNOWN_FROM = '10.2.0.3';

type Fixture = CountingFixture;

function fixture(db: TestDatabase, mode: DataPlaneAuditMode): Promise<Fixture> {
  // the only block is the one the test starts, after BLOCKING wrong secrets from one address
  return countingFixture(db, { mode, start: '2026-03-01T12:00:05.000Z', keyFailures: BLOCKING });
}


/** The code a response reports: the verify body's, the X-Keyward-Code header, or the token's. */
function codeOf(method: Method, res: LightMyRequestResponse): string {
  if (method === 'keyward.Verify') return res.json().code as string;
  if (method === 'keyward.AuthBasic') return res.statusCode === 204 ? 'VALID' : (res.headers['x-keyward-code'] as string);
  return res.statusCode === 200 ? 'VALID' : 'refused';
}

const zeros = () => Object.fromEntries(USAGE_OUTCOMES.map((o) => [o, 0])) as Record<UsageOutcome, number>;

describe.each(DIALECTS)('exact counts in the audit log, the usage rollup and the advisor on $name', ({ name, skip, create }) => {
  it.skipIf(skip)('the modes are the four of DESIGN §4', () => {
    expect(DATA_PLANE_AUDIT_MODES).toEqual(['all', 'every', 'failures', 'off']);
  });

  for (const mode of DATA_PLANE_AUDIT_MODES) {
    it.skipIf(skip)(`mode ${mode}: N requests of each outcome are N in every count (${name})`, async () => {
      const f = await fixture(await create(), mode);
      try {
        const expected: Record<string, number> = {};
        const usage: Record<string, Record<UsageOutcome, number>> = { [f.good.key]: zeros(), [f.disabled.key]: zeros(), [f.expired.key]: zeros() };
        let requests = 0;
        const send = async (method: Method, outcome: UsageOutcome, credentials: Key, address: string, options: Parameters<typeof request>[4] = {}, times = N) => {
          for (let i = 0; i < times; i++) {
            const res = await request(f, method, credentials, address, options);
            expect(res.statusCode, `${method} ${outcome}: ${res.body}`).not.toBe(500);
            expect(codeOf(method, res), `${method} ${outcome}`).toBe(method === 'oauth2.Token' && outcome !== 'VALID' ? 'refused' : outcome);
          }
          expected[`${method} ${outcome}`] = (expected[`${method} ${outcome}`] ?? 0) + times;
          const counted = usage[credentials.key];
          if (counted) counted[outcome] += times;
          requests += times;
        };

        for (const method of METHODS) {
          await send(method, 'VALID', f.good, MAIN);
          await send(method, 'INVALID_CREDENTIALS', { key: f.good.key, secret: WRONG_SECRET }, MAIN);
          await send(method, 'EXPIRED', f.expired, MAIN);
          await send(method, 'DISABLED', f.disabled, MAIN);
          if (method !== 'oauth2.Token') {
            await send(method, 'FORBIDDEN', f.good, MAIN, { operation: 'WRITE' });
            await send(method, 'WRONG_RESOURCE', f.good, MAIN, { resource: f.otherCluster });
          }
        }
        // an unknown key id from an address of its own: 20 events name it, the rest are aggregated without it
        await send('keyward.Verify', 'INVALID_CREDENTIALS', { key: UNKNOWN_KEY, secret: WRONG_SECRET }, UNKNOWN_FROM);
        // BLOCKING wrong secrets for the good key from one address block that address for it
        await send('keyward.Verify', 'INVALID_CREDENTIALS', { key: f.good.key, secret: WRONG_SECRET }, BLOCKED, {}, BLOCKING);
        for (const method of METHODS) await send(method, 'RATE_LIMITED', f.good, BLOCKED);

        await f.server.runtime.audit.flush();
        await f.server.runtime.services.usage.recorder.flush();

        // the audit log: every request once, by mode
        const stored = await dataPlaneEvents(f.server.runtime.store.db, METHODS);
        const audited = Object.fromEntries(
          Object.entries(expected).filter(([k]) => (mode === 'all' || mode === 'every' ? true : mode === 'failures' ? !k.endsWith(' VALID') : false)),
        );
        expect(requestCounts(stored)).toEqual(audited);
        // the block is an event of its own in every mode
        expect(stored.filter(isBlockEvent)).toHaveLength(1);
        const requestEvents = stored.filter((e) => !isBlockEvent(e));
        if (mode === 'every') {
          expect(requestEvents).toHaveLength(requests);
          expect(requestEvents.every((e) => e.data.count === undefined)).toBe(true);
        }
        if (mode === 'all' || mode === 'failures') {
          // 20 individual failures per client address, the rest aggregated: far fewer rows than requests
          for (const address of [MAIN, BLOCKED, UNKNOWN_FROM]) {
            expect(requestEvents.filter((e) => e.data.count === undefined && e.data.requestMetadata?.clientAddress === address), address).toHaveLength(20);
          }
          expect(requestEvents.length).toBeLessThan(150);
          expect(requestEvents.filter((e) => e.data.count !== undefined).every((e) => (e.data.count as number) >= 1 && e.data.firstTime !== undefined && e.data.lastTime !== undefined)).toBe(true);
        }
        if (mode === 'off') expect(requestEvents).toEqual([]);

        // the usage endpoint: every mode, each key's totals exactly
        for (const [id, totals] of Object.entries(usage)) {
          const res = await f.server.call({ method: 'GET', url: `/keyward/v1/api-keys/${id}/usage?since=1h&bucket=5m` });
          expect(res.statusCode, res.body).toBe(200);
          const answer = res.json() as { totals: Record<UsageOutcome, number>; data: Array<{ counts: Record<UsageOutcome, number> }> };
          expect(answer.totals, id).toEqual(totals);
          expect(answer.data.at(-1)?.counts, id).toEqual(totals);
        }

        // the advisor: failed authentications per named key, requests not rows, the block event not one
        const snapshot = await buildAdvisorSnapshot(f.server.runtime.store.db, new Date(f.clock.now));
        const failed = Object.fromEntries(snapshot.failedAuthByKey.map((c) => [c.api_key, c.count]));
        const good = usage[f.good.key] as Record<UsageOutcome, number>;
        expect(failed).toEqual(
          mode === 'off'
            ? {}
            : {
                [f.good.key]: good.INVALID_CREDENTIALS + good.WRONG_RESOURCE + good.RATE_LIMITED,
                [f.expired.key]: 3 * N,
                [f.disabled.key]: 3 * N,
                // only the events that name an unknown id count for it
                [UNKNOWN_KEY]: mode === 'every' ? N : 20,
              },
        );
      } finally {
        await f.server.close();
      }
    });
  }
});

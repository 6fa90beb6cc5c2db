import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epochMinute, type UsageOutcome } from '../../src/domain/usage.js';
import type { DataPlaneAuditMode } from '../../src/services/audit/data-plane-recorder.js';
import { createBrokerEvents, type BrokerEvent } from '../../src/services/kafka/broker-events.js';
import { dataPlaneEvents, requestCounts } from '../helpers/audit-counts.js';
import { DIALECTS } from '../helpers/databases.js';
import { startServices, type ServiceHarness } from '../services/support.js';

/**
 * The broker aggregates its items itself: they pass through in every mode but off (failures only in
 * mode failures), and every item naming an existing key adds its count to that key's usage (DESIGN §4, §8).
 */

const REQUEST = { clientAddress: '127.0.0.5', requestId: 'req-broker-usage', userAgent: 'keyward-kafka' };
const TIME = '2026-03-01T12:00:00.000Z';

function item(overrides: Partial<BrokerEvent>): BrokerEvent {
  return { type: 'authentication', time: TIME, key: null, principal: null, result: 'SUCCESS', client_address: '10.1.2.3', count: 1, first_time: TIME, last_time: TIME, ...overrides };
}

describe.each(DIALECTS)('broker items: usage and audit modes on $name', ({ name, skip, create }) => {
  let s: ServiceHarness;
  let lkc: string;
  let own: string;
  let foreign: string;

  beforeAll(async () => {
    if (skip) return;
    s = await startServices(await create());
    const env = (await s.services.environments.create(s.adminCtx, { name: 'apps' })).id;
    lkc = (await s.services.kafkaClusters.create(s.adminCtx, { name: 'orders', cloud: 'aws', region: 'r', environment: env })).id;
    const other = (await s.services.kafkaClusters.create(s.adminCtx, { name: 'billing', cloud: 'aws', region: 'r', environment: env })).id;
    const sa = (await s.services.serviceAccounts.create(s.adminCtx, { name: 'orders-app', description: '' })).id;
    own = (await s.services.apiKeys.create(s.adminCtx, { resource: lkc, serviceAccount: sa })).key.id;
    foreign = (await s.services.apiKeys.create(s.adminCtx, { resource: other, serviceAccount: sa })).key.id;
  });
  afterAll(async () => s?.close());

  const ingest = async (mode: DataPlaneAuditMode, items: BrokerEvent[]) => {
    const usage: Array<[string, number, UsageOutcome, number]> = [];
    const events = createBrokerEvents({
      db: s.runtime.store.db, organizationId: s.admin.organization, audit: s.runtime.audit, lastUsed: { touch: () => undefined }, auditMode: mode,
      usage: { add: (...args) => void usage.push(args) },
    });
    const requestId = `req-${mode}-${Math.random()}`;
    await events.ingest(lkc, items, { ...REQUEST, requestId });
    await s.runtime.audit.flush();
    const stored = (await dataPlaneEvents(s.runtime.store.db, ['kafka.Authentication', 'kafka.Produce'])).filter((e) => e.data.requestMetadata?.requestId === requestId);
    return { usage, stored };
  };

  const items = () => [
    item({ key: own, count: 40 }),
    item({ type: 'authorization', api: 'Produce', operation: 'WRITE', resource_type: 'TOPIC', resource_name: 'orders', key: own, result: 'UNAUTHORIZED', count: 3 }),
    item({ key: own, result: 'UNAUTHENTICATED', reason: 'EXPIRED', count: 2 }),
    item({ key: own, result: 'UNAUTHENTICATED', reason: 'SOMETHING_ELSE', count: 5 }),
    item({ key: foreign, result: 'UNAUTHENTICATED', reason: 'INVALID_CREDENTIALS', count: 7 }),
    item({ key: 'ZZZZZZZZZZZZZZZZ', result: 'UNAUTHENTICATED', reason: 'INVALID_CREDENTIALS', count: 11 }),
  ];
  const minute = epochMinute(Date.parse(TIME));

  it.skipIf(skip)(`every item naming an existing key counts for it, mapped to an outcome, in every mode (${name})`, async () => {
    for (const mode of ['all', 'every', 'failures', 'off'] as const) {
      const { usage } = await ingest(mode, items());
      expect(usage, mode).toEqual([
        [own, minute, 'VALID', 40],
        [own, minute, 'FORBIDDEN', 3],
        [own, minute, 'EXPIRED', 2],
        [own, minute, 'INVALID_CREDENTIALS', 5],
        // another cluster's key is a wrong resource here
        [foreign, minute, 'WRONG_RESOURCE', 7],
      ]);
    }
  });

  it.skipIf(skip)(`items pass through as the broker aggregated them; failures only in mode failures, none in off (${name})`, async () => {
    const expected = { 'kafka.Authentication VALID': 40, 'kafka.Produce FORBIDDEN': 3, 'kafka.Authentication EXPIRED': 2, 'kafka.Authentication SOMETHING_ELSE': 5, 'kafka.Authentication WRONG_RESOURCE': 7, 'kafka.Authentication INVALID_CREDENTIALS': 11 };
    for (const mode of ['all', 'every'] as const) {
      const { stored } = await ingest(mode, items());
      expect(stored, mode).toHaveLength(6);
      expect(requestCounts(stored), mode).toEqual(expected);
    }
    const { 'kafka.Authentication VALID': _valid, ...failures } = expected;
    expect(requestCounts((await ingest('failures', items())).stored)).toEqual(failures);
    expect((await ingest('off', items())).stored).toEqual([]);
  });
});

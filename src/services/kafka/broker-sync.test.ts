import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/helpers/databases.js';
import { errors } from '../../domain/errors.js';
import { migrateToLatest, openStore, type Store } from '../../store/connect.js';
import type { CallContext } from '../context.js';
import { brokerName, createBrokerSyncQuery, createBrokerSyncRecorder, type BrokerSyncOptions, type BrokerSyncRecorder } from './broker-sync.js';

const LKC = 'lkc-abc123';
const START = Date.parse('2026-03-01T12:00:00.000Z');
const CTX = {} as CallContext;
const peer = (broker: string, clientAddress = '10.0.0.1') => ({ broker, clientAddress });

describe('brokerName', () => {
  it('takes a well-formed X-Keyward-Broker and names a broker without one by its address', () => {
    expect(brokerName('1', '10.0.0.1')).toBe('1');
    expect(brokerName('broker-7.eu_west', '10.0.0.1')).toBe('broker-7.eu_west');
    expect(brokerName(undefined, '10.0.0.1')).toBe('unknown@10.0.0.1');
    expect(brokerName('', '10.0.0.1')).toBe('unknown@10.0.0.1');
    expect(brokerName('a b', '::1')).toBe('unknown@::1');
    expect(brokerName('x'.repeat(65), '10.0.0.1')).toBe('unknown@10.0.0.1');
    expect(brokerName(['1', '2'], '10.0.0.1')).toBe('unknown@10.0.0.1');
  });
});

describe.each(DIALECTS)('brokers sync state on $name', ({ skip, create }) => {
  let db: TestDatabase;
  let store: Store;
  /** The service clock (recorded times) and the throttle's clock, both moved by hand. */
  let clockMs: number;
  let throttleMs: number;
  const recorders: BrokerSyncRecorder[] = [];
  const errorsSeen: unknown[] = [];

  const recorder = (options: BrokerSyncOptions = {}) => {
    const r = createBrokerSyncRecorder({ db: store.db, clock: () => new Date(clockMs), onError: (e) => errorsSeen.push(e) }, { now: () => throttleMs, instance: 'instance-a', ...options });
    recorders.push(r);
    return r;
  };
  const query = (visible = true) => createBrokerSyncQuery({
    db: store.db,
    clock: () => new Date(clockMs),
    clusters: { get: async (_ctx, id) => { if (!visible || id !== LKC) throw errors.notFound('Kafka cluster', id); return { id }; } },
  });
  const report = () => query().brokers(CTX, LKC);
  const setRevision = (revision: number) => store.db.updateTable('replica_revision').set({ revision }).where('id', '=', 1).execute();
  const advance = (ms: number) => {
    clockMs += ms;
    throttleMs += ms;
  };

  beforeEach(async () => {
    if (skip) return;
    db = await create();
    store = await openStore(db.options);
    await migrateToLatest(store.db);
    clockMs = START;
    throttleMs = 0;
    errorsSeen.length = 0;
    await setRevision(10);
  });
  afterEach(async () => {
    if (skip) return;
    for (const r of recorders.splice(0)) await r.close();
    await store.close();
    await db.drop();
    expect(errorsSeen).toEqual([]);
  });

  it.skipIf(skip)('records the replica served, and reports its lag behind the cluster revision', async () => {
    const r = recorder();
    r.served(LKC, peer('1'), 10);
    r.served(LKC, peer('2', '10.0.0.2'), 7);
    r.served('lkc-other1', peer('3'), 10);
    await r.idle();
    expect(await report()).toEqual({
      cluster: LKC,
      revision: 10,
      brokers: [
        { broker: '1', revision: 10, lag: 0, last_seen: '2026-03-01T12:00:00.000Z', streaming: false, client_address: '10.0.0.1' },
        { broker: '2', revision: 7, lag: 3, last_seen: '2026-03-01T12:00:00.000Z', streaming: false, client_address: '10.0.0.2' },
      ],
    });
    await setRevision(15);
    expect((await report()).brokers.map((b) => b.lag)).toEqual([5, 8]);
  });

  it.skipIf(skip)('orders brokers by id, numbers as numbers; 404 for a cluster the caller may not read', async () => {
    const r = recorder();
    for (const broker of ['10', '2', '1', 'unknown@10.0.0.9']) r.seen(LKC, peer(broker));
    await r.idle();
    expect((await report()).brokers.map((b) => b.broker)).toEqual(['1', '2', '10', 'unknown@10.0.0.9']);
    await expect(query(false).brokers(CTX, LKC)).rejects.toMatchObject({ status: 404 });
  });

  it.skipIf(skip)('an events batch is a sighting: no revision, no lag, and it leaves the stream mark alone', async () => {
    const r = recorder();
    r.seen(LKC, peer('1'));
    await r.idle();
    expect((await report()).brokers).toEqual([{ broker: '1', revision: null, lag: null, last_seen: '2026-03-01T12:00:00.000Z', streaming: false, client_address: '10.0.0.1' }]);
    const stream = r.stream(LKC, peer('1'));
    stream.moved(9);
    await r.idle();
    advance(20_000);
    r.seen(LKC, peer('1', '10.0.0.5'));
    await r.idle();
    expect((await report()).brokers).toEqual([{ broker: '1', revision: 9, lag: 1, last_seen: '2026-03-01T12:00:20.000Z', streaming: true, client_address: '10.0.0.5' }]);
  });

  it.skipIf(skip)('throttles: a sighting with nothing changed is written once per refresh, a change once the gap has passed', async () => {
    const r = recorder({ minGapMs: 1000, refreshMs: 10_000 });
    const lastSeen = async () => (await report()).brokers[0]!.last_seen;
    r.served(LKC, peer('1'), 10);
    await r.idle();
    advance(5000);
    r.served(LKC, peer('1'), 10); // nothing changed within the refresh: not written
    await r.idle();
    expect(await lastSeen()).toBe('2026-03-01T12:00:00.000Z');
    advance(5000);
    r.served(LKC, peer('1'), 10); // the refresh has passed
    await r.idle();
    expect(await lastSeen()).toBe('2026-03-01T12:00:10.000Z');
    advance(1000);
    r.served(LKC, peer('1'), 10);
    await r.idle();
    expect(await lastSeen()).toBe('2026-03-01T12:00:10.000Z');
    r.served(LKC, peer('1'), 11); // a change after the gap: written at once
    await r.idle();
    expect((await report()).brokers[0]).toMatchObject({ revision: 11, last_seen: '2026-03-01T12:00:11.000Z' });
  });

  it.skipIf(skip)('a change inside the gap waits for it, is never lost, and close writes it', async () => {
    const r = recorder({ minGapMs: 60_000 });
    const stream = r.stream(LKC, peer('1'));
    stream.moved(5);
    await r.idle();
    for (let revision = 6; revision <= 9; revision++) stream.moved(revision);
    await r.idle();
    expect((await report()).brokers[0]!.revision).toBe(5);
    await r.close();
    expect((await report()).brokers[0]!.revision).toBe(9);
  });

  it.skipIf(skip)('a stream counts from its first position to its close; a close clears only its own instance\'s mark', async () => {
    const a = recorder({ minGapMs: 0 });
    const b = recorder({ minGapMs: 0, instance: 'instance-b' });
    const onA = a.stream(LKC, peer('1'));
    onA.moved(10);
    await a.idle();
    expect((await report()).brokers[0]).toMatchObject({ revision: 10, streaming: true });
    onA.closed();
    await a.idle();
    expect((await report()).brokers[0]).toMatchObject({ revision: 10, streaming: false });

    // the broker moves to instance b before a notices that its old stream ended
    const again = a.stream(LKC, peer('1'));
    again.moved(10);
    await a.idle();
    const onB = b.stream(LKC, peer('1'));
    onB.moved(10);
    await b.idle();
    again.closed();
    await a.idle();
    expect((await report()).brokers[0]!.streaming).toBe(true);
    onB.closed();
    await b.idle();
    expect((await report()).brokers[0]!.streaming).toBe(false);
  });

  it.skipIf(skip)('a stream that was never opened (refused) records nothing; a dead instance\'s stream stops counting', async () => {
    const r = recorder({ minGapMs: 0 });
    r.stream(LKC, peer('1')).closed();
    await r.idle();
    expect((await report()).brokers).toEqual([]);
    r.stream(LKC, peer('2')).moved(10); // its instance then dies: nobody clears the mark
    await r.idle();
    expect((await report()).brokers[0]!.streaming).toBe(true);
    clockMs += 30_001;
    expect((await report()).brokers[0]!.streaming).toBe(false);
  });

  it.skipIf(skip)('a failed write is reported and written again at the next sighting', async () => {
    const r = recorder({ minGapMs: 0, refreshMs: 60_000 });
    await store.db.schema.alterTable('kafka_broker_sync').renameTo('kafka_broker_sync_away').execute();
    r.served(LKC, peer('1'), 10);
    await r.idle();
    expect(errorsSeen).toHaveLength(1);
    errorsSeen.length = 0;
    await store.db.schema.alterTable('kafka_broker_sync_away').renameTo('kafka_broker_sync').execute();
    r.served(LKC, peer('1'), 10);
    await r.idle();
    expect((await report()).brokers.map((b) => b.revision)).toEqual([10]);
  });
});

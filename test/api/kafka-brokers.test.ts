import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { basic } from '../helpers/runtime.js';
import { openSse, type SseStream } from '../helpers/sse.js';
import type { KafkaBrokers } from '../../src/contract/kafka-brokers.js';
import {
  bindClusterReader, createKafkaCluster, createKey, createServiceAccount, createUser, expectError, expectNoLeaks, orgCrn, startHarness,
  type ApiHarness, type Credentials,
} from './support.js';

interface World {
  lkc: string;
  other: string;
  broker: Credentials;
  reader: Credentials;
  stranger: Credentials;
}

/**
 * `GET /keyward/v1/kafka/clusters/{id}/brokers` (DESIGN §8): the brokers' sync state as keyward records
 * it from the plugin's replica, stream and events requests (`X-Keyward-Broker`), on both dialects.
 * The state is written throttled (a second at most behind a change), so the checks wait for it, bounded.
 */
describe.each(DIALECTS)('Kafka brokers sync state on $name', ({ name, skip, create }) => {
  let h: ApiHarness;
  let w: World;
  let url: string;
  const streams: SseStream[] = [];

  const brokers = (cluster: string, auth?: Credentials | null) => h.call({ method: 'GET', url: `/keyward/v1/kafka/clusters/${cluster}/brokers`, ...(auth === undefined ? {} : { auth }) });
  const report = async (): Promise<KafkaBrokers> => {
    const res = await brokers(w.lkc);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as KafkaBrokers;
  };
  /** The report once `done` holds, within a bounded wait. */
  const until = async (done: (r: KafkaBrokers) => boolean, timeoutMs = 10_000): Promise<KafkaBrokers> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await report();
      if (done(r)) return r;
      if (Date.now() > deadline) throw new Error(`brokers report never matched: ${JSON.stringify(r)}`);
      await sleep(50);
    }
  };
  const entry = (r: KafkaBrokers, broker: string) => r.brokers.find((b) => b.broker === broker);
  const replica = (headers: Record<string, string> = {}) =>
    h.call({ method: 'GET', url: `/keyward/v1/kafka/clusters/${w.lkc}/replica`, auth: w.broker, headers });
  const stream = async (since: number, headers: Record<string, string>) => {
    const opened = await openSse(`${url}/keyward/v1/kafka/clusters/${w.lkc}/replica/stream?since=${since}`, { authorization: basic(w.broker.key, w.broker.secret), ...headers });
    streams.push(opened);
    expect(opened.status).toBe(200);
    return opened;
  };

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(await create());
    const lkc = await createKafkaCluster(h, 'orders');
    const other = await createKafkaCluster(h, 'other');
    const brokerSa = await createServiceAccount(h, `kafka-broker-${lkc}`);
    const bound = await h.call({
      method: 'POST', url: '/iam/v2/role-bindings',
      payload: { principal: `User:${brokerSa}`, role_name: 'KafkaBroker', crn_pattern: `${orgCrn(h)}/environment=${h.admin.environment}/cloud-cluster=${lkc}` },
    });
    expect(bound.statusCode, bound.body).toBe(201);
    const reader = await createUser(h, 'reader@example.com', 'Reader');
    await bindClusterReader(h, reader.id, h.admin.environment, lkc);
    const stranger = await createUser(h, 'stranger@example.com', 'Stranger');
    w = { lkc, other, broker: await createKey(h, lkc, { owner: brokerSa }), reader: reader.auth, stranger: stranger.auth };
    await h.server.runtime.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(h.server.runtime.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await h?.close();
  });

  it.skipIf(skip)(`lists no broker before any has called, with the cluster's revision (${name})`, async () => {
    const r = await report();
    expect(Object.keys(r)).toEqual(['cluster', 'revision', 'brokers']);
    expect(r.cluster).toBe(w.lkc);
    expect(Number.isInteger(r.revision) && r.revision > 0).toBe(true);
    expect(r.brokers).toEqual([]);
  });

  it.skipIf(skip)(`a broker served the replica holds its revision; its stream follows every change, lag back to 0 (${name})`, async () => {
    const served = await replica({ 'x-keyward-broker': '1' });
    expect(served.statusCode, served.body).toBe(200);
    const revision = (served.json() as { revision: number }).revision;
    let r = await until((x) => entry(x, '1') !== undefined);
    expect(entry(r, '1')).toEqual({ broker: '1', revision, lag: r.revision - revision, last_seen: h.clock().toISOString(), streaming: false, client_address: '127.0.0.1' });

    // a second broker that loads the replica but never streams falls behind
    expect((await replica({ 'x-keyward-broker': '2' })).statusCode).toBe(200);
    await until((x) => entry(x, '2')?.revision === revision);

    const s = await stream(revision, { 'x-keyward-broker': '1' });
    await s.next((e) => e.event === 'heartbeat', 3000);
    r = await until((x) => entry(x, '1')?.streaming === true);
    expect(entry(r, '1')).toMatchObject({ revision, lag: 0 });

    await createKey(h, w.lkc, { owner: (await createServiceAccount(h, 'orders-app')) });
    const changed = await s.next((e) => e.event === 'change', 5000);
    const now = Number(changed.id);
    r = await until((x) => x.revision >= now && entry(x, '1')?.revision === x.revision);
    expect(entry(r, '1')).toMatchObject({ lag: 0, streaming: true });
    expect(entry(r, '2')).toMatchObject({ revision, streaming: false });
    expect(entry(r, '2')!.lag).toBe(r.revision - revision);
    expect(entry(r, '2')!.lag).toBeGreaterThan(0);

    s.close();
    await until((x) => entry(x, '1')?.streaming === false);
  });

  it.skipIf(skip)(`an events batch is a sighting; a request without X-Keyward-Broker is keyed by its address (${name})`, async () => {
    const time = h.clock().toISOString();
    const event = {
      type: 'authentication', time, key: w.broker.key, principal: 'User:sa-x', result: 'SUCCESS', reason: null, api: null, operation: null, resource_type: null, resource_name: null,
      pattern_type: null, client_address: '127.0.0.1', client_id: 'c', listener: 'SASL_PLAINTEXT', broker: '3', mechanism: 'SASL_PLAINTEXT/PLAIN', count: 1, first_time: time, last_time: time, source: null,
    };
    const posted = await h.call({ method: 'POST', url: `/keyward/v1/kafka/clusters/${w.lkc}/events`, auth: w.broker, headers: { 'x-keyward-broker': '3' }, payload: [event] });
    expect(posted.statusCode, posted.body).toBe(202);
    const seen = await until((x) => entry(x, '3') !== undefined);
    expect(entry(seen, '3')).toMatchObject({ revision: null, lag: null, streaming: false, client_address: '127.0.0.1' });

    expect((await replica()).statusCode).toBe(200);
    expect((await replica({ 'x-keyward-broker': 'not a broker id\u00e9' })).statusCode).toBe(200);
    const r = await until((x) => entry(x, 'unknown@127.0.0.1')?.revision !== undefined);
    expect(entry(r, 'unknown@127.0.0.1')).toMatchObject({ client_address: '127.0.0.1', streaming: false });
    expect(r.brokers.filter((b) => b.broker.startsWith('unknown')).map((b) => b.broker)).toEqual(['unknown@127.0.0.1']);
  });

  it.skipIf(skip)(`management authentication: who may read the cluster; everyone else 404, no credential 401 (${name})`, async () => {
    const asReader = await brokers(w.lkc, w.reader);
    expect(asReader.statusCode, asReader.body).toBe(200);
    expect((asReader.json() as KafkaBrokers).brokers.map((b) => b.broker)).toContain('1');
    expectError(await brokers(w.lkc, w.stranger), 404, 'not_found');
    expectError(await brokers(w.other, w.reader), 404, 'not_found');
    expectError(await brokers('lkc-nothere'), 404, 'not_found');
    expectError(await brokers(w.lkc, null), 401, 'user_unauthenticated');
    // the broker's own key is not a management credential
    expectError(await brokers(w.lkc, w.broker), 401, 'user_unauthenticated');
    // the other cluster has no brokers of its own
    const other = await brokers(w.other);
    expect(other.statusCode).toBe(200);
    expect((other.json() as KafkaBrokers).brokers).toEqual([]);
  });

  it.skipIf(skip)(`no secret in any answer (${name})`, () => {
    expectNoLeaks(h.recorded.filter((r) => !r.url.endsWith('/replica')));
  });
});

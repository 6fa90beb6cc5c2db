import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../helpers/databases.js';
import { basic } from '../helpers/runtime.js';
import { openSse, type SseEvent, type SseStream } from '../helpers/sse.js';
import {
  createKafkaCluster,
  createKey,
  createServiceAccount,
  expectError,
  expectNoLeaks,
  orgCrn,
  startHarness,
  type ApiHarness,
  type Credentials,
} from './support.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface World {
  lkc: string;
  other: string;
  brokerSa: string;
  broker: Credentials;
  otherBroker: Credentials;
  appSa: string;
  app: Credentials;
  appOnOther: Credentials;
  readBinding: string;
}

interface Frame {
  revision: number;
  keys: Array<{ id: string; secret_sha256: string; status: string; owner: { id: string; kind: string; status: string }; expires_at: string | null }>;
  deleted_keys: string[];
  owners: Array<{ id: string; kind: string; status: string }>;
  grants: Array<{ principal: string; grants: Array<Record<string, unknown>> }>;
}

/**
 * keyward's side of the Kafka broker plugin (DESIGN §8): the replica, its change stream and who may
 * read them, on both dialects.
 */
describe.each(DIALECTS)('Kafka broker replica and change stream on $name', ({ name, skip, create }) => {
  let db: TestDatabase;
  let h: ApiHarness;
  let w: World;
  let url: string;
  const streams: SseStream[] = [];

  const clusterCrn = (cluster: string) => `${orgCrn(h)}/environment=${h.admin.environment}/cloud-cluster=${cluster}`;
  const bind = async (principal: string, role: string, crnPattern: string): Promise<string> => {
    const res = await h.call({ method: 'POST', url: '/iam/v2/role-bindings', payload: { principal, role_name: role, crn_pattern: crnPattern } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const replica = (cluster: string, auth: Credentials | null) => h.call({ method: 'GET', url: `/keyward/v1/kafka/clusters/${cluster}/replica`, auth });
  const stream = async (since: number | undefined, auth: Credentials = w.broker, headers: Record<string, string> = {}, cluster = w.lkc) => {
    const opened = await openSse(`${url}/keyward/v1/kafka/clusters/${cluster}/replica/stream${since === undefined ? '' : `?since=${since}`}`, { authorization: basic(auth.key, auth.secret), ...headers });
    streams.push(opened);
    return opened;
  };
  const change = (s: SseStream, match: (frame: Frame) => boolean, timeoutMs = 3000) =>
    s.next((e) => e.event === 'change' && match(e.data as Frame), timeoutMs).then((e: SseEvent) => ({ ...(e.data as Frame), id: e.id }));

  beforeAll(async () => {
    if (skip) return;
    db = await create();
    h = await startHarness(db);
    const lkc = await createKafkaCluster(h, 'orders');
    const other = await createKafkaCluster(h, 'other');
    const brokerSa = await createServiceAccount(h, `kafka-broker-${lkc}`);
    await bind(`User:${brokerSa}`, 'KafkaBroker', clusterCrn(lkc));
    const otherBrokerSa = await createServiceAccount(h, `kafka-broker-${other}`);
    await bind(`User:${otherBrokerSa}`, 'KafkaBroker', clusterCrn(other));
    const appSa = await createServiceAccount(h, 'orders-app');
    const readBinding = await bind(`User:${appSa}`, 'DeveloperRead', `${clusterCrn(lkc)}/kafka=${lkc}/topic=orders`);
    w = {
      lkc, other, brokerSa, appSa, readBinding,
      broker: await createKey(h, lkc, { owner: brokerSa }),
      otherBroker: await createKey(h, other, { owner: otherBrokerSa }),
      app: await createKey(h, lkc, { owner: appSa }),
      appOnOther: await createKey(h, other, { owner: appSa }),
    };
    await h.server.runtime.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(h.server.runtime.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await h?.close();
  });

  it.skipIf(skip)(`serves the replica of the cluster to its KafkaBroker key: keys with owners, compiled grants (${name})`, async () => {
    const res = await replica(w.lkc, w.broker);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json() as { cluster: string; revision: number; keys: Frame['keys']; grants: Array<Record<string, unknown>> };
    expect(Object.keys(body)).toEqual(['cluster', 'revision', 'keys', 'grants']);
    expect(body.cluster).toBe(w.lkc);
    expect(Number.isInteger(body.revision) && body.revision > 0).toBe(true);
    // only the keys of this cluster: no cloud key, no key of the other cluster
    expect(body.keys.map((k) => k.id).sort()).toEqual([w.broker.key, w.app.key].sort());
    const app = body.keys.find((k) => k.id === w.app.key)!;
    expect(app).toEqual({ id: w.app.key, secret_sha256: sha256(w.app.secret), status: 'ACTIVE', owner: { id: w.appSa, kind: 'service-account', status: 'ACTIVE' }, expires_at: null });
    expect(body.grants).toContainEqual({
      principal: `User:${w.appSa}`, permission: 'ALLOW', operations: expect.arrayContaining(['READ', 'DESCRIBE']), resource_type: 'TOPIC', pattern_type: 'LITERAL', name: 'orders', host: '*',
      source: { kind: 'role-binding', id: w.readBinding, role: 'DeveloperRead' },
    });
    const brokerGrants = body.grants.filter((g) => g.principal === `User:${w.brokerSa}`);
    expect(brokerGrants.map((g) => [g.resource_type, g.name, g.operations])).toEqual(
      expect.arrayContaining([['TOPIC', '*', ['ALL']], ['GROUP', '*', ['ALL']], ['TRANSACTIONAL_ID', '*', ['ALL']], ['CLUSTER', 'kafka-cluster', ['ALL']]]),
    );
    // the other cluster's broker has nothing here
    expect(body.grants.some((g) => (g.source as { role: string | null }).role === 'KafkaBroker' && g.principal !== `User:${w.brokerSa}`)).toBe(false);
  });

  it.skipIf(skip)(`401 for bad credentials, 403 for every valid credential that is not this cluster's KafkaBroker key (${name})`, async () => {
    const unauthenticated = [
      await replica(w.lkc, null),
      await replica(w.lkc, { key: w.broker.key, secret: w.broker.secret.slice(0, -1) + (w.broker.secret.endsWith('A') ? 'B' : 'A') }),
      await replica(w.lkc, { key: 'ABCDEFGHIJKLMNOP', secret: w.broker.secret }),
    ];
    for (const res of unauthenticated) {
      expectError(res, 401, 'user_unauthenticated');
      expect(res.headers['www-authenticate']).toBeUndefined();
    }
    const forbidden = [
      await replica(w.lkc, { key: h.admin.key, secret: h.admin.secret }), // cloud key of an OrganizationAdmin
      await replica(w.lkc, w.otherBroker), // another cluster's broker key
      await replica(w.other, w.broker), // this broker's key, another cluster
      await replica(w.lkc, w.app), // a key of this cluster without KafkaBroker
    ];
    // KafkaBroker on the other cluster, a key on this one
    const elsewhere = await createServiceAccount(h, 'broker-elsewhere');
    await bind(`User:${elsewhere}`, 'KafkaBroker', clusterCrn(w.other));
    forbidden.push(await replica(w.lkc, await createKey(h, w.lkc, { owner: elsewhere })));
    for (const res of forbidden) expectError(res, 403, 'user_unauthorized');
    const streamRefused = await stream(0, w.app);
    expect(streamRefused.status).toBe(403);
    expect((await stream(0, { key: w.broker.key, secret: 'kw_wrong' })).status).toBe(401);
    // the broker authenticates before its body is validated
    const events = await h.call({ method: 'POST', url: `/keyward/v1/kafka/clusters/${w.lkc}/events`, auth: w.app, payload: [] });
    expectError(events, 403, 'user_unauthorized');
    expectError(await h.call({ method: 'POST', url: `/keyward/v1/kafka/clusters/${w.lkc}/events`, auth: null, payload: [{ bad: 1 }] }), 401, 'user_unauthenticated');
    // a disabled broker key no longer authenticates
    const spare = await createKey(h, w.lkc, { owner: w.brokerSa });
    expect((await replica(w.lkc, spare)).statusCode).toBe(200);
    expect((await h.call({ method: 'POST', url: `/keyward/v1/api-keys/${spare.key}/disable` })).statusCode).toBe(200);
    expectError(await replica(w.lkc, spare), 401, 'user_unauthenticated');
    // failures are audited (without secret or hash), as for every other credential check
    // (data-plane events are written in batches, within a second)
    let audited = '';
    for (let i = 0; i < 40 && !audited.includes('keyward.BrokerLogin'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      audited = (await h.call({ method: 'GET', url: '/keyward/v1/audit-events?limit=200' })).body;
    }
    expect(audited).toContain('keyward.BrokerLogin');
  });

  it.skipIf(skip)(`POST events: 202 with the count, audited as kafka.* events; a bad item is a 422 naming its field (${name})`, async () => {
    const time = new Date().toISOString();
    const post = (payload: Array<Record<string, unknown>>) => h.call({ method: 'POST', url: `/keyward/v1/kafka/clusters/${w.lkc}/events`, auth: w.broker, payload });
    const item = {
      type: 'authentication', time, key: w.app.key, principal: `User:${w.appSa}`, result: 'SUCCESS', reason: null, api: null, operation: null, resource_type: null, resource_name: null,
      pattern_type: null, client_address: '127.0.0.1', client_id: 'orders-consumer', listener: 'SASL_PLAINTEXT', broker: '1', mechanism: 'SASL_PLAINTEXT/PLAIN', count: 3, first_time: time, last_time: time, source: null,
    };
    const denied = { ...item, type: 'authorization', result: 'UNAUTHORIZED', reason: 'NO_GRANT', api: 'Produce', operation: 'WRITE', resource_type: 'TOPIC', resource_name: 'orders', pattern_type: 'LITERAL', count: 1 };
    const res = await post([item, denied]);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ accepted: 2 });
    const bad = await post([item, { ...item, type: 'nonsense' }]);
    expectError(bad, 422, 'invalid_configuration', 'body[1].type must be one of authentication, authorization');
    let audited = '';
    for (let i = 0; i < 40 && !(audited.includes('kafka.Authentication') && audited.includes('kafka.Produce')); i++) {
      await new Promise((r) => setTimeout(r, 100));
      audited = (await h.call({ method: 'GET', url: '/keyward/v1/audit-events?limit=200' })).body;
    }
    expect(audited).toContain('kafka.Authentication');
    expect(audited).toContain('kafka.Produce');
  });

  it.skipIf(skip)(`streams every management change as a change frame with increasing revisions (${name})`, async () => {
    const start = (replica(w.lkc, w.broker).then((r) => r.json().revision)) as Promise<number>;
    const since = await start;
    const s = await stream(since);
    expect(s.status).toBe(200);
    expect(s.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(s.headers['cache-control']).toBe('no-store');
    const first = await s.next((e) => e.event !== 'retry');
    expect(first).toMatchObject({ event: 'heartbeat', data: { revision: since } });
    expect(s.events[0]).toMatchObject({ retry: 1000 });
    const revisions: number[] = [];
    const seen = async (match: (f: Frame) => boolean) => {
      const frame = await change(s, match);
      expect(frame.id).toBe(String(frame.revision));
      expect(Object.keys(frame).filter((k) => k !== 'id').sort()).toEqual(['deleted_keys', 'grants', 'keys', 'owners', 'revision']);
      revisions.push(frame.revision);
      return frame;
    };

    const created = await createKey(h, w.lkc, { owner: w.appSa });
    const fc = await seen((f) => f.keys.some((k) => k.id === created.key));
    expect(fc.keys.find((k) => k.id === created.key)).toMatchObject({ secret_sha256: sha256(created.secret), status: 'ACTIVE', owner: { id: w.appSa, status: 'ACTIVE' } });

    expect((await h.call({ method: 'POST', url: `/keyward/v1/api-keys/${created.key}/disable` })).statusCode).toBe(200);
    await seen((f) => f.keys.some((k) => k.id === created.key && k.status === 'DISABLED'));

    expect((await h.call({ method: 'DELETE', url: `/iam/v2/api-keys/${created.key}` })).statusCode).toBe(204);
    await seen((f) => f.deleted_keys.includes(created.key));

    // a key of another cluster is not this broker's business
    await createKey(h, w.other, { owner: w.appSa });

    const writeBinding = await bind(`User:${w.appSa}`, 'DeveloperWrite', `${clusterCrn(w.lkc)}/kafka=${w.lkc}/topic=payments`);
    const fb = await seen((f) => f.grants.some((g) => g.principal === `User:${w.appSa}` && g.grants.some((x) => x.name === 'payments')));
    const appGrants = fb.grants.find((g) => g.principal === `User:${w.appSa}`)!.grants;
    expect(appGrants.map((g) => g.name).sort()).toEqual(['orders', 'payments']); // the complete list

    expect((await h.call({ method: 'DELETE', url: `/iam/v2/role-bindings/${writeBinding}` })).statusCode).toBe(204);
    await seen((f) => f.grants.some((g) => g.principal === `User:${w.appSa}` && g.grants.every((x) => x.name !== 'payments')));

    const acl = { principal: `User:${w.appSa}`, permission: 'DENY', operation: 'READ', resource_type: 'TOPIC', resource_name: 'orders', pattern_type: 'LITERAL', host: '*' };
    expect((await h.call({ method: 'POST', url: `/kafka/v3/clusters/${w.lkc}/acls`, payload: acl })).statusCode).toBe(201);
    const fa = await seen((f) => f.grants.some((g) => g.principal === `User:${w.appSa}` && g.grants.some((x) => x.permission === 'DENY')));
    expect(fa.grants.find((g) => g.principal === `User:${w.appSa}`)!.grants).toContainEqual(expect.objectContaining({ permission: 'DENY', operations: ['READ'], name: 'orders', source: expect.objectContaining({ kind: 'acl', role: null }) }));

    const del = await h.call({ method: 'DELETE', url: `/kafka/v3/clusters/${w.lkc}/acls?principal=User:${w.appSa}&resource_type=TOPIC&permission=DENY` });
    expect(del.statusCode, del.body).toBe(200);
    await seen((f) => f.grants.some((g) => g.principal === `User:${w.appSa}` && g.grants.every((x) => x.permission !== 'DENY')));

    expect((await h.call({ method: 'POST', url: `/keyward/v1/service-accounts/${w.appSa}/disable` })).statusCode).toBe(200);
    await seen((f) => f.owners.some((o) => o.id === w.appSa && o.status === 'DISABLED' && o.kind === 'service-account'));
    expect((await h.call({ method: 'POST', url: `/keyward/v1/service-accounts/${w.appSa}/enable` })).statusCode).toBe(200);
    await seen((f) => f.owners.some((o) => o.id === w.appSa && o.status === 'ACTIVE'));

    for (let i = 1; i < revisions.length; i++) expect(revisions[i]!).toBeGreaterThan(revisions[i - 1]!);
    expect(revisions[0]!).toBeGreaterThan(since);
    // no change frame was about the other cluster's key
    for (const e of s.events.filter((x) => x.event === 'change')) for (const k of (e.data as Frame).keys) expect(k.id).not.toBe(w.appOnOther.key);
    s.close();
  });

  it.skipIf(skip)(`resumes after Last-Event-ID, which overrides since; a too old or unknown revision gets resync (${name})`, async () => {
    const before = (await replica(w.lkc, w.broker)).json().revision as number;
    const a = await createKey(h, w.lkc, { owner: w.appSa });
    const b = await createKey(h, w.lkc, { owner: w.appSa });
    // resume from `before` by Last-Event-ID (since=0 is ignored): both keys arrive, nothing older
    const s = await stream(0, w.broker, { 'last-event-id': String(before) });
    const frame = await change(s, (f) => f.keys.some((k) => k.id === b.key));
    const all = s.events.filter((e) => e.event === 'change').flatMap((e) => (e.data as Frame).keys.map((k) => k.id));
    expect(all).toEqual(expect.arrayContaining([a.key, b.key]));
    expect(all).not.toContain(w.app.key);
    expect(frame.revision).toBeGreaterThan(before);
    s.close();

    // a revision newer than the store's: resync, and the stream ends
    const future = await stream(frame.revision + 1000);
    expect(await future.next((e) => e.event === 'resync')).toMatchObject({ data: { revision: frame.revision } });
    await future.ended;

    // the log pruned past the broker's revision: resync
    await h.server.runtime.services.kafkaBroker.prune(new Date(), { maxAgeMs: 0, maxRevisions: 0 });
    const old = await stream(before);
    expect((await old.next((e) => e.event === 'resync')).data).toEqual({ revision: frame.revision });
    await old.ended;
    // the current revision still streams
    const current = await stream(frame.revision);
    expect(await current.next((e) => e.event === 'heartbeat')).toMatchObject({ data: { revision: frame.revision } });
    current.close();
    // a missing since is a bad request
    expect((await stream(undefined)).status).toBe(400);
  });

  it.skipIf(skip)(`concurrent changes: every one arrives, in strictly increasing revisions (${name})`, async () => {
    const since = (await replica(w.lkc, w.broker)).json().revision as number;
    const owners: string[] = [];
    for (let i = 0; i < 12; i++) owners.push(await createServiceAccount(h, `concurrent-${i}`));
    const s = await stream(since);
    const created = await Promise.all(owners.map((owner) => createKey(h, w.lkc, { owner })));
    const want = new Set(created.map((k) => k.key));
    const got = new Set<string>();
    const revisions: number[] = [];
    while ([...want].some((id) => !got.has(id))) {
      const frame = await change(s, () => true);
      revisions.push(frame.revision);
      for (const k of frame.keys) got.add(k.id);
    }
    for (let i = 1; i < revisions.length; i++) expect(revisions[i]!).toBeGreaterThan(revisions[i - 1]!);
    // the last frame covers the last of the twelve revisions
    expect(revisions.at(-1)).toBe((await replica(w.lkc, w.broker)).json().revision);
    s.close();
  });

  it.skipIf(skip)(`documents the three endpoints in /openapi.json (${name})`, async () => {
    const doc = (await h.call({ method: 'GET', url: '/openapi.json', auth: null })).json() as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/keyward/v1/kafka/clusters/{id}/replica'] ?? {})).toContain('get');
    expect(Object.keys(doc.paths['/keyward/v1/kafka/clusters/{id}/replica/stream'] ?? {})).toContain('get');
    expect(Object.keys(doc.paths['/keyward/v1/kafka/clusters/{id}/events'] ?? {})).toContain('post');
    expect(JSON.stringify(doc.paths['/keyward/v1/kafka/clusters/{id}/replica/stream'])).toContain('text/event-stream');
  });

  it.skipIf(skip)(`bounds the streams per cluster and ends them when the server closes (${name})`, async () => {
    const service = h.server.runtime.services.kafkaBroker;
    const revision = (await replica(w.lkc, w.broker)).json().revision as number;
    const open: SseStream[] = [];
    while (service.streamCount(w.lkc) < 64) open.push(await stream(revision));
    const refused = await stream(revision);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('5');
    open.pop()!.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(service.streamCount(w.lkc)).toBe(63);
    for (const s of open) s.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(service.streamCount(w.lkc)).toBe(0);
  });

  it.skipIf(skip)(`no response but the replica's (and the stream's key entries) carries a secret hash (${name})`, async () => {
    await h.call({ method: 'GET', url: '/keyward/v1/audit-events?limit=1000' });
    await h.call({ method: 'GET', url: '/iam/v2/api-keys?page_size=100' });
    const replicas = (r: { url: string; status: number }) => r.url.endsWith('/replica') && r.status === 200;
    // the audit log's own chain hashes are 64-hex too: it is checked for the secrets' hashes below
    expectNoLeaks(h.recorded.filter((r) => !replicas(r) && !r.url.startsWith('/keyward/v1/audit-events')));
    const hashes = (await h.server.runtime.store.db.selectFrom('api_keys').select('secret_hash').execute()).map((r) => r.secret_hash);
    expect(hashes.length).toBeGreaterThan(5);
    for (const r of h.recorded.filter((x) => !replicas(x))) for (const hash of hashes) expect(r.body, `${r.method} ${r.url}`).not.toContain(hash);
    for (const s of streams) for (const e of s.events) if (e.event !== 'change') expect(JSON.stringify(e.data ?? '')).not.toContain('secret_sha256');
  });

  it.skipIf(skip)(`the last: a server closing ends its open streams (${name})`, async () => {
    const revision = (await replica(w.lkc, w.broker)).json().revision as number;
    const s = await stream(revision);
    await s.next((e) => e.event === 'heartbeat');
    const closing = h.server.runtime.app.close();
    await Promise.race([s.ended, new Promise((_, reject) => setTimeout(() => reject(new Error('stream not ended')), 3000))]);
    await closing;
  });
});

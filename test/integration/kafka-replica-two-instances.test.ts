import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresSchema, postgresAvailable, type TestDatabase } from '../helpers/databases.js';
import { runCli, startServerProcess, type ServerProcess } from '../helpers/cli.js';
import { openSse, type SseStream } from '../helpers/sse.js';

interface Frame {
  revision: number;
  keys: Array<{ id: string; status: string }>;
  deleted_keys: string[];
  owners: Array<{ id: string; status: string }>;
  grants: Array<{ principal: string; grants: Array<{ name: string; permission: string }> }>;
}

const basic = (key: string, secret: string) => 'Basic ' + Buffer.from(`${key}:${secret}`).toString('base64');

/**
 * Two real server processes on one PostgreSQL database: a change made through instance one reaches a
 * broker's change stream on instance two within a second (LISTEN/NOTIFY), in revision order.
 */
describe.skipIf(!postgresAvailable)('Kafka replica change stream across two instances on one PostgreSQL database', () => {
  let db: TestDatabase;
  let one: ServerProcess;
  let two: ServerProcess;
  let admin: string;
  let stream: SseStream | undefined;

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(one.url + path, { method, headers: { authorization: admin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    expect(res.status, `${method} ${path}`).toBeLessThan(300);
    return res.status === 204 ? undefined : ((await res.json()) as Record<string, unknown>);
  };

  beforeAll(async () => {
    db = await createPostgresSchema();
    one = await startServerProcess(['--database-url', db.options.databaseUrl as string]);
    two = await startServerProcess(['--database-url', db.options.databaseUrl as string]);
    admin = basic(one.key, one.secret);
  });
  afterAll(async () => {
    stream?.close();
    await one?.stop();
    await two?.stop();
    await db?.drop();
  });

  it('a change committed on instance one is a change frame on instance two within one second', async () => {
    const cluster = (await call('POST', '/cmk/v2/clusters', { spec: { display_name: 'c', cloud: 'aws', region: 'r' } }))!.id as string;
    const config = await runCli(['kafka', 'cluster', 'broker-config', cluster, '-o', 'json'], one.env);
    expect(config.code, config.stderr).toBe(0);
    const broker = JSON.parse(config.stdout) as { key: string; secret: string };
    const auth = basic(broker.key, broker.secret);
    const replica = (await (await fetch(`${two.url}/keyward/v1/kafka/clusters/${cluster}/replica`, { headers: { authorization: auth } })).json()) as { revision: number };
    stream = await openSse(`${two.url}/keyward/v1/kafka/clusters/${cluster}/replica/stream?since=${replica.revision}`, { authorization: auth });
    expect(stream.status).toBe(200);
    await stream.next((e) => e.event === 'heartbeat');

    const sa = (await call('POST', '/iam/v2/service-accounts', { display_name: 'app', description: 'd' }))!.id as string;
    const principal = `User:${sa}`;
    const env = ((await call('GET', `/cmk/v2/clusters/${cluster}`))!.spec as { environment: { id: string } }).environment.id;
    const clusterCrn = ((await call('GET', `/cmk/v2/clusters/${cluster}`))!.metadata as { resource_name: string }).resource_name;
    expect(clusterCrn).toContain(`environment=${env}`);

    const delays: number[] = [];
    const revisions: number[] = [];
    const arrives = async (change: () => Promise<unknown>, match: (f: Frame) => boolean) => {
      const result = await change();
      const committed = Date.now(); // the 2xx of instance one
      const frame = await stream!.next((e) => e.event === 'change' && match(e.data as Frame), 3000);
      delays.push(Date.now() - committed);
      revisions.push((frame.data as Frame).revision);
      return result;
    };

    const key = (await arrives(() => call('POST', '/iam/v2/api-keys', { spec: { resource: { id: cluster }, owner: { id: sa } } }), () => true)) as { id: string };
    await arrives(() => call('POST', `/keyward/v1/api-keys/${key.id}/disable`), (f) => f.keys.some((k) => k.id === key.id && k.status === 'DISABLED'));
    await arrives(() => call('POST', `/keyward/v1/service-accounts/${sa}/disable`), (f) => f.owners.some((o) => o.id === sa && o.status === 'DISABLED'));
    const binding = (await arrives(
      () => call('POST', '/iam/v2/role-bindings', { principal, role_name: 'DeveloperRead', crn_pattern: `${clusterCrn}/kafka=${cluster}/topic=orders` }),
      (f) => f.grants.some((g) => g.principal === principal && g.grants.some((x) => x.name === 'orders')),
    )) as { id: string };
    await arrives(() => call('DELETE', `/iam/v2/role-bindings/${binding.id}`), (f) => f.grants.some((g) => g.principal === principal && g.grants.length === 0));
    await arrives(
      () => call('POST', `/kafka/v3/clusters/${cluster}/acls`, { principal, permission: 'DENY', operation: 'READ', resource_type: 'TOPIC', resource_name: 'orders', pattern_type: 'LITERAL', host: '*' }),
      (f) => f.grants.some((g) => g.principal === principal && g.grants.some((x) => x.permission === 'DENY')),
    );
    await arrives(() => call('DELETE', `/kafka/v3/clusters/${cluster}/acls?principal=${principal}&resource_type=TOPIC`), (f) => f.grants.some((g) => g.principal === principal && g.grants.length === 0));
    await arrives(() => call('DELETE', `/iam/v2/api-keys/${key.id}`), (f) => f.deleted_keys.includes(key.id));

    for (const delay of delays) expect(delay).toBeLessThan(1000);
    for (let i = 1; i < revisions.length; i++) expect(revisions[i]!).toBeGreaterThan(revisions[i - 1]!);
    expect(revisions[0]!).toBeGreaterThan(replica.revision);
  });
});

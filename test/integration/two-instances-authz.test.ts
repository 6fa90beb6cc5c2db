import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresSchema, postgresAvailable, type TestDatabase } from '../helpers/databases.js';
import { startServerProcess, type ServerProcess } from '../helpers/cli.js';
import { buildRoleBindingCrnPattern } from '../../src/domain/authz/crn-pattern.js';

interface Key {
  key: string;
  secret: string;
}

/**
 * Two real server processes on one PostgreSQL database: a grant removed (or a DENY ACL added) through
 * one instance refuses the next verify-with-action on the other within one second (DESIGN §5, §7).
 */
describe.skipIf(!postgresAvailable)('authorization changes across two instances on one PostgreSQL database', () => {
  let db: TestDatabase;
  let one: ServerProcess;
  let two: ServerProcess;
  let admin: string;
  let organization: string;
  let environment: string;
  let cluster: string;

  const call = async (server: ServerProcess, method: string, path: string, body?: unknown) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { authorization: admin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : {} }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const read = { operation: 'READ', resource_type: 'TOPIC', resource_name: 'orders' };
  const decideOn = async (server: ServerProcess, key: Key, action = read): Promise<string> => {
    const res = await fetch(`${server.url}/keyward/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...key, action }) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { code: string }).code;
  };

  /** Polls the other instance until it answers `expected`; returns how long that took (Infinity if never within the limit). */
  async function answeredWithin(server: ServerProcess, key: Key, expected: string, limitMs: number): Promise<number> {
    const start = Date.now();
    while (Date.now() - start < limitMs) {
      if ((await decideOn(server, key)) === expected) return Date.now() - start;
      await new Promise((r) => setTimeout(r, 20));
    }
    return Number.POSITIVE_INFINITY;
  }

  async function serviceAccountWithKey(name: string): Promise<{ principal: string; key: Key }> {
    const sa = await call(one, 'POST', '/iam/v2/service-accounts', { display_name: name, description: 'd' });
    expect(sa.status).toBe(201);
    const created = await call(one, 'POST', '/iam/v2/api-keys', { spec: { resource: { id: cluster }, owner: { id: sa.body.id } } });
    expect(created.status).toBe(201);
    return { principal: `User:${sa.body.id}`, key: { key: created.body.id, secret: created.body.spec.secret } };
  }

  const readOnOrders = () => buildRoleBindingCrnPattern('DeveloperRead', { organization, environment, kafkaCluster: cluster, resource: 'Topic:orders' });

  beforeAll(async () => {
    db = await createPostgresSchema();
    one = await startServerProcess(['--database-url', db.options.databaseUrl as string]);
    two = await startServerProcess(['--database-url', db.options.databaseUrl as string]);
    admin = 'Basic ' + Buffer.from(`${one.key}:${one.secret}`).toString('base64');
    organization = (await call(one, 'GET', '/keyward/v1/whoami')).body.organization;
    environment = (await call(one, 'GET', '/org/v2/environments')).body.data[0].id;
    cluster = (await call(one, 'POST', '/cmk/v2/clusters', { spec: { display_name: 'orders', cloud: 'aws', region: 'us-east-1', environment: { id: environment } } })).body.id;
  });
  afterAll(async () => {
    await one?.stop();
    await two?.stop();
    await db?.drop();
  });

  it('a role binding removed through one instance refuses the next verify on the other within one second', async () => {
    const sa = await serviceAccountWithKey('reader');
    const binding = await call(one, 'POST', '/iam/v2/role-bindings', { principal: sa.principal, role_name: 'DeveloperRead', crn_pattern: readOnOrders() });
    expect(binding.status).toBe(201);
    // the other instance sees the new binding too (its index was built before it existed, or not at all)
    expect(await answeredWithin(two, sa.key, 'VALID', 1000)).toBeLessThan(1000);
    expect(await decideOn(two, sa.key)).toBe('VALID'); // warm on instance two
    expect(await decideOn(two, sa.key, { ...read, operation: 'WRITE' })).toBe('FORBIDDEN');

    expect((await call(one, 'DELETE', `/iam/v2/role-bindings/${binding.body.id}`)).status).toBe(204);
    expect(await answeredWithin(two, sa.key, 'FORBIDDEN', 1000)).toBeLessThan(1000);
    expect(await decideOn(one, sa.key)).toBe('FORBIDDEN');
  });

  it('a DENY ACL added through one instance refuses the next verify on the other within one second', async () => {
    const sa = await serviceAccountWithKey('denied');
    expect((await call(one, 'POST', '/iam/v2/role-bindings', { principal: sa.principal, role_name: 'DeveloperRead', crn_pattern: readOnOrders() })).status).toBe(201);
    expect(await answeredWithin(two, sa.key, 'VALID', 1000)).toBeLessThan(1000);
    expect(await decideOn(two, sa.key)).toBe('VALID');

    const deny = await call(one, 'POST', `/kafka/v3/clusters/${cluster}/acls`, {
      principal: sa.principal, permission: 'DENY', operation: 'READ', resource_type: 'TOPIC', resource_name: 'orders', pattern_type: 'LITERAL',
    });
    expect(deny.status).toBe(201);
    expect(await answeredWithin(two, sa.key, 'FORBIDDEN', 1000)).toBeLessThan(1000);
    // DESCRIBE is still granted by the binding: the instance refuses the denied operation only
    expect(await decideOn(two, sa.key, { ...read, operation: 'DESCRIBE' })).toBe('VALID');

    const removed = await call(one, 'DELETE', `/kafka/v3/clusters/${cluster}/acls?principal=${encodeURIComponent(sa.principal)}&permission=DENY&resource_type=TOPIC&resource_name=orders`);
    expect(removed.status).toBe(200);
    expect(await answeredWithin(two, sa.key, 'VALID', 1000)).toBeLessThan(1000);
  });
});

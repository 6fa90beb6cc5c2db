import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresSchema, postgresAvailable, type TestDatabase } from '../helpers/databases.js';
import { startServerProcess, type ServerProcess } from '../helpers/cli.js';

/** Two real server processes on one PostgreSQL database: a change through one is seen by the other. */
describe.skipIf(!postgresAvailable)('two instances on one PostgreSQL database', () => {
  let db: TestDatabase;
  let one: ServerProcess;
  let two: ServerProcess;
  let admin: string;

  const post = (server: ServerProcess, path: string, body: unknown, auth?: string) =>
    fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body: JSON.stringify(body) });
  const verifyOn = async (server: ServerProcess, key: { key: string; secret: string }) => ((await (await post(server, '/keyward/v1/verify', key)).json()) as { code: string }).code;

  /** Polls until the other instance refuses; returns how long it took. */
  async function refusedWithin(server: ServerProcess, key: { key: string; secret: string }, expected: string, limitMs: number): Promise<number> {
    const start = Date.now();
    while (Date.now() - start < limitMs) {
      if ((await verifyOn(server, key)) === expected) return Date.now() - start;
      await new Promise((r) => setTimeout(r, 20));
    }
    return Number.POSITIVE_INFINITY;
  }

  beforeAll(async () => {
    db = await createPostgresSchema();
    one = await startServerProcess(['--database-url', db.options.databaseUrl as string]);
    two = await startServerProcess(['--database-url', db.options.databaseUrl as string]);
    admin = 'Basic ' + Buffer.from(`${one.key}:${one.secret}`).toString('base64');
  });
  afterAll(async () => {
    await one?.stop();
    await two?.stop();
    await db?.drop();
  });

  it('only the first instance bootstraps', () => {
    expect(one.key).toMatch(/^[A-Z0-9]{16}$/);
    expect(two.key).toBe('');
  });

  it('a key deleted through one instance is refused by the other within one second', async () => {
    const cluster = (await (await post(one, '/cmk/v2/clusters', { spec: { display_name: 'c', cloud: 'aws', region: 'r' } }, admin)).json()) as { id: string };
    const sa = (await (await post(one, '/iam/v2/service-accounts', { display_name: 'svc', description: 'd' }, admin)).json()) as { id: string };
    const created = (await (await post(one, '/iam/v2/api-keys', { spec: { resource: { id: cluster.id }, owner: { id: sa.id } } }, admin)).json()) as { id: string; spec: { secret: string } };
    const key = { key: created.id, secret: created.spec.secret };
    expect(await verifyOn(two, key)).toBe('VALID');
    expect(await verifyOn(two, key)).toBe('VALID'); // now cached on instance two

    const del = await fetch(`${one.url}/iam/v2/api-keys/${key.key}`, { method: 'DELETE', headers: { authorization: admin } });
    expect(del.status).toBe(204);
    expect(await refusedWithin(two, key, 'INVALID_CREDENTIALS', 1000)).toBeLessThan(1000);
  });

  it('disabling a service account through one instance refuses its keys on the other', async () => {
    const cluster = (await (await post(one, '/cmk/v2/clusters', { spec: { display_name: 'c2', cloud: 'aws', region: 'r' } }, admin)).json()) as { id: string };
    const sa = (await (await post(one, '/iam/v2/service-accounts', { display_name: 'svc2', description: 'd' }, admin)).json()) as { id: string };
    const created = (await (await post(one, '/iam/v2/api-keys', { spec: { resource: { id: cluster.id }, owner: { id: sa.id } } }, admin)).json()) as { id: string; spec: { secret: string } };
    const key = { key: created.id, secret: created.spec.secret };
    expect(await verifyOn(two, key)).toBe('VALID');
    expect((await post(one, `/keyward/v1/service-accounts/${sa.id}/disable`, {}, admin)).status).toBe(200);
    expect(await refusedWithin(two, key, 'DISABLED', 1000)).toBeLessThan(1000);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresSchema, postgresAvailable, type TestDatabase } from '../helpers/databases.js';
import { startServerProcess, type ServerProcess } from '../helpers/cli.js';

/**
 * Instances sharing one PostgreSQL database share the audit key (here KEYWARD_MASTER_KEY): verify
 * on either checks the chains of both, a checkpoint taken through one anchors a verify through the
 * other, and an instance started with another key refuses to start instead of writing chains
 * nobody else can verify.
 */
describe.skipIf(!postgresAvailable)('audit chains of two instances on one PostgreSQL database', () => {
  const env = { KEYWARD_MASTER_KEY: 'two-instance audit test master key' };
  let db: TestDatabase;
  let one: ServerProcess;
  let two: ServerProcess;
  let admin: string;

  const call = async (server: ServerProcess, method: string, path: string, body?: unknown) => {
    const res = await fetch(server.url + path, {
      method, headers: { authorization: admin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    db = await createPostgresSchema();
    one = await startServerProcess(['--database-url', db.options.databaseUrl as string], env);
    two = await startServerProcess(['--database-url', db.options.databaseUrl as string], env);
    admin = 'Basic ' + Buffer.from(`${one.key}:${one.secret}`).toString('base64');
  });
  afterAll(async () => {
    await one?.stop();
    await two?.stop();
    await db?.drop();
  });

  it('verifies the chains of both instances through either, and anchors one with the checkpoint of the other', async () => {
    for (const [server, name] of [[one, 'through-one'], [two, 'through-two']] as const) {
      expect((await call(server, 'POST', '/iam/v2/service-accounts', { display_name: name, description: name })).status).toBe(201);
    }
    const chains = await Promise.all([one, two].map(async (server) => (await call(server, 'GET', '/keyward/v1/audit-events?type=management&limit=1000')).body.data as Array<{ keywardchain: string }>));
    const writers = new Set(chains[0]!.map((e) => e.keywardchain));
    expect(writers.size).toBeGreaterThanOrEqual(3); // bootstrap, instance one, instance two
    for (const server of [one, two]) {
      const verified = await call(server, 'GET', '/keyward/v1/audit-events/verify');
      expect(verified.body).toMatchObject({ ok: true, broken_chains: 0 });
      expect(verified.body.chains as number).toBeGreaterThanOrEqual(writers.size);
    }
    const checkpoint = await call(one, 'POST', '/keyward/v1/audit-events/checkpoint', {});
    expect(checkpoint.status).toBe(201);
    const anchored = await call(two, 'POST', '/keyward/v1/audit-events/verify', { anchor: checkpoint.body });
    expect(anchored.body).toMatchObject({ ok: true, anchor: { id: checkpoint.body.id } });
  });

  it('refuses to start an instance with another audit key', async () => {
    const third = await startServerProcess(['--database-url', db.options.databaseUrl as string], { KEYWARD_MASTER_KEY: 'some other master key' }).then(
      async (server) => {
        await server.stop();
        return undefined;
      },
      (error: Error) => error,
    );
    expect(third?.message).toMatch(/sealed under another audit key/);
    expect(third?.message).not.toContain('some other master key');
    expect(third?.message).not.toContain(env.KEYWARD_MASTER_KEY);
  });
});

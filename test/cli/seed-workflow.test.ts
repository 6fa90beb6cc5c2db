import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase, storeArgs } from '../helpers/databases.js';
import { runCli, startServerProcess, type ServerProcess } from '../helpers/cli.js';

describe.each(DIALECTS)('the seed workflow through the keyward binary on $name', ({ name, skip, create }) => {
  let db: TestDatabase;
  let server: ServerProcess;
  const kw = (...args: string[]) => runCli(args, server.env);
  const json = async (...args: string[]) => {
    const result = await kw(...args, '-o', 'json');
    expect(result.stderr.includes('Error'), result.stderr).toBe(false);
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout);
  };

  beforeAll(async () => {
    if (skip) return;
    db = await create();
    server = await startServerProcess(storeArgs(db));
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it.skipIf(skip)(`bootstraps, prints the admin key once and saves a context (${name})`, async () => {
    expect(server.key).toMatch(/^[A-Z0-9]{16}$/);
    expect(server.secret).toMatch(/^kw_/);
    expect(server.stderr()).toContain('Save the API key and secret. The secret is not retrievable later.');
    const who = await kw('environment', 'list', '-o', 'json');
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toEqual([expect.objectContaining({ name: 'default', stage: 'development', is_current: true })]);
  });

  it.skipIf(skip)(`runs the seed's rotation steps verbatim (${name})`, async () => {
    const cluster = await json('kafka', 'cluster', 'create', 'psd-basic-azure', '--cloud', 'azure', '--region', 'centralus');
    for (const [n, d] of [['app1-service-account', 'app1 service account'], ['app2-service-account', 'app2 service account']]) {
      await json('iam', 'service-account', 'create', n as string, '--description', d as string);
    }
    const accounts = await json('iam', 'service-account', 'list');
    expect(accounts.map((a: { name: string }) => a.name)).toEqual(['app1-service-account', 'app2-service-account']);
    for (const a of accounts) expect(Object.keys(a).sort()).toEqual(['description', 'id', 'name', 'status']);
    const sa = accounts[0].id as string;

    const clusters = await json('kafka', 'cluster', 'list');
    expect(clusters).toHaveLength(1);
    expect(clusters[0]).toMatchObject({ availability: 'single-zone', id: cluster.id, name: 'psd-basic-azure', provider: 'azure', region: 'centralus', status: 'UP', type: 'BASIC' });
    const lkc = clusters[0].id as string;

    const existing = await json('api-key', 'create', '--service-account', sa, '--resource', lkc, '--description', 'Kafka API key - existing');
    expect(Object.keys(existing).sort()).toEqual(['key', 'secret']);
    const created = await kw('api-key', 'create', '--service-account', sa, '--resource', lkc, '--description', 'New Kafka API key', '-o', 'json');
    expect(created.stderr).toContain('Save the API key and secret. The secret is not retrievable later.');
    const fresh = JSON.parse(created.stdout);

    const listed = await json('api-key', 'list', '--service-account', sa);
    expect(listed).toHaveLength(2);
    for (const k of listed) {
      expect(k).toMatchObject({ owner: sa, owner_email: '<service account>', resource_id: lkc, resource_type: 'kafka' });
      expect(k.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(k).not.toHaveProperty('secret');
    }
    expect(listed.map((k: { key: string }) => k.key).sort()).toEqual([existing.key, fresh.key].sort());

    const deleted = await kw('api-key', 'delete', existing.key, '--force');
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain(`Deleted API key "${existing.key}".`);
    const after = await json('api-key', 'list', '--service-account', sa);
    expect(after.map((k: { key: string }) => k.key)).toEqual([fresh.key]);
    expect(after[0].description).toBe('New Kafka API key');
  });

  it.skipIf(skip)(`deleting a user deletes all of that user's keys (${name})`, async () => {
    const user = await json('iam', 'user', 'create', 'bob@example.com', '--full-name', 'Bob');
    expect(user.api_key.key).toMatch(/^[A-Z0-9]{16}$/);
    const asBob = { ...server.env, KEYWARD_API_KEY: user.api_key.key, KEYWARD_API_SECRET: user.api_key.secret };
    const second = await runCli(['api-key', 'create', '--resource', 'cloud', '--description', 'bob 2', '-o', 'json'], asBob);
    expect(second.code).toBe(0);
    const own = await runCli(['api-key', 'list', '--current-user', '-o', 'json'], asBob);
    expect(JSON.parse(own.stdout)).toHaveLength(2);

    const removed = await kw('iam', 'user', 'delete', user.id, '--force');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('2 api keys');
    const all = await json('api-key', 'list');
    expect(all.filter((k: { owner: string }) => k.owner === user.id)).toEqual([]);
    const refused = await runCli(['api-key', 'list'], asBob);
    expect(refused.code).toBe(1);
  });

  it.skipIf(skip)(`answers bad input clearly and changes nothing (${name})`, async () => {
    const badFormat = await kw('api-key', 'list', '-o', 'xml');
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('valid values are human, json, yaml');

    const dup = await kw('iam', 'service-account', 'create', 'app1-service-account', '--description', 'again');
    expect(dup.code).toBe(1);
    expect(dup.stderr.trim()).toBe('Error: Service name is already in use');

    const long = await kw('iam', 'service-account', 'create', 'x'.repeat(65), '--description', 'too long');
    expect(long.code).toBe(1);
    expect(long.stderr).toMatch(/at most 64 characters/);

    const unknown = await kw('api-key', 'describe', 'ZZZZZZZZZZZZZZZZ');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('API key "ZZZZZZZZZZZZZZZZ" not found');

    const noForce = await kw('api-key', 'delete', 'ZZZZZZZZZZZZZZZZ');
    expect(noForce.code).toBe(1);

    const wrong = await runCli(['api-key', 'list'], { ...server.env, KEYWARD_API_SECRET: 'kw_' + 'x'.repeat(61) });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Invalid API key or secret');
    expect(wrong.stderr).not.toContain('kw_x');

    const down = await runCli(['api-key', 'list'], { ...server.env, KEYWARD_URL: 'http://127.0.0.1:9', KEYWARD_API_KEY: server.key, KEYWARD_API_SECRET: server.secret });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/Cannot reach the keyward server at http:\/\/127\.0\.0\.1:9/);

    const usage = await kw('api-key', 'create');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("required option '--resource <id>' not specified");

    const accounts = await json('iam', 'service-account', 'list');
    expect(accounts).toHaveLength(2);
    for (const out of [badFormat, dup, long, unknown, wrong, down]) expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it.skipIf(skip || name !== 'sqlite')('refuses a second server on the same SQLite data directory', async () => {
    const second = await startServerProcess(storeArgs(db)).then(
      async (s) => {
        await s.stop();
        return 'started';
      },
      (error: Error) => error.message,
    );
    expect(second).toMatch(/in use by another keyward server \(pid \d+\)/);
  });
});

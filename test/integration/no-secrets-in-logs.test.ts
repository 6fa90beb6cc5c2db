import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteDir, type TestDatabase } from '../helpers/databases.js';
import { runCli, startServerProcess, type ServerProcess } from '../helpers/cli.js';
import { hashSecret } from '../../src/domain/secrets.js';

/** Drives every kind of request, at the most verbose log level, and reads everything the server wrote. */
describe('no secret, secret hash or Authorization header reaches the server log', () => {
  let db: TestDatabase;
  let server: ServerProcess;
  const secrets: string[] = [];

  beforeAll(async () => {
    db = await createSqliteDir();
    server = await startServerProcess(['--data-dir', db.options.dataDir as string], { KEYWARD_LOG_LEVEL: 'trace' });
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('keeps them out under successes, failures and errors', async () => {
    const kw = (...args: string[]) => runCli(args, server.env);
    const lkc = JSON.parse((await kw('kafka', 'cluster', 'create', 'c', '--cloud', 'aws', '--region', 'r', '-o', 'json')).stdout).id as string;
    const sa = JSON.parse((await kw('iam', 'service-account', 'create', 'logs-app', '--description', 'd', '-o', 'json')).stdout).id as string;
    const key = JSON.parse((await kw('api-key', 'create', '--resource', lkc, '--service-account', sa, '-o', 'json')).stdout) as { key: string; secret: string };
    const user = JSON.parse((await kw('iam', 'user', 'create', 'log@example.com', '--full-name', 'L', '-o', 'json')).stdout) as { api_key: { secret: string } };
    secrets.push(key.secret, user.api_key.secret);

    const basic = (k: string, s: string) => 'Basic ' + Buffer.from(`${k}:${s}`).toString('base64');
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    await post('/keyward/v1/verify', key);
    await post('/keyward/v1/verify', { key: key.key, secret: key.secret.slice(0, -1) + 'x' });
    await post('/keyward/v1/verify', { key: key.key, secret: key.secret, extra: 1 });
    await fetch(`${server.url}/keyward/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"key":"${key.key}","secret":"${key.secret}"` });
    await fetch(`${server.url}/keyward/v1/auth/basic?resource=${lkc}`, { headers: { authorization: basic(key.key, key.secret) } });
    await fetch(`${server.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=client_credentials&client_id=${key.key}&client_secret=${key.secret}` });
    await fetch(`${server.url}/oauth2/token`, { method: 'POST', headers: { authorization: basic(key.key, key.secret + 'x'), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    await fetch(`${server.url}/iam/v2/api-keys`, { headers: { authorization: basic(key.key, key.secret) } });
    await fetch(`${server.url}/iam/v2/api-keys/${key.key}?secret=${key.secret}`, { headers: { authorization: basic(server.key, server.secret) } });
    await post('/iam/v2/api-keys', { spec: { resource: { id: key.secret } } }, { authorization: basic(server.key, server.secret) });
    await new Promise((r) => setTimeout(r, 1500));

    const log = server.stderr();
    // the log did record these requests (so the checks below look at real output)
    expect(log).toContain('"msg":"request"');
    expect(log).toContain('"url":"/iam/v2/api-keys"');
    // the bootstrap secret is printed once, by design, in the start-up banner; nothing else may be
    const afterBanner = log.slice(log.indexOf('keyward listening on'));
    for (const secret of [...secrets, server.secret]) {
      expect(afterBanner).not.toContain(secret);
      expect(log).not.toContain(hashSecret(secret));
    }
    for (const secret of secrets) expect(log).not.toContain(secret);
    expect(log.toLowerCase()).not.toContain('authorization: basic');
    expect(log).not.toMatch(/Basic [A-Za-z0-9+/=]{20,}/);
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteDir, type TestDatabase } from '../helpers/databases.js';
import { startServerProcess, type ServerProcess } from '../helpers/cli.js';
import { nginxInstalled, startNginx, type NginxProcess } from '../helpers/nginx.js';

if (!nginxInstalled) process.stderr.write('\n*** nginx is not installed: the nginx auth_request test is SKIPPED (.ci/run installs it) ***\n\n');

describe.skipIf(!nginxInstalled)('nginx auth_request in front of an upstream, with keyward deciding', () => {
  let db: TestDatabase;
  let keyward: ServerProcess;
  let upstream: Server;
  let nginx: NginxProcess;
  let base: string;
  let admin: string;
  let lkc: string;
  let otherLkc: string;
  let saId: string;

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(keyward.url + path, { method, headers: { authorization: admin, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, body: res.status === 204 ? undefined : ((await res.json()) as Record<string, unknown>) };
  };
  const createKey = async (resource: string) => {
    const res = await api('POST', '/iam/v2/api-keys', { spec: { resource: { id: resource }, owner: { id: saId } } });
    return { key: res.body?.id as string, secret: (res.body?.spec as { secret: string }).secret };
  };
  const through = (k: { key: string; secret: string } | null) => fetch(`${base}/orders`, { headers: k ? { authorization: 'Basic ' + Buffer.from(`${k.key}:${k.secret}`).toString('base64') } : {} });

  beforeAll(async () => {
    db = await createSqliteDir();
    keyward = await startServerProcess(['--data-dir', db.options.dataDir as string]);
    admin = 'Basic ' + Buffer.from(`${keyward.key}:${keyward.secret}`).toString('base64');
    lkc = (await api('POST', '/cmk/v2/clusters', { spec: { display_name: 'orders', cloud: 'aws', region: 'r' } })).body?.id as string;
    otherLkc = (await api('POST', '/cmk/v2/clusters', { spec: { display_name: 'other', cloud: 'aws', region: 'r' } })).body?.id as string;
    saId = (await api('POST', '/iam/v2/service-accounts', { display_name: 'orders-app', description: 'd' })).body?.id as string;

    upstream = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ upstream: 'hello', principal: req.headers['x-keyward-principal'] ?? null, key: req.headers['x-keyward-key'] ?? null }));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

    nginx = await startNginx(keyward.url, upstreamUrl, lkc);
    base = nginx.url;
  });
  afterAll(async () => {
    await nginx?.stop();
    await new Promise((r) => upstream?.close(r));
    await keyward?.stop();
    await db?.drop();
  });

  it('passes the right key to the upstream, with the principal', async () => {
    const k = await createKey(lkc);
    const res = await through(k);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ upstream: 'hello', principal: `User:${saId}`, key: k.key });
  });

  it('answers 401 for no key or a wrong secret, 403 for a key of another resource', async () => {
    const none = await through(null);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Basic realm="keyward"');
    const k = await createKey(lkc);
    expect((await through({ key: k.key, secret: k.secret.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')) })).status).toBe(401);
    expect((await through(await createKey(otherLkc))).status).toBe(403);
  });

  it('refuses a deleted key on the very next request', async () => {
    const k = await createKey(lkc);
    expect((await through(k)).status).toBe(200);
    expect((await api('DELETE', `/iam/v2/api-keys/${k.key}`)).status).toBe(204);
    expect((await through(k)).status).toBe(401);
  });
});

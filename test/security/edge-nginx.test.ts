import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteDir, type TestDatabase } from '../helpers/databases.js';
import { startServerProcess, type ServerProcess } from '../helpers/cli.js';
import { nginxInstalled, startNginx, type NginxProcess } from '../helpers/nginx.js';


interface Key {
  key: string;
  secret: string;
}

/**
 * Issue 8 §1 with the real nginx and docs/nginx-auth-request.conf: every request reaches keyward
 * from nginx's address, yet an attacker's failures never block a legitimate client behind the same
 * nginx, and the audit log names the real client. The clients are distinct loopback addresses.
 */
describe.skipIf(!nginxInstalled)('an attacker behind nginx blocks only itself', () => {
  let db: TestDatabase;
  let keyward: ServerProcess;
  let upstream: Server;
  let nginx: NginxProcess;
  let nginxPort: number;
  let admin: string;
  let lkc: string;
  let victim: Key;

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(keyward.url + path, { method, headers: { authorization: admin, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return (await res.json()) as Record<string, unknown>;
  };

  /** GET /orders through nginx, from the loopback address `from`. */
  const through = (k: Key, from: string) =>
    new Promise<{ status: number; retryAfter?: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: nginxPort, path: '/orders', localAddress: from, agent: false, headers: { authorization: 'Basic ' + Buffer.from(`${k.key}:${k.secret}`).toString('base64') } },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined }));
        },
      );
      req.on('error', reject);
      req.end();
    });

  beforeAll(async () => {
    db = await createSqliteDir();
    // a 1 s aggregation window: the victim's aggregated successes are in the audit log within seconds
    keyward = await startServerProcess(['--data-dir', db.options.dataDir as string, '--trust-proxy', '127.0.0.1/32'], { KEYWARD_AUDIT_AGGREGATE_WINDOW: '1s' });
    admin = 'Basic ' + Buffer.from(`${keyward.key}:${keyward.secret}`).toString('base64');
    lkc = (await api('POST', '/cmk/v2/clusters', { spec: { display_name: 'orders', cloud: 'aws', region: 'r' } })).id as string;
    const sa = (await api('POST', '/iam/v2/service-accounts', { display_name: 'orders-app', description: 'd' })).id as string;
    const key = await api('POST', '/iam/v2/api-keys', { spec: { resource: { id: lkc }, owner: { id: sa } } });
    victim = { key: key.id as string, secret: (key.spec as { secret: string }).secret };

    upstream = createServer((_req, res) => res.end('{"upstream":"hello"}'));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

    nginx = await startNginx(keyward.url, upstreamUrl, lkc);
    nginxPort = nginx.port;
  });
  afterAll(async () => {
    await nginx?.stop();
    await new Promise((r) => upstream?.close(r));
    await keyward?.stop();
    await db?.drop();
  });

  it('40 wrong secrets from 127.0.0.2 block 127.0.0.2, never 127.0.0.3', async () => {
    expect((await through(victim, '127.0.0.3')).status).toBe(200);
    const wrongSecret = { key: victim.key, secret: 'kw_wrong' };
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await through(i % 2 ? wrongSecret : { key: `ZZZZZZZZZZZZZ${String(i).padStart(3, '0')}`, secret: 'kw_guess' }, '127.0.0.2')).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // the attacker gets a 429 with the real remaining time, not a 500
    const attacker = await through(victim, '127.0.0.2');
    expect(attacker.status).toBe(429);
    expect(Number(attacker.retryAfter)).toBeGreaterThan(0);
    expect(Number(attacker.retryAfter)).toBeLessThanOrEqual(300);
    // the legitimate client, with the very key the attacker hammered, through the same nginx
    for (let i = 0; i < 5; i++) expect((await through(victim, '127.0.0.3')).status).toBe(200);
  });

  it('the audit log records the real client addresses, not nginx', async () => {
    type Page = { data: Array<{ data: { requestMetadata?: { clientAddress: string }; result: { status: string } } }> };
    let events: Page['data'] = [];
    const hasSuccess = () => events.some((e) => e.data.result.status === 'SUCCESS');
    for (let i = 0; i < 50 && !hasSuccess(); i++) {
      const page = (await api('GET', `/keyward/v1/audit-events?api_key=${victim.key}&limit=1000`)) as unknown as Page;
      events = page.data ?? [];
      if (!hasSuccess()) await new Promise((r) => setTimeout(r, 100));
    }
    const addresses = new Set(events.map((e) => e.data.requestMetadata?.clientAddress));
    expect(addresses).toContain('127.0.0.2');
    expect(addresses).toContain('127.0.0.3');
    expect(events.filter((e) => e.data.result.status === 'SUCCESS').every((e) => e.data.requestMetadata?.clientAddress === '127.0.0.3')).toBe(true);
  });
});

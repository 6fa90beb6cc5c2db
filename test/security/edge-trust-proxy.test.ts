import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { runCli } from '../helpers/cli.js';
import { basic, startTestServer, type TestServer } from '../helpers/runtime.js';

/**
 * Issue 8 §1: behind a proxy every request comes from the proxy's address. X-Forwarded-For and
 * X-Real-IP name the client only when the TCP peer is a trusted proxy; the audit log and the
 * brute-force guard then see the real client, and nobody else can choose that address.
 */
describe.each(DIALECTS)('trusted proxies on $name', ({ name, skip, create }) => {
  let server: TestServer;
  let lkc: string;
  let key: { key: string; secret: string };
  let probe = 0;

  /** A failed verify with a fresh well-formed key id, so that its audit event is easy to find. */
  const addressSeen = async (remoteAddress: string, headers: Record<string, string>): Promise<string> => {
    const id = `PROBE${String(probe++).padStart(11, '0')}`;
    const res = await server.runtime.app.inject({ method: 'POST', url: '/keyward/v1/verify', payload: { key: id, secret: 'kw_x' }, headers, remoteAddress });
    expect(res.json().code).toBe('INVALID_CREDENTIALS');
    await server.runtime.audit.flush();
    const row = await server.runtime.store.db.selectFrom('audit_events').select('event').where('api_key', '=', id).executeTakeFirstOrThrow();
    return JSON.parse(row.event).data.requestMetadata.clientAddress;
  };

  beforeAll(async () => {
    if (skip) return;
    server = await startTestServer(await create(), { edge: { trustProxy: ['127.0.0.1/32', '::1/128', '10.0.0.0/8'] } });
    lkc = (await server.call({ method: 'POST', url: '/cmk/v2/clusters', payload: { spec: { display_name: 'orders', cloud: 'aws', region: 'r' } } })).json().id;
    const sa = (await server.call({ method: 'POST', url: '/iam/v2/service-accounts', payload: { display_name: 'app', description: 'd' } })).json().id;
    const res = await server.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id: lkc }, owner: { id: sa } } } });
    key = { key: res.json().id, secret: res.json().spec.secret };
  });
  afterAll(async () => server?.close());

  it.skipIf(skip)(`the audit clientAddress is the client behind a trusted proxy, and the peer otherwise (${name})`, async () => {
    expect(await addressSeen('127.0.0.1', { 'x-forwarded-for': '203.0.113.7' })).toBe('203.0.113.7');
    expect(await addressSeen('127.0.0.1', { 'x-real-ip': '203.0.113.8' })).toBe('203.0.113.8');
    expect(await addressSeen('::1', { 'x-forwarded-for': '2001:db8::9' })).toBe('2001:db8::9');
    expect(await addressSeen('::ffff:127.0.0.1', { 'x-forwarded-for': '::ffff:203.0.113.10' })).toBe('203.0.113.10');
    // a client-written left part is not believed: the rightmost untrusted hop is the client
    expect(await addressSeen('127.0.0.1', { 'x-forwarded-for': '192.0.2.1, 203.0.113.11, 10.1.1.1' })).toBe('203.0.113.11');
    // an untrusted peer's headers are ignored
    expect(await addressSeen('198.51.100.1', { 'x-forwarded-for': '203.0.113.12', 'x-real-ip': '203.0.113.13' })).toBe('198.51.100.1');
  });

  it.skipIf(skip)(`a host-bound ACL matches the real client behind the proxy, never the proxy or a spoofed hop (${name})`, async () => {
    const sa = (await server.call({ method: 'POST', url: '/iam/v2/service-accounts', payload: { display_name: 'host-bound', description: 'd' } })).json().id;
    const created = await server.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id: lkc }, owner: { id: sa } } } });
    const k = { key: created.json().id, secret: created.json().spec.secret };
    const acl = await server.call({
      method: 'POST',
      url: `/kafka/v3/clusters/${lkc}/acls`,
      payload: [{ principal: `User:${sa}`, permission: 'ALLOW', operation: 'READ', resource_type: 'TOPIC', resource_name: 'orders', pattern_type: 'LITERAL', host: '203.0.113.90' }],
    });
    expect(acl.statusCode, acl.body).toBe(201);
    const decide = async (remoteAddress: string, forwarded?: string) =>
      (
        await server.runtime.app.inject({
          method: 'POST',
          url: '/keyward/v1/verify',
          payload: { ...k, resource: lkc, action: { operation: 'READ', resource_type: 'TOPIC', resource_name: 'orders' } },
          headers: forwarded ? { 'x-forwarded-for': forwarded } : {},
          remoteAddress,
        })
      ).json().code;
    expect(await decide('127.0.0.1', '203.0.113.90')).toBe('VALID');
    expect(await decide('127.0.0.1', '203.0.113.91')).toBe('FORBIDDEN');
    expect(await decide('127.0.0.1')).toBe('FORBIDDEN');
    expect(await decide('127.0.0.1', '203.0.113.90, 203.0.113.91')).toBe('FORBIDDEN');
    // from an untrusted peer, the header is only a claim
    expect(await decide('198.51.100.9', '203.0.113.90')).toBe('FORBIDDEN');
  });

  it.skipIf(skip)(`an attacker behind the proxy blocks only itself, and cannot spoof its way past (${name})`, async () => {
    const viaProxy = (k: { key: string; secret: string }, client: string, spoof?: string) =>
      server.runtime.app.inject({
        method: 'GET',
        url: `/keyward/v1/auth/basic?resource=${lkc}`,
        headers: { authorization: basic(k.key, k.secret), 'x-forwarded-for': spoof ? `${spoof}, ${client}` : client },
        remoteAddress: '127.0.0.1',
      });
    const bad = { key: key.key, secret: 'kw_wrong' };
    for (let i = 0; i < 10; i++) expect((await viaProxy(bad, '203.0.113.66')).statusCode).toBe(401);
    // a fresh spoofed left part does not unblock the attacker
    const blocked = await viaProxy(key, '203.0.113.66', `192.0.2.${probe}`);
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // the legitimate client through the same proxy is not blocked
    expect((await viaProxy(key, '203.0.113.77')).statusCode).toBe(204);
  });
});

describe('server start --trust-proxy', () => {
  const home = mkdtempSync(join(tmpdir(), 'keyward-home-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'keyward-data-'));
  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses an invalid CIDR as a usage error (exit 2), from the flag or KEYWARD_TRUST_PROXY, before touching the store', async () => {
    const flag = await runCli(['server', 'start', '--port', '0', '--data-dir', dataDir, '--trust-proxy', '127.0.0.1/32,10.0.0.0/33'], { KEYWARD_HOME: home });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('invalid trusted proxy "10.0.0.0/33"');
    const env = await runCli(['server', 'start', '--port', '0', '--data-dir', dataDir], { KEYWARD_HOME: home, KEYWARD_TRUST_PROXY: 'proxy.internal' });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('invalid trusted proxy "proxy.internal"');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../helpers/databases.js';
import { startServerProcess, type ServerProcess } from '../helpers/cli.js';
import { maskSecret } from '../../src/domain/secrets.js';

/**
 * A secret pasted where free text goes (a description, a name, a topic, a User-Agent, a request
 * id) is recognised by its prefix and checksum and masked before it is stored, audited or logged.
 */
describe.each(DIALECTS)('secrets in free text are masked end to end ($name)', ({ skip, create }) => {
  let db: TestDatabase;
  let server: ServerProcess;

  beforeAll(async () => {
    if (skip) return;
    db = await create();
    const store = db.options.dataDir ? ['--data-dir', db.options.dataDir] : ['--database-url', db.options.databaseUrl as string];
    // a 1 s aggregation window: the verify's aggregated success event is written within seconds
    server = await startServerProcess(store, { KEYWARD_LOG_LEVEL: 'trace', KEYWARD_AUDIT_AGGREGATE_WINDOW: '1s' });
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it.skipIf(skip)('stores, audits and logs only the masked form', async () => {
    const admin = 'Basic ' + Buffer.from(`${server.key}:${server.secret}`).toString('base64');
    const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const response = await fetch(server.url + path, { method, headers: { authorization: admin, 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: response.status, headers: response.headers, json: (await response.json().catch(() => null)) as Record<string, unknown> };
    };
    const lkc = (await call('POST', '/cmk/v2/clusters', { spec: { display_name: 'c', cloud: 'aws', region: 'r' } })).json.id as string;
    const first = await call('POST', '/iam/v2/service-accounts', { display_name: 'paste-source', description: 'd' });
    const created = await call('POST', '/iam/v2/api-keys', { spec: { resource: { id: lkc }, owner: { id: first.json.id } } });
    const key = created.json.id as string;
    const secret = (created.json.spec as { secret: string }).secret;
    const masked = maskSecret(secret);

    // a service account whose description (and name) hold the secret
    const sa = await call('POST', '/iam/v2/service-accounts', { display_name: `x${secret}`, description: `the secret is ${secret} oops` });
    expect(sa.status).toBe(201);
    expect(sa.json.description).toBe(`the secret is ${masked} oops`);
    expect(sa.json.display_name).toBe(`x${masked}`);
    const stored = await call('GET', `/iam/v2/service-accounts/${sa.json.id as string}`);
    expect(JSON.stringify(stored.json)).not.toContain(secret);
    expect(stored.json.description).toBe(`the secret is ${masked} oops`);

    // a key description and a topic name
    const patched = await call('PATCH', `/iam/v2/api-keys/${key}`, { spec: { description: `see ${secret}` } });
    expect((patched.json.spec as { description: string }).description).toBe(`see ${masked}`);
    const acl = await call('POST', `/kafka/v3/clusters/${lkc}/acls`, { principal: `User:${first.json.id as string}`, permission: 'ALLOW', operation: 'READ', resource_type: 'TOPIC', resource_name: `t-${secret}`, pattern_type: 'LITERAL', host: '*' });
    expect(acl.status, JSON.stringify(acl.json)).toBe(201);
    expect(JSON.stringify(acl.json)).not.toContain(secret);

    // a verify whose User-Agent and X-Request-Id hold the secret
    const verify = await fetch(`${server.url}/keyward/v1/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': `client/1.0 ${secret}`, 'x-request-id': secret },
      body: JSON.stringify({ key, secret }),
    });
    expect(((await verify.json()) as { code: string }).code).toBe('VALID');
    expect(verify.headers.get('x-request-id')).not.toBe(secret);
    let events = await call('GET', '/keyward/v1/audit-events?limit=1000');
    for (let i = 0; i < 40 && !JSON.stringify(events.json).includes('"keyward.Verify"'); i++) {
      await new Promise((r) => setTimeout(r, 150));
      events = await call('GET', '/keyward/v1/audit-events?limit=1000');
    }
    const audit = JSON.stringify(events.json);
    expect(events.status).toBe(200);
    expect(audit).toContain(`client/1.0 ${masked}`);
    expect(audit).not.toContain(secret);

    // the server log (at trace) never held it either
    expect(server.stderr()).toContain('"msg":"request"');
    expect(server.stderr()).not.toContain(secret);
  });
});

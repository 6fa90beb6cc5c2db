import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase, storeArgs } from '../helpers/databases.js';
import { runCli, startServerProcess, type CliResult, type ServerProcess } from '../helpers/cli.js';
import { openSse } from '../helpers/sse.js';

const SECRET = /^kw_[0-9A-Za-z]{61}$/;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const basic = (key: string, secret: string) => 'Basic ' + Buffer.from(`${key}:${secret}`).toString('base64');

/**
 * `keyward kafka cluster broker-config` through the real binary against a real server (DESIGN §2, §8):
 * the properties block, the reused service account and binding, a key that reads the replica, and
 * a server log (at trace) that never holds a secret hash.
 */
describe.each(DIALECTS)('keyward kafka cluster broker-config on $name', ({ name, skip, create }) => {
  let db: TestDatabase;
  let server: ServerProcess;
  let lkc: string;
  const secrets: string[] = [];
  const kw = (...args: string[]): Promise<CliResult> => runCli(args, server.env);

  beforeAll(async () => {
    if (skip) return;
    db = await create();
    server = await startServerProcess(storeArgs(db), { KEYWARD_LOG_LEVEL: 'trace' });
    const created = await kw('kafka', 'cluster', 'create', 'orders', '--cloud', 'aws', '--region', 'us-east-1', '-o', 'json');
    expect(created.code, created.stderr).toBe(0);
    lkc = JSON.parse(created.stdout).id as string;
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it.skipIf(skip)(`prints the broker properties of DESIGN §8 with a new key, the secret shown once (${name})`, async () => {
    const result = await kw('kafka', 'cluster', 'broker-config', lkc);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Save the API key and secret. The secret is not retrievable later.');
    const lines = result.stdout.trimEnd().split('\n');
    const key = /^keyward\.api\.key=([A-Z0-9]{16})$/.exec(lines[8] ?? '')?.[1] as string;
    const secret = /^keyward\.api\.secret=(.*)$/.exec(lines[9] ?? '')?.[1] as string;
    expect(key).toMatch(/^[A-Z0-9]{16}$/);
    expect(secret).toMatch(SECRET);
    secrets.push(secret);
    expect(lines).toEqual([
      'sasl.enabled.mechanisms=PLAIN',
      'listener.name.sasl_plaintext.plain.sasl.server.callback.handler.class=io.keyward.kafka.KeywardPlainCallbackHandler',
      `listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${key}" password="${secret}";`,
      'principal.builder.class=io.keyward.kafka.KeywardPrincipalBuilder',
      'authorizer.class.name=io.keyward.kafka.KeywardAuthorizer',
      'connections.max.reauth.ms=300000',
      `keyward.url=${server.url}`,
      `keyward.cluster.id=${lkc}`,
      `keyward.api.key=${key}`,
      `keyward.api.secret=${secret}`,
      'keyward.replica.max.staleness.ms=900000',
    ]);

    // the key is the cluster's KafkaBroker key: it reads the replica, which holds it
    const res = await fetch(`${server.url}/keyward/v1/kafka/clusters/${lkc}/replica`, { headers: { authorization: basic(key, secret) } });
    expect(res.status).toBe(200);
    const replica = (await res.json()) as { keys: Array<{ id: string; secret_sha256: string; owner: { id: string } }>; grants: Array<{ principal: string; operations: string[]; resource_type: string }> };
    const own = replica.keys.find((k) => k.id === key);
    expect(own?.secret_sha256).toBe(sha256(secret));
    expect(replica.grants).toContainEqual(expect.objectContaining({ principal: `User:${own?.owner.id}`, operations: ['ALL'], resource_type: 'CLUSTER' }));
    const sa = JSON.parse((await kw('iam', 'service-account', 'list', '-o', 'json')).stdout) as Array<{ id: string; name: string }>;
    expect(sa.find((s) => s.name === `kafka-broker-${lkc}`)?.id).toBe(own?.owner.id);
  });

  it.skipIf(skip)(`reuses the service account and its binding; JSON has the properties plus key, secret and service_account (${name})`, async () => {
    const result = await kw('kafka', 'cluster', 'broker-config', lkc, '-o', 'json');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('The secret is not retrievable later.');
    const body = JSON.parse(result.stdout) as Record<string, string>;
    expect(Object.keys(body)).toEqual([
      'sasl.enabled.mechanisms', 'listener.name.sasl_plaintext.plain.sasl.server.callback.handler.class', 'listener.name.sasl_plaintext.plain.sasl.jaas.config',
      'principal.builder.class', 'authorizer.class.name', 'connections.max.reauth.ms', 'keyward.url', 'keyward.cluster.id', 'keyward.api.key',
      'keyward.api.secret', 'keyward.replica.max.staleness.ms', 'key', 'secret', 'service_account',
    ]);
    expect(body['keyward.api.key']).toBe(body.key);
    expect(body['keyward.api.secret']).toBe(body.secret);
    expect(body.secret).toMatch(SECRET);
    secrets.push(body.secret as string);
    expect(body['keyward.url']).toBe(server.url);
    const accounts = JSON.parse((await kw('iam', 'service-account', 'list', '-o', 'json')).stdout) as Array<{ id: string; name: string }>;
    expect(accounts.filter((s) => s.name === `kafka-broker-${lkc}`).map((s) => s.id)).toEqual([body.service_account]);
    const bindings = JSON.parse((await kw('iam', 'rbac', 'role-binding', 'list', '--principal', `User:${body.service_account}`, '-o', 'json')).stdout) as Array<{ role: string }>;
    expect(bindings.map((b) => b.role)).toEqual(['KafkaBroker']);
    const keys = JSON.parse((await kw('api-key', 'list', '--service-account', body.service_account as string, '-o', 'json')).stdout) as unknown[];
    expect(keys).toHaveLength(2);

    // the stream answers the new key too
    const stream = await openSse(`${server.url}/keyward/v1/kafka/clusters/${lkc}/replica/stream?since=0`, { authorization: basic(body.key as string, body.secret as string) });
    expect(stream.status).toBe(200);
    await stream.next((e) => e.event === 'heartbeat');
    stream.close();
  });

  it.skipIf(skip)(`refuses an unknown format (exit 2) and an unknown cluster (exit 1) (${name})`, async () => {
    const yaml = await kw('kafka', 'cluster', 'broker-config', lkc, '-o', 'yaml');
    expect(yaml.code).toBe(2);
    expect(yaml.stderr).toContain('valid values are properties, json');
    const missing = await kw('kafka', 'cluster', 'broker-config', 'lkc-zzzzzz');
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    const help = await kw('kafka', 'cluster', '--help');
    expect(help.stdout).toContain('broker-config');
  });

  it.skipIf(skip)(`the server log (at trace) holds neither the broker secrets nor any key's secret hash (${name})`, async () => {
    await new Promise((r) => setTimeout(r, 1200)); // data-plane batches and log lines flushed
    expect(secrets).toHaveLength(2);
    const log = server.stderr();
    expect(log).toContain('keyward listening on');
    expect(log).toContain('"msg":"request"'); // the log did record requests
    expect(log).not.toContain('secret_sha256');
    const afterBanner = log.slice(log.indexOf('keyward listening on'));
    expect(afterBanner).not.toMatch(/kw_[0-9A-Za-z]{61}/);
    for (const secret of [...secrets, server.secret]) expect(log).not.toContain(sha256(secret));
    expect(log).not.toMatch(/Basic [A-Za-z0-9+/=]{20,}/);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServerProcess, type CliResult, type ServerProcess } from '../helpers/cli.js';
import { generateSecret } from '../../src/domain/secrets.js';

/** A loopback port nothing listens on: a command that sent a request there would fail to connect (exit 1). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * DESIGN §2's exit codes through the real binary: a usage error (a flag value outside the contract,
 * including values only the server checked before) is exit 2 before any request, naming the valid
 * values; a list filter naming an object that does not exist is exit 1 naming it; `scan` is 0 clean,
 * 1 on secrets found, 2 on a path that does not exist or cannot be read.
 */
describe('exit codes through the keyward binary', () => {
  let server: ServerProcess;
  let scratch: string;
  let offline: NodeJS.ProcessEnv;
  let env: string;
  let lkc: string;
  let sa: string;
  let deletedKey: string;

  const kw = (...args: string[]) => runCli(args, server.env);
  const json = async <T>(...args: string[]): Promise<T> => {
    const result = await kw(...args, '-o', 'json');
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as T;
  };
  const expectFailure = (result: CliResult, code: number, message: string | RegExp) => {
    expect(result.code, result.stderr).toBe(code);
    if (typeof message === 'string') expect(result.stderr).toContain(message);
    else expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  };

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'keyward-exit-codes-'));
    server = await startServerProcess(['--data-dir', join(scratch, 'store')]);
    offline = { KEYWARD_HOME: join(scratch, 'offline-home'), KEYWARD_URL: `http://127.0.0.1:${await closedPort()}`, KEYWARD_API_KEY: server.key, KEYWARD_API_SECRET: server.secret };
    env = (await json<{ id: string }>('environment', 'create', 'exit-codes', '--stage', 'staging')).id;
    lkc = (await json<{ id: string }>('kafka', 'cluster', 'create', 'orders', '--cloud', 'aws', '--region', 'eu-west-1', '--environment', env)).id;
    sa = (await json<{ id: string }>('iam', 'service-account', 'create', 'exit-codes-app', '--description', 'exit codes')).id;
    deletedKey = (await json<{ key: string }>('api-key', 'create', '--resource', lkc, '--service-account', sa)).key;
    expect((await kw('api-key', 'delete', deletedKey, '--force')).code).toBe(0);
  });

  afterAll(async () => {
    await server?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('refuses a bad flag value with exit 2 before any request, naming the valid values', async () => {
    // the server's port is closed: a request would be exit 1 "Cannot reach the keyward server"
    const unreachable = await runCli(['kafka', 'cluster', 'list'], offline);
    expectFailure(unreachable, 1, 'Cannot reach the keyward server');

    const cases: Array<[string[], string | RegExp]> = [
      [['kafka', 'cluster', 'create', 'c', '--cloud', 'mars', '--region', 'r'], 'Error: invalid --cloud "mars": valid values are aws, gcp, azure, self-managed\n'],
      [['schema-registry', 'cluster', 'create', 's', '--cloud', 'mars', '--region', 'r'], 'invalid --cloud "mars": valid values are aws, gcp, azure, self-managed'],
      [['kafka', 'cluster', 'create', 'c', '--cloud', 'aws', '--region', 'r', '--type', 'huge'], 'invalid --type "huge": valid values are basic, standard, enterprise, dedicated'],
      [['kafka', 'cluster', 'create', 'c', '--cloud', 'aws', '--region', 'r', '--availability', 'three-zone'], 'invalid --availability "three-zone": valid values are single-zone, multi-zone'],
      [['kafka', 'cluster', 'create', 'c', '--cloud', 'aws', '--region', 'r', '--environment', 'prod'], 'invalid --environment "prod": valid values are environment ids such as env-abc123'],
      [['environment', 'create', 'e', '--stage', 'prod'], 'invalid --stage "prod": valid values are production, staging, development'],
      [['environment', 'update', 'env-abc123', '--stage', 'live'], 'invalid --stage "live": valid values are production, staging, development'],
      [['api-key', 'list', '--status', 'revoked'], 'invalid --status "revoked": valid values are active, disabled, expired'],
      [['api-key', 'list', '--service-account', 'orders-app'], 'invalid --service-account "orders-app": valid values are service account ids such as sa-abc123'],
      [['api-key', 'list', '--resource', 'orders'], 'invalid --resource "orders": valid values are Kafka cluster ids such as lkc-abc123, Schema Registry cluster ids such as lsrc-abc123, and cloud'],
      [['api-key', 'create', '--resource', 'cloud', '--expires-in', 'forever'], 'invalid --expires-in "forever": valid values are durations greater than 0, such as 90d or 12h'],
      [['api-key', 'create', '--resource', 'cloud', '--expires-in', '0'], 'invalid --expires-in "0": valid values are durations greater than 0'],
      [['api-key', 'create', '--resource', 'cloud', '--expires-at', 'tomorrow'], 'invalid --expires-at "tomorrow": valid values are ISO-8601 times in the future, such as 2027-01-31T00:00:00Z'],
      [['api-key', 'create', '--resource', 'cloud', '--expires-at', '2020-01-01T00:00:00Z'], 'invalid --expires-at "2020-01-01T00:00:00Z": valid values are ISO-8601 times in the future'],
      [['api-key', 'create', '--resource', 'cloud', '--expires-in', '1d', '--expires-at', '2999-01-01'], 'give either --expires-in or --expires-at, not both'],
      [['api-key', 'rotate', 'ABCDEFGH12345678', '--grace', '8d'], 'invalid --grace "8d": valid values are durations from 0 to 7d, such as 24h, 30m or 0'],
      [['api-key', 'usage', 'ABCDEFGH12345678', '--since', '91d'], 'invalid --since "91d": valid values are durations back from now from 1m to 90d'],
      [['api-key', 'usage', 'ABCDEFGH12345678', '--bucket', '2h'], 'invalid --bucket "2h": valid values are 1m, 5m, 15m, 1h, 6h, 1d'],
      [['iam', 'rbac', 'role-binding', 'create', '--principal', 'User:sa-abc123', '--role', 'Admin'], /invalid --role "Admin": valid values are OrganizationAdmin, AccountAdmin, .*, KafkaBroker\n/],
      [['iam', 'rbac', 'role-binding', 'list', '--principal', 'sa-abc123'], 'invalid --principal "sa-abc123": valid values are principals such as User:sa-abc123 or User:u-abc123'],
      [['iam', 'rbac', 'role-binding', 'list', '--role', 'Admin'], 'invalid --role "Admin": valid values are OrganizationAdmin'],
      [['iam', 'rbac', 'role-binding', 'create', '--principal', 'User:sa-abc123', '--role', 'DeveloperRead', '--environment', 'env-abc123', '--kafka-cluster', 'lkc-abc123', '--resource', 'Queue:orders'], 'invalid resource type "Queue": the available resource types are Topic, Group, TransactionalId, Subject, ServiceAccount'],
      [['iam', 'rbac', 'role-binding', 'list', '--cloud-cluster', 'orders'], 'invalid --cloud-cluster "orders": valid values are Kafka cluster ids such as lkc-abc123'],
      [['kafka', 'acl', 'create', '--allow', '--service-account', 'sa-abc123', '--operations', 'read,fly', '--topic', 't'], 'invalid operation value: FLY (valid values are ALL, READ, WRITE,'],
      [['kafka', 'acl', 'create', '--allow', '--operations', 'read', '--topic', 't'], 'exactly one of `--service-account`, `--principal` must be set'],
      [['kafka', 'acl', 'list', '--cluster', 'orders'], 'invalid --cluster "orders": valid values are Kafka cluster ids such as lkc-abc123'],
      [['kafka', 'cluster', 'broker-config', 'lkc-abc123', '-o', 'yaml'], 'invalid --output "yaml": valid values are properties, json'],
      [['advisor', '--fail-on', 'critical'], 'invalid --fail-on "critical": valid values are low, medium, high'],
      [['audit-log', 'list', '--type', 'login'], 'invalid --type "login": valid values are authentication, authorization, management'],
      [['audit-log', 'list', '--result', 'ok'], 'invalid --result "ok": valid values are success, failure'],
      [['audit-log', 'list', '--since', 'yesterday'], 'invalid --since "yesterday": valid values are durations back from now, such as 24h or 7d, or ISO-8601 times'],
      [['audit-log', 'export', '--until', 'later'], 'invalid --until "later": valid values are durations back from now'],
      [['audit-log', 'list', '--limit', '0'], 'invalid --limit "0": valid values are whole numbers of 1 or more'],
      [['policy', 'update', '--max-key-lifetime', '4000d'], 'invalid --max-key-lifetime "4000d": valid values are durations from 1s to 3650d, such as 90d or 365d, or "none" (no limit)'],
      [['policy', 'update', '--unused-key-days', '0'], 'invalid --unused-key-days "0": valid values are whole numbers from 1 to 3650'],
      [['policy', 'update', '--max-keys-per-owner-resource', '1001'], 'invalid --max-keys-per-owner-resource "1001": valid values are whole numbers from 1 to 1000'],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args, offline)));
    cases.forEach(([args, message], i) => {
      expect(results[i]?.code, args.join(' ')).toBe(2);
      expectFailure(results[i] as CliResult, 2, message);
    });
  });

  it('accepts enum values in any case and shows them in --help', async () => {
    const created = await json<{ provider: string; type: string }>('kafka', 'cluster', 'create', 'upper', '--cloud', 'GCP', '--region', 'r', '--type', 'Standard', '--environment', env);
    expect([created.provider, created.type]).toEqual(['gcp', 'STANDARD']);
    const help = (await kw('kafka', 'cluster', 'create', '--help')).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('(choices: "aws", "gcp", "azure", "self-managed")');
    expect(help).toContain('(choices: "basic", "standard", "enterprise", "dedicated", default: "basic")');
  });

  it('fails with exit 1 naming a list filter object that does not exist', async () => {
    const cases: Array<[string[], string]> = [
      [['api-key', 'list', '--service-account', 'sa-nope00'], 'Error: Service account "sa-nope00" not found'],
      [['api-key', 'list', '--resource', 'lkc-nope00'], 'Error: Kafka cluster "lkc-nope00" not found'],
      [['api-key', 'list', '--resource', 'lsrc-nope00'], 'Error: Schema Registry cluster "lsrc-nope00" not found'],
      [['api-key', 'list', '--environment', 'env-nope00'], 'Error: Environment "env-nope00" not found'],
      [['kafka', 'cluster', 'list', '--environment', 'env-nope00'], 'Error: Environment "env-nope00" not found'],
      [['schema-registry', 'cluster', 'list', '--environment', 'env-nope00'], 'Error: Environment "env-nope00" not found'],
      [['iam', 'rbac', 'role-binding', 'list', '--environment', 'env-nope00'], 'Error: Environment "env-nope00" not found'],
      [['iam', 'rbac', 'role-binding', 'list', '--environment', 'ENV', '--cloud-cluster', 'lkc-nope00'], 'Error: Kafka cluster "lkc-nope00" not found'],
      [['kafka', 'acl', 'list', '--cluster', 'lkc-nope00'], 'lkc-nope00'],
    ];
    for (const [args, message] of cases) expectFailure(await kw(...args.map((a) => (a === 'ENV' ? env : a))), 1, message);
  });

  it('lists what exists, and keeps filters on deleted keys and principals working', async () => {
    expect(await json<unknown[]>('api-key', 'list', '--service-account', sa, '--resource', lkc, '--environment', env)).toEqual([]);
    const none = await kw('api-key', 'list', '--service-account', sa);
    expect(none.code, none.stderr).toBe(0);
    expect(await json<unknown[]>('iam', 'rbac', 'role-binding', 'list', '--environment', env, '--cloud-cluster', lkc)).toEqual([]);
    // a deleted key is no error in an audit filter: its events outlive it
    expect(await json<unknown[]>('audit-log', 'list', '--api-key', deletedKey)).toEqual([]);
    // grants of a principal that no longer exists (the advisor's orphaned-grant) are still listed
    expect(await json<unknown[]>('iam', 'rbac', 'role-binding', 'list', '--principal', 'User:sa-gone00')).toEqual([]);
    expect(await json<unknown[]>('kafka', 'acl', 'list', '--cluster', lkc, '--service-account', 'sa-gone00')).toEqual([]);
  });

  describe('scan', () => {
    const scan = (...args: string[]) => runCli(['scan', ...args], { KEYWARD_HOME: join(scratch, 'scan-home') });

    it('exits 0 on a clean tree and 1 when secrets are found', async () => {
      const clean = mkdtempSync(join(scratch, 'clean-'));
      writeFileSync(join(clean, 'notes.txt'), 'no secrets here: kw_short\n');
      const ok = await scan(clean);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stderr).toContain('Found 0 keyward secrets in 0 files (scanned 1 file).');

      const leaky = mkdtempSync(join(scratch, 'leaky-'));
      writeFileSync(join(leaky, '.env'), `KEYWARD_API_SECRET=${generateSecret()}\n`);
      const found = await scan(leaky, '-o', 'json');
      expect(found.code, found.stderr).toBe(1);
      expect(JSON.parse(found.stdout)).toHaveLength(1);
      expect(found.stderr).toContain('Error: Found 1 keyward secret');
    });

    it('exits 2 naming a path given that does not exist or cannot be read, before any output', async () => {
      const clean = mkdtempSync(join(scratch, 'given-'));
      const missing = join(clean, 'no-such-dir');
      expectFailure(await scan(clean, missing), 2, `Error: File or directory "${missing}" not found\n`);
      writeFileSync(join(clean, 'file.txt'), 'text\n');
      expectFailure(await scan(join(clean, 'file.txt', 'below-a-file')), 2, 'not found');
      if (process.platform === 'linux') expectFailure(await scan('/proc/self/mem'), 2, /Error: File or directory "\/proc\/self\/mem" cannot be read \(E[A-Z]+\)\n/);
    });
  });
});

import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteDir, type TestDatabase } from '../helpers/databases.js';
import { CLI, runCli, startServerProcess, type CliResult, type ServerProcess } from '../helpers/cli.js';
import type { Finding } from '../../src/domain/advisor/index.js';

interface Credentials {
  key: string;
  secret: string;
}

const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

/**
 * Every advisor remediation runs exactly as printed: a store is put into the state of each finding
 * (rows aged in the database where the real clock cannot wait), `advisor -o json` is asked, and every
 * line of every remediation is run by a shell, `keyward` being the built CLI on PATH. Afterwards the
 * findings are gone, except the one where a person must choose (its commands show the choice), and
 * the user's production key that was handed over to a service account still verifies during its grace.
 */
describe('advisor remediations run as printed', () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let bin: string;
  let devLkc: string;
  let prodLkc: string;
  let alice: { id: string; cloud: Credentials };
  const keys: Record<string, Credentials> = {};
  const accounts: Record<string, string> = {};

  const kw = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { ...server.env, ...env });
  const json = async <T>(args: string[], env: NodeJS.ProcessEnv = {}): Promise<T> => {
    const result = await kw([...args, '-o', 'json'], env);
    expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    return JSON.parse(result.stdout) as T;
  };
  const findings = () => json<Finding[]>(['advisor']);
  /** One printed command, run by a shell as a person would paste it. */
  const shell = (command: string) =>
    new Promise<CliResult>((resolve) => {
      execFile('bash', ['-c', command], { env: { ...server.env, PATH: `${bin}:${process.env.PATH}` }, timeout: 20_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
      });
    });
  const verify = async (credentials: Credentials) => {
    const res = await fetch(`${server.url}/keyward/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
    return (await res.json()) as { valid: boolean; code: string; principal?: string; expires_at?: string | null };
  };
  /** Changes rows behind the server's back: what a long-running store looks like after months. */
  const store = (statements: Array<[string, ...unknown[]]>) => {
    const sqlite = new SQLite(join(db.options.dataDir as string, 'keyward.db'));
    sqlite.pragma('busy_timeout = 5000');
    for (const [statement, ...parameters] of statements) sqlite.prepare(statement).run(...parameters);
    sqlite.close();
  };

  beforeAll(async () => {
    db = await createSqliteDir();
    server = await startServerProcess(['--data-dir', db.options.dataDir as string]);
    bin = mkdtempSync(join(tmpdir(), 'keyward-bin-'));
    writeFileSync(join(bin, 'keyward'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(join(bin, 'keyward'), 0o755);

    const prodEnv = (await json<{ id: string }>(['environment', 'create', 'prod', '--stage', 'production'])).id;
    prodLkc = (await json<{ id: string }>(['kafka', 'cluster', 'create', 'orders-prod', '--cloud', 'aws', '--region', 'us-east-1', '--environment', prodEnv])).id;
    devLkc = (await json<{ id: string }>(['kafka', 'cluster', 'create', 'orders-dev', '--cloud', 'aws', '--region', 'us-east-1'])).id;

    // alice's own key in production, in use by a client
    const created = await json<{ id: string; api_key: Credentials }>(['iam', 'user', 'create', 'alice@example.com', '--full-name', 'Alice']);
    alice = { id: created.id, cloud: created.api_key };
    await json(['iam', 'rbac', 'role-binding', 'create', '--principal', `User:${alice.id}`, '--role', 'Operator', '--environment', prodEnv, '--cloud-cluster', prodLkc]);
    keys.alice = await json<Credentials>(['api-key', 'create', '--resource', prodLkc, '--description', 'orders consumer'], {
      KEYWARD_API_KEY: alice.cloud.key,
      KEYWARD_API_SECRET: alice.cloud.secret,
    });
    expect((await verify(keys.alice)).valid).toBe(true);

    for (const name of ['busy', 'stale', 'aging', 'idle']) accounts[name] = (await json<{ id: string }>(['iam', 'service-account', 'create', name, '--description', name])).id;
    for (const n of [1, 2, 3]) keys[`busy${n}`] = await json<Credentials>(['api-key', 'create', '--resource', devLkc, '--service-account', accounts.busy as string]);
    keys.stale = await json<Credentials>(['api-key', 'create', '--resource', devLkc, '--service-account', accounts.stale as string]);
    keys.aging = await json<Credentials>(['api-key', 'create', '--resource', devLkc, '--service-account', accounts.aging as string]);

    const organization = /Organization:\s+(\S+)/.exec(server.stderr())?.[1] as string;
    const crn = `crn://keyward/organization=${organization}/environment=env-x/cloud-cluster=${devLkc}/kafka=${devLkc}/topic=orders`;
    store([
      // last used 100 days ago (policy: 90): unused
      ['update api_keys set created_at = ?, last_used = ? where id = ?', daysAgo(50), daysAgo(100), keys.stale.key],
      // created 100 days ago and in use: due for rotation
      ['update api_keys set created_at = ?, last_used = ? where id = ?', daysAgo(100), new Date().toISOString(), keys.aging.key],
      // an account from 100 days ago without keys
      ['update service_accounts set created_at = ? where id = ?', daysAgo(100), accounts.idle],
      // grants left by an older version whose principals are gone
      ['insert into role_bindings (id, principal, role_name, crn_pattern, created_at) values (?, ?, ?, ?, ?)', 'rb-orphan', 'User:sa-gone00', 'DeveloperRead', crn, daysAgo(1)],
      [
        'insert into acls (id, cluster_id, principal, permission, operation, resource_type, resource_name, pattern_type, host, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        'acl-orphan', devLkc, 'User:u-gone00', 'ALLOW', 'READ', 'TOPIC', 'orders', 'LITERAL', '*', daysAgo(1),
      ],
    ]);
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
    if (bin) rmSync(bin, { recursive: true, force: true });
  });

  it('fixes every finding by running its commands exactly as printed, without breaking the production client', async () => {
    const before = await findings();
    expect(before.map((f) => f.id).sort()).toEqual(
      [
        `user-key-in-production:${keys.alice?.key}`,
        `unused-key:${keys.stale?.key}`,
        `key-due-for-rotation:${keys.aging?.key}`,
        `unused-service-account:${accounts.idle}`,
        'orphaned-grant:rb-orphan',
        'orphaned-grant:acl-orphan',
        `too-many-keys:${accounts.busy}/${devLkc}`,
      ].sort(),
    );
    for (const finding of before) {
      for (const command of finding.remediation.split('\n')) {
        expect(command, finding.id).toMatch(/^keyward /);
        expect(command, finding.id).not.toMatch(/<|>|SA_ID|…/);
        // nothing that may still serve a client is deleted: only grants whose principal is gone
        if (finding.rule !== 'orphaned-grant') expect(command, finding.id).not.toMatch(/ delete /);
        const result = await shell(command);
        expect(result.code, `${finding.id}: ${command}\n${result.stderr}`).toBe(0);
      }
    }

    // the choice of which surplus keys to disable is a person's: the command lists them to choose from
    const after = await findings();
    expect(after.map((f) => f.id)).toEqual([`too-many-keys:${accounts.busy}/${devLkc}`]);
    const listed = await shell((after[0] as Finding).remediation);
    for (const n of [1, 2, 3]) expect(listed.stdout).toContain(keys[`busy${n}`]?.key);

    // the user's key was handed over, not deleted: it still verifies, until the end of its 7-day grace
    const old = await verify(keys.alice as Credentials);
    expect(old).toMatchObject({ valid: true, principal: `User:${alice.id}` });
    const expiresIn = Date.parse(old.expires_at as string) - Date.now();
    expect(expiresIn).toBeGreaterThan(6.9 * DAY_MS);
    expect(expiresIn).toBeLessThanOrEqual(7 * DAY_MS);
    const [account] = await json<Array<{ id: string; name: string }>>(['iam', 'service-account', 'list', '--display-name', `app-${keys.alice?.key.toLowerCase()}`]);
    const handedOver = await json<Array<{ key: string; owner: string; resource_id: string; status: string }>>(['api-key', 'list', '--service-account', account?.id as string]);
    expect(handedOver).toMatchObject([{ owner: account?.id, resource_id: prodLkc, status: 'ACTIVE' }]);

    // the unused key and account are disabled, which their messages say how to undo; the grants are gone
    expect((await json<{ status: string }>(['api-key', 'describe', keys.stale?.key as string])).status).toBe('DISABLED');
    expect((await json<{ status: string }>(['iam', 'service-account', 'describe', accounts.idle as string])).status).toBe('DISABLED');
    // the rotated key keeps working for its 24h grace
    expect((await verify(keys.aging as Credentials)).valid).toBe(true);
  });

  it('hands a key to a service account only for a caller with authority over that account', async () => {
    const asAlice = { KEYWARD_API_KEY: alice.cloud.key, KEYWARD_API_SECRET: alice.cloud.secret };
    const second = await json<Credentials>(['api-key', 'create', '--resource', prodLkc], asAlice);
    const refused = await kw(['api-key', 'rotate', second.key, '--service-account', accounts.busy as string], asAlice);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Forbidden|authority/);
    const unknown = await kw(['api-key', 'rotate', second.key, '--service-account', 'no-such-account']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No service account is named "no-such-account"');
    // nothing was rotated: the key is still the only one, not replaced, with no expiry
    const [listed] = await json<Array<{ key: string; expires_at: string | null }>>(['api-key', 'list', '--resource', prodLkc, '--status', 'active'], asAlice).then((all) =>
      all.filter((k) => k.key === second.key),
    );
    expect(listed).toMatchObject({ key: second.key, expires_at: null });
    // her own key, to an account she was made ResourceOwner of: allowed
    await json(['iam', 'rbac', 'role-binding', 'create', '--principal', `User:${alice.id}`, '--role', 'ResourceOwner', '--resource', `ServiceAccount:${accounts.aging}`]);
    const moved = await json<{ replaces: string }>(['api-key', 'rotate', second.key, '--service-account', accounts.aging as string], asAlice);
    expect(moved.replaces).toBe(second.key);
  });

  it('shows how to find the clients of a rotated-out key still in use, with commands that run as printed', async () => {
    let finding: Finding | undefined;
    await expect
      .poll(async () => (finding = (await findings()).find((f) => f.id === `old-key-still-in-use:${keys.aging?.key}`)), { timeout: 10_000, interval: 500 })
      .toBeDefined();
    const [audit, list] = (finding as Finding).remediation.split('\n');
    expect(audit).toMatch(new RegExp(`^keyward audit-log list --api-key ${keys.aging?.key} --result success --since \\d+h$`));
    expect((await shell(audit as string)).code).toBe(0);
    const listed = await shell(list as string);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(keys.aging?.key);
  });
});

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase, storeArgs } from '../helpers/databases.js';
import { CLI, runCli, startServerProcess, type CliResult, type ServerProcess } from '../helpers/cli.js';
import { generateSecret } from '../../src/domain/secrets.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SECRET = /kw_[0-9A-Za-z]{61}/;

interface Key {
  key: string;
  secret: string;
}

/**
 * Key lifecycle through the real `keyward` binary against a real server: the advisor and its exit
 * status, rotation end to end (both keys during the grace, the old one expired after it, last_used
 * telling them apart), the delete confirmation, disable/enable and expiry, the policy, and scan.
 */
describe.each(DIALECTS)('key lifecycle through the keyward binary on $name', ({ skip, create }) => {
  let db: TestDatabase;
  let server: ServerProcess;
  let devLkc: string;
  let prodLkc: string;
  let sa: string;
  const scratch: string[] = [];

  const kw = (...args: string[]) => runCli(args, server.env);
  const json = async (...args: string[]) => {
    const result = await kw(...args, '-o', 'json');
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };
  const verify = async (k: Key): Promise<string> => {
    const res = await fetch(`${server.url}/keyward/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(k) });
    return ((await res.json()) as { code: string }).code;
  };
  const newKey = async (...args: string[]): Promise<Key> => json('api-key', 'create', ...args);
  const tempDir = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    scratch.push(dir);
    return dir;
  };

  beforeAll(async () => {
    if (skip) return;
    db = await create();
    // a 1 s aggregation window: the straggler's aggregated success reaches the audit log (and the advisor) within seconds
    server = await startServerProcess(storeArgs(db), { KEYWARD_AUDIT_AGGREGATE_WINDOW: '1s' });
    const prodEnv = (await json('environment', 'create', 'prod', '--stage', 'production')).id as string;
    devLkc = (await json('kafka', 'cluster', 'create', 'orders', '--cloud', 'aws', '--region', 'us-east-1')).id as string;
    prodLkc = (await json('kafka', 'cluster', 'create', 'orders-prod', '--cloud', 'aws', '--region', 'us-east-1', '--environment', prodEnv)).id as string;
    sa = (await json('iam', 'service-account', 'create', 'orders-app', '--description', 'Orders')).id as string;
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(skip)('advisor: grouped human output, JSON, runnable remediations and --fail-on exit codes', async () => {
    const clean = await kw('advisor', '--fail-on', 'low');
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toBe('');
    expect(clean.stderr).toContain('No findings');
    expect(await json('advisor')).toEqual([]);

    const busy = (await json('iam', 'service-account', 'create', 'busy-app', '--description', 'x')).id as string;
    const busyKeys: string[] = [];
    for (let i = 0; i < 3; i++) busyKeys.push((await newKey('--resource', devLkc, '--service-account', busy)).key);
    expect((await kw('advisor', '--fail-on', 'medium')).code).toBe(0);
    const low = await kw('advisor', '--fail-on', 'low');
    expect(low.code).toBe(1);
    expect(low.stderr).toContain('Error: 1 finding at or above low');
    expect(low.stdout).toMatch(/^LOW \(1\)\n\n {2}too-many-keys {2}/);
    const [finding] = await json('advisor');
    expect(finding).toMatchObject({ id: `too-many-keys:${busy}/${devLkc}`, rule: 'too-many-keys', severity: 'low', subject: `${busy}/${devLkc}` });
    expect(low.stdout).toContain(`    Fix: ${finding.remediation}`);
    // The remediation is a keyward command that runs as printed.
    const remediation = (finding.remediation as string).split(' ');
    expect(remediation[0]).toBe('keyward');
    const listed = await kw(...remediation.slice(1), '-o', 'json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).map((k: { key: string }) => k.key).sort()).toEqual([...busyKeys].sort());

    const mine = await newKey('--resource', prodLkc, '--description', 'admin in prod');
    const high = await kw('advisor', '--fail-on', 'high');
    expect(high.code).toBe(1);
    expect(high.stdout.indexOf('HIGH (1)')).toBe(0);
    expect(high.stdout.indexOf('LOW (1)')).toBeGreaterThan(high.stdout.indexOf(`user-key-in-production  ${mine.key}`));
    expect(high.stderr).toContain('2 findings: 1 high, 0 medium, 1 low.');
    expect((await kw('advisor')).code).toBe(0); // without --fail-on: a report, not a gate
    const usage = await kw('advisor', '--fail-on', 'urgent');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('invalid --fail-on "urgent": valid values are low, medium, high');
    expect((await kw('advisor', '--help')).stdout).toContain('failed-auth-spike (high)');

    for (const k of [...busyKeys, mine.key]) expect((await kw('api-key', 'delete', k, '--force')).code).toBe(0);
    expect((await kw('advisor', '--fail-on', 'low')).code).toBe(0);
  });

  it.skipIf(skip)('rotate: both keys work during the grace, last_used shows which one the client uses, the old key expires after it', async () => {
    const old = await newKey('--resource', devLkc, '--service-account', sa, '--description', 'orders producer');
    expect(await verify(old)).toBe('VALID'); // the client, before the rotation

    const result = await kw('api-key', 'rotate', old.key, '--grace', '12s', '-o', 'json');
    expect(result.code, result.stderr).toBe(0);
    const rotated = JSON.parse(result.stdout);
    expect(Object.keys(rotated).sort()).toEqual(['key', 'old_key_expires_at', 'replaces', 'secret']);
    expect(rotated.replaces).toBe(old.key);
    expect(rotated.secret).toMatch(SECRET);
    expect(result.stderr).toContain('Save the API key and secret. The secret is not retrievable later.');
    expect(result.stderr).toContain(`API key "${old.key}" keeps working until ${rotated.old_key_expires_at}`);
    const fresh: Key = { key: rotated.key, secret: rotated.secret };

    // During the grace both keys work; the old one once more (a straggler), the new one from now on.
    expect(await verify(old)).toBe('VALID');
    expect(await verify(fresh)).toBe('VALID');
    await sleep(1500); // last_used is flushed within a second

    // The straggler shows up in the advisor, from the audit log (its aggregated success is written once
    // its 1 s window has ended), while the old key still works.
    let findings: string[] = [];
    for (let i = 0; i < 20 && !findings.includes(`old-key-still-in-use:${old.key}`); i++) {
      if (i > 0) await sleep(250);
      findings = (await json('advisor')).map((f: { id: string }) => f.id);
    }
    expect(findings).toContain(`old-key-still-in-use:${old.key}`);

    const newView = await json('api-key', 'describe', fresh.key);
    const oldView = await json('api-key', 'describe', old.key);
    expect(newView).toMatchObject({ key: fresh.key, description: 'orders producer', owner: sa, resource_id: devLkc, replaces: old.key, replaced_by: null, status: 'ACTIVE', expires_at: null });
    expect(oldView).toMatchObject({ key: old.key, replaces: null, replaced_by: fresh.key, status: 'ACTIVE', expires_at: rotated.old_key_expires_at });
    // The new key's last use is after the rotation; the old key's (written at most once a minute) is from before it.
    expect(Date.parse(newView.last_used)).toBeGreaterThanOrEqual(Date.parse(newView.created.replace('Z', '.000Z')) - 1000);
    expect(Date.parse(oldView.last_used)).toBeLessThanOrEqual(Date.parse(newView.last_used));
    const human = await kw('api-key', 'describe', old.key);
    expect(human.stdout).toMatch(new RegExp(`Replaced By\\s*│ ${fresh.key}`));

    await sleep(Math.max(0, Date.parse(rotated.old_key_expires_at) - Date.now()) + 300);
    expect(await verify(old)).toBe('EXPIRED');
    expect(await verify(fresh)).toBe('VALID');
    const expired = await json('api-key', 'list', '--service-account', sa, '--status', 'expired');
    expect(expired.map((k: { key: string }) => k.key)).toEqual([old.key]);
    expect(expired[0].status).toBe('EXPIRED');
    expect((await json('advisor')).map((f: { id: string }) => f.id)).not.toContain(`old-key-still-in-use:${old.key}`);

    const again = await kw('api-key', 'rotate', old.key);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`Error: API key ${old.key} was already rotated: its replacement is ${fresh.key}`);
    const tooLong = await kw('api-key', 'rotate', fresh.key, '--grace', '8d');
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toContain('invalid --grace "8d": valid values are durations from 0 to 7d');
    const human2 = await kw('api-key', 'rotate', fresh.key, '--grace', '0');
    expect(human2.code, human2.stderr).toBe(0);
    expect(human2.stdout).toMatch(/API Key\s+│ [A-Z0-9]{16}/);
    expect(human2.stdout).toMatch(/API Secret\s+│ kw_/);
    expect(human2.stdout).toContain(`Replaces           │ ${fresh.key}`);
    expect(await verify(fresh)).toBe('EXPIRED');
  });

  it.skipIf(skip)('delete: the confirmation shows the last use and warns within 15 minutes; no TTY needs --force', async () => {
    const used = await newKey('--resource', devLkc, '--service-account', sa, '--description', 'busy');
    expect(await verify(used)).toBe('VALID');
    await sleep(1500);
    const refused = await kw('api-key', 'delete', used.key);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`API key "${used.key}" \\(busy\\) on ${devLkc}: last used \\d{4}-\\d{2}-\\d{2}T`));
    expect(refused.stderr).toContain(`WARNING: API key "${used.key}" was used 0 minute(s) ago; a client still depends on it.`);
    expect(refused.stderr).toContain('Error: Refusing to delete without confirmation: run on a terminal or pass --force');
    expect((await kw('api-key', 'describe', used.key)).code).toBe(0);

    const idle = await newKey('--resource', devLkc, '--service-account', sa);
    const idleRefused = await kw('api-key', 'delete', idle.key);
    expect(idleRefused.code).toBe(1);
    expect(idleRefused.stderr).toContain('(no description)');
    expect(idleRefused.stderr).toContain('last used never');
    expect(idleRefused.stderr).not.toContain('WARNING');

    // On a terminal (script(1) gives the CLI a pseudo-terminal) the question is asked after the warning.
    const tty = await new Promise<CliResult>((resolve) => {
      const child = spawn('script', ['-qec', `${process.execPath} ${CLI} api-key delete ${used.key}`, '/dev/null'], { env: server.env });
      let out = '';
      let answered = false;
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (!answered && out.includes('[y/N]')) {
          answered = true;
          child.stdin.write('y\n');
        }
      });
      const timer = setTimeout(() => child.kill(), 15_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? 1, stdout: out, stderr: '' });
      });
    });
    expect(tty.stdout).toContain(`WARNING: API key "${used.key}" was used 0 minute(s) ago`);
    expect(tty.stdout.indexOf('WARNING')).toBeLessThan(tty.stdout.indexOf(`Delete API key "${used.key}"? [y/N]`));
    expect(tty.stdout).toContain(`Deleted API key "${used.key}".`);
    expect(tty.code).toBe(0);
    expect((await kw('api-key', 'describe', used.key)).code).toBe(1);

    const forced = await kw('api-key', 'delete', idle.key, '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe(`Deleted API key "${idle.key}".\n`);
  });

  it.skipIf(skip)('disable, enable and expiry answer their own codes at once; expired keys are listed as such', async () => {
    const k = await newKey('--resource', devLkc, '--service-account', sa);
    expect((await kw('api-key', 'disable', k.key)).stdout).toBe(`Disabled API key "${k.key}".\n`);
    expect(await verify(k)).toBe('DISABLED');
    expect((await json('api-key', 'list', '--service-account', sa, '--status', 'disabled')).map((r: { key: string }) => r.key)).toContain(k.key);
    expect((await kw('api-key', 'enable', k.key)).code).toBe(0);
    expect(await verify(k)).toBe('VALID');

    const short = await newKey('--resource', devLkc, '--service-account', sa, '--expires-in', '4s');
    expect(await verify(short)).toBe('VALID');
    await sleep(4300);
    expect(await verify(short)).toBe('EXPIRED');
    const listed = await json('api-key', 'list', '--service-account', sa, '--status', 'expired');
    expect(listed.find((r: { key: string }) => r.key === short.key)).toMatchObject({ status: 'EXPIRED', expires_at: expect.any(String) });
    expect((await json('api-key', 'list', '--service-account', sa, '--status', 'active')).map((r: { key: string }) => r.key)).not.toContain(short.key);
  });

  it.skipIf(skip)('policy: describe, update, and each enforced policy refusing with what to do instead', async () => {
    const defaults = { max_key_lifetime: null, require_service_account_keys_in_production: false, max_keys_per_owner_resource: 10, unused_key_days: 90, rotation_days: 90 };
    expect(await json('policy', 'describe')).toEqual(defaults);
    const human = await kw('policy', 'describe');
    expect(human.stdout).toMatch(/Max Key Lifetime\s+│ none/);

    const updated = await kw('policy', 'update', '--max-key-lifetime', '30d', '--rotation-days', '60', '-o', 'json');
    expect(updated.code, updated.stderr).toBe(0);
    expect(JSON.parse(updated.stdout)).toEqual({ ...defaults, max_key_lifetime: '30d', rotation_days: 60 });
    expect(updated.stderr).toContain('Updated the organization policy.');
    const noExpiry = await kw('api-key', 'create', '--resource', devLkc, '--service-account', sa);
    expect(noExpiry.code).toBe(1);
    expect(noExpiry.stderr).toMatch(/^Error: Policy max_key_lifetime \(30d\) requires every new API key to expire within 30d, and this key has no expiry\. Pass --expires-in 30d or less/);
    expect((await kw('api-key', 'create', '--resource', devLkc, '--service-account', sa, '--expires-in', '31d')).code).toBe(1);
    expect((await newKey('--resource', devLkc, '--service-account', sa, '--expires-in', '30d')).key).toMatch(/^[A-Z0-9]{16}$/);
    expect((await json('policy', 'update', '--max-key-lifetime', 'none')).max_key_lifetime).toBeNull();

    expect((await json('policy', 'update', '--require-service-account-keys-in-production')).require_service_account_keys_in_production).toBe(true);
    const userProd = await kw('api-key', 'create', '--resource', prodLkc);
    expect(userProd.code).toBe(1);
    expect(userProd.stderr).toContain('Policy require_service_account_keys_in_production refuses user-owned API keys on production resources');
    expect(userProd.stderr).toContain(`keyward api-key create --resource ${prodLkc} --service-account <SA_ID>`);
    const saProd = await newKey('--resource', prodLkc, '--service-account', sa);
    expect(await verify(saProd)).toBe('VALID');
    expect((await json('policy', 'update', '--no-require-service-account-keys-in-production')).require_service_account_keys_in_production).toBe(false);

    const quotaSa = (await json('iam', 'service-account', 'create', 'quota-app', '--description', 'q')).id as string;
    expect((await json('policy', 'update', '--max-keys-per-owner-resource', '1')).max_keys_per_owner_resource).toBe(1);
    await newKey('--resource', devLkc, '--service-account', quotaSa);
    const quota = await kw('api-key', 'create', '--resource', devLkc, '--service-account', quotaSa);
    expect(quota.code).toBe(1);
    expect(quota.stderr).toContain(`Policy max_keys_per_owner_resource allows 1 API keys per owner and resource, and service account ${quotaSa} already has 1 on ${devLkc}`);
    expect(quota.stderr).toContain('keyward policy update --max-keys-per-owner-resource 2');

    expect((await kw('policy', 'update')).code).toBe(2);
    expect((await kw('policy', 'update', '--unused-key-days', 'soon')).code).toBe(2);
    expect((await kw('policy', 'update', '--max-key-lifetime', 'forever')).code).toBe(2);
    expect(await json('policy', 'update', '--max-keys-per-owner-resource', '10', '--rotation-days', '90')).toEqual(defaults);
  });

  describe('scan', () => {
    let tree: string;
    let leaked: Key;
    let stranger: string;

    beforeAll(async () => {
      if (skip) return;
      leaked = await newKey('--resource', devLkc, '--service-account', sa, '--description', 'committed by mistake');
      stranger = generateSecret(); // well-formed, but no key of this server
      const broken = leaked.secret.slice(0, -1) + (leaked.secret.endsWith('0') ? '1' : '0');
      tree = tempDir('keyward-scan-');
      mkdirSync(join(tree, 'app'));
      mkdirSync(join(tree, 'ignored'));
      writeFileSync(join(tree, '.gitignore'), 'ignored/\n*.log\n');
      writeFileSync(join(tree, 'app', '.env'), `KAFKA_BOOTSTRAP=broker:9092\nKEYWARD_API_SECRET=${leaked.secret}\n`);
      writeFileSync(join(tree, 'app', 'config.yaml'), `a: 1\nb: 2\nc: 3\nd: 4\nsecret: "${stranger}"\n`);
      writeFileSync(join(tree, 'app', 'lookalike.txt'), `checksum broken: ${broken}\nembedded: x${leaked.secret}\n`);
      writeFileSync(join(tree, 'app', 'blob.bin'), Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(leaked.secret)]));
      writeFileSync(join(tree, 'ignored', 'secret.txt'), leaked.secret);
      writeFileSync(join(tree, 'debug.log'), leaked.secret);
    });

    it.skipIf(skip)('finds real secrets by prefix and checksum, names their keys, skips look-alikes, binaries and ignored files, exits 1', async () => {
      const result = await kw('scan', tree, '-o', 'json');
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout)).toEqual([
        { path: join(tree, 'app', '.env'), line: 2, key: leaked.key, masked_secret: `${leaked.secret.slice(0, 7)}********${leaked.secret.slice(-4)}` },
        { path: join(tree, 'app', 'config.yaml'), line: 5, key: null, masked_secret: `${stranger.slice(0, 7)}********${stranger.slice(-4)}` },
      ]);
      expect(result.stderr).toContain('Found 2 keyward secrets in 2 files (scanned 4 files; skipped 2 ignored, 1 binary).');
      expect(result.stderr).toContain('Error: Found 2 keyward secrets');
      for (const output of [result.stdout, result.stderr]) {
        expect(output).not.toContain(leaked.secret);
        expect(output).not.toContain(stranger);
      }
      expect(await verify(leaked)).toBe('VALID'); // finding is not disabling

      const human = await kw('scan', tree);
      expect(human.code).toBe(1);
      expect(human.stdout).toMatch(new RegExp(`app/\\.env\\s+│ 2\\s+│ ${leaked.key}\\s+│ kw_`));
      expect(human.stdout).toMatch(/config\.yaml\s+│ 5\s+│ no such key\s+│ kw_/);

      // On a terminal (script(1) gives it one) a progress line is drawn on stderr, then cleared.
      const tty = await new Promise<string>((resolve) => {
        const child = spawn('script', ['-qec', `${process.execPath} ${CLI} scan ${tree}`, '/dev/null'], { env: server.env });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.on('exit', () => resolve(out));
      });
      expect(tty).toMatch(/\rScanning: \d+ files, \d+ secrets found: /);
      expect(tty).toContain('Found 2 keyward secrets in 2 files');
      expect(tty).not.toContain(leaked.secret);
    });

    it.skipIf(skip)('exits 0 on a clean tree, 2 on a missing path, and works offline without key ids', async () => {
      const clean = tempDir('keyward-clean-');
      writeFileSync(join(clean, 'README.md'), 'nothing to see: kw_short\n');
      const ok = await kw('scan', clean, '-o', 'json');
      expect(ok.code, ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout)).toEqual([]);
      expect(ok.stderr).toContain('Found 0 keyward secrets in 0 files (scanned 1 file).');

      const missing = await kw('scan', join(clean, 'nope'));
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain(`File or directory "${join(clean, 'nope')}" not found`);

      const offlineEnv = { PATH: process.env.PATH, KEYWARD_HOME: tempDir('keyward-offline-') };
      const offline = await runCli(['scan', tree, '-o', 'json'], offlineEnv);
      expect(offline.code).toBe(1);
      expect(JSON.parse(offline.stdout).map((r: { key: string | null }) => r.key)).toEqual([null, null]);
      expect(offline.stderr).toContain('Not logged in: the keys of the secrets found are not resolved (key is null)');
      const offlineDisable = await runCli(['scan', tree, '--disable'], offlineEnv);
      expect(offlineDisable.code).toBe(1);
      expect(offlineDisable.stderr).toContain('Error: Not logged in');
      expect(offlineDisable.stdout).toBe('');
    });

    it.skipIf(skip)('--disable disables the keys through /keyward/v1/leaks, which audits each one', async () => {
      const result = await kw('scan', tree, '--disable', '-o', 'json');
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout).map((r: { key: string | null }) => r.key)).toEqual([leaked.key, null]);
      expect(result.stderr).toContain(`Disabled API key ${leaked.key}.`);
      expect(result.stderr).toContain('1 secret match no key of this server.');
      expect(await verify(leaked)).toBe('DISABLED');
      expect((await json('api-key', 'describe', leaked.key)).status).toBe('DISABLED');

      const events = await json('audit-log', 'list', '--type', 'management', '--limit', '50');
      const leak = events.find((e: { data: { methodName: string } }) => e.data.methodName === 'keyward.ReportLeak');
      expect(leak.data.request).toMatchObject({ id: leaked.key, disabled: true, type: 'keyward_api_secret', source: 'keyward scan' });
      expect(leak.data.request.url).toMatch(/^file:\/\/.*\/app\/\.env#L2$/);
      expect(JSON.stringify(events)).not.toContain(leaked.secret);
    });
  });
});

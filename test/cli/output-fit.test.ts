import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CLI, runCli, startServerProcess, type CliResult, type ServerProcess } from '../helpers/cli.js';

const ESC = '\u001b';
const RFC3339_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const SCRIPT = ['/usr/bin/script', '/bin/script'].find((p) => existsSync(p));

/** Terminal cells of a line: every character these tables print (ASCII, box drawing, …) takes one. */
const cells = (line: string) => [...stripVTControlCharacters(line)].length;
const lines = (text: string) => text.split('\n').filter((l) => l !== '');

describe('human tables fit the terminal; machine output has one time format (real binary)', () => {
  let dataDir: string;
  let server: ServerProcess;
  let cluster: string;
  const keys: string[] = [];
  const kw = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { ...server.env, ...env });
  const ok = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> => {
    const result = await kw(args, env);
    expect(result.code, result.stderr).toBe(0);
    return result;
  };
  const json = async <T>(...args: string[]): Promise<T> => JSON.parse((await ok([...args, '-o', 'json'])).stdout) as T;

  /** The list commands of the issue, as `keyward …` argument lists. */
  const lists = () => [
    ['api-key', 'list'],
    ['iam', 'rbac', 'role-binding', 'list'],
    ['kafka', 'acl', 'list', '--cluster', cluster],
    ['iam', 'service-account', 'list'],
  ];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'keyward-fit-'));
    server = await startServerProcess(['--data-dir', dataDir]);
    const environment = (await json<Array<{ id: string }>>('environment', 'list'))[0]!.id;
    cluster = (await json<{ id: string }>('kafka', 'cluster', 'create', 'payments-production-eu-west-1', '--cloud', 'aws', '--region', 'eu-west-1')).id;
    const accounts: string[] = [];
    for (const [name, description] of [
      ['payments-reconciliation-nightly', 'Reads the orders and payments topics every night and writes the reconciliation report for the finance team'],
      ['orders-producer', 'orders producer'],
      ['fraud-detection-stream-processor', 'Consumes payments, scores each one for fraud and produces the flagged ones to the review topic'],
    ]) {
      accounts.push((await json<{ id: string }>('iam', 'service-account', 'create', name as string, '--description', description as string)).id);
    }
    for (const [account, description, extra] of [
      [accounts[0], 'Nightly reconciliation job reading orders and payments (production, owned by the payments team)', ['--expires-in', '6d']],
      [accounts[1], 'orders producer', []],
      [accounts[2], 'Fraud detection stream processor: consumes payments and produces flagged transactions for review', []],
      [accounts[2], 'Fraud detection, the key it moves to at the next rotation', []],
    ] as Array<[string, string, string[]]>) {
      keys.push((await json<{ key: string }>('api-key', 'create', '--service-account', account, '--resource', cluster, '--description', description, ...extra)).key);
    }
    await ok(['api-key', 'disable', keys[3]!]);
    for (const [account, role, resource] of [
      [accounts[0], 'DeveloperRead', 'Topic:orders'],
      [accounts[0], 'DeveloperRead', 'Topic:payments'],
      [accounts[2], 'DeveloperWrite', 'Topic:fraud-review-queue-for-the-payments-team'],
    ]) {
      await ok(['iam', 'rbac', 'role-binding', 'create', '--principal', `User:${account}`, '--role', role as string, '--environment', environment, '--kafka-cluster', cluster, '--resource', resource as string]);
    }
    await ok(['kafka', 'acl', 'create', '--allow', '--service-account', accounts[0]!, '--operations', 'read,describe', '--topic', 'orders', '--cluster', cluster]);
    await ok(['kafka', 'acl', 'create', '--deny', '--service-account', accounts[2]!, '--operations', 'read', '--consumer-group', 'payments-reconciliation-nightly-consumers', '--prefix', '--cluster', cluster]);
  });
  afterAll(async () => {
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints every line of every list within COLUMNS=80 and COLUMNS=120', async () => {
    for (const width of [80, 120]) {
      for (const args of lists()) {
        const { stdout } = await ok(args, { COLUMNS: String(width) });
        expect(lines(stdout).length, args.join(' ')).toBeGreaterThan(3);
        for (const line of lines(stdout)) expect(cells(line), `${args.join(' ')} at ${width}: ${line}`).toBeLessThanOrEqual(width);
      }
    }
  });

  it('keeps the key whole and the most important columns at 80, shortening long texts with …', async () => {
    const { stdout } = await ok(['api-key', 'list'], { COLUMNS: '80' });
    const header = lines(stdout)[1]!.split('│').map((c) => c.trim()).filter(Boolean);
    expect(header[0]).toBe('Key');
    expect(header).toContain('Status');
    expect(header).not.toContain('Resource Type');
    for (const key of keys) expect(stdout).toContain(key);
    expect(stdout).toContain('…');
    expect(stdout).toMatch(/DISABLED/);
    // the wider terminal shows more of the same table
    const wider = await ok(['api-key', 'list'], { COLUMNS: '120' });
    expect(lines(wider.stdout)[1]!.split('│').filter((c) => c.trim()).length).toBeGreaterThan(header.length);
  });

  it('--wide shows every column in full', async () => {
    const { stdout } = await ok(['api-key', 'list', '--wide'], { COLUMNS: '80' });
    const header = lines(stdout)[1]!.split('│').map((c) => c.trim()).filter(Boolean);
    expect(header).toEqual(['Key', 'Description', 'Owner', 'Owner Email', 'Resource Type', 'Resource', 'Created', 'Last Used', 'Last 24h', 'Status']);
    expect(stdout).toContain('Nightly reconciliation job reading orders and payments (production, owned by the payments team)');
    expect(stdout).not.toContain('…');
    const bindings = await ok(['iam', 'rbac', 'role-binding', 'list', '--wide'], { COLUMNS: '80' });
    expect(bindings.stdout).toMatch(/crn:\/\/keyward\/organization=[0-9a-f-]{36}\/environment=env-/);
  });

  it('--no-headers prints bare rows without borders, for grep and awk', async () => {
    for (const args of lists()) {
      const { stdout } = await ok([...args, '--no-headers'], { COLUMNS: '80' });
      expect(stdout).not.toMatch(/[│┌└─]/);
      expect(stdout).not.toMatch(/\b(Key|ID|Principal)\b/);
      for (const line of lines(stdout)) expect(cells(line)).toBeLessThanOrEqual(80);
    }
    const { stdout } = await ok(['api-key', 'list', '--no-headers'], { COLUMNS: '80' });
    expect(lines(stdout).map((l) => l.split(/\s+/)[0])).toEqual(expect.arrayContaining(keys));
    expect(lines(stdout).find((l) => l.startsWith(keys[3]!))).toMatch(/DISABLED$/);
  });

  it('shows times relative in lists and absolute (with the relative one) in describe', async () => {
    const list = await ok(['api-key', 'list', '--wide']);
    expect(list.stdout).toMatch(/just now|\d+ min ago/);
    expect(list.stdout).toMatch(/never/);
    const describe = await ok(['api-key', 'describe', keys[0]!]);
    expect(describe.stdout).toMatch(/Created\s+│ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \((just now|\d+ min ago)\)/);
    expect(describe.stdout).toMatch(/Expires At\s+│ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in (6|5) days\)/);
  });

  it('prints no colour when stdout is not a terminal, with NO_COLOR or with --no-color', async () => {
    for (const args of lists()) {
      expect((await ok(args)).stdout).not.toContain(ESC);
      expect((await ok(args, { NO_COLOR: '1' })).stdout).not.toContain(ESC);
      expect((await ok([...args, '--no-color'])).stdout).not.toContain(ESC);
    }
  });

  it.skipIf(!SCRIPT)('colours statuses on a terminal, unless NO_COLOR or --no-color', async () => {
    const onPty = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      new Promise<string>((resolve, reject) => {
        const command = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ');
        execFile(SCRIPT as string, ['-qec', command, '/dev/null'], { env: { ...server.env, COLUMNS: '120', ...env }, timeout: 20_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
      });
    const coloured = await onPty(['api-key', 'list']);
    expect(coloured).toContain(`${ESC}[32mACTIVE${ESC}[39m`);
    expect(coloured).toContain(`${ESC}[31mDISABLED${ESC}[39m`);
    for (const line of lines(coloured.replace(/\r/g, ''))) expect(cells(line)).toBeLessThanOrEqual(120);
    expect(await onPty(['kafka', 'acl', 'list', '--cluster', cluster])).toContain(`${ESC}[31mDENY${ESC}[39m`);
    expect(await onPty(['api-key', 'list'], { NO_COLOR: '1' })).not.toContain(ESC);
    expect(await onPty(['--no-color', 'api-key', 'list'])).not.toContain(ESC);
  });

  it('writes every time in JSON and YAML as RFC 3339 UTC to the second', async () => {
    const listed = await json<Array<{ created: string; last_used: string | null; expires_at: string | null }>>('api-key', 'list');
    const times = listed.flatMap((k) => [k.created, k.last_used, k.expires_at]).filter((t): t is string => t !== null);
    expect(times.length).toBeGreaterThan(listed.length);
    for (const t of times) expect(t).toMatch(RFC3339_SECONDS);
    const described = await json<Record<string, unknown>>('api-key', 'describe', keys[3]!);
    for (const field of ['created', 'expires_at', 'disabled_at']) if (described[field] != null) expect(described[field]).toMatch(RFC3339_SECONDS);
    const yaml = parseYaml((await ok(['api-key', 'list', '-o', 'yaml'])).stdout) as Array<{ created: string }>;
    for (const k of yaml) expect(k.created).toMatch(RFC3339_SECONDS);
    const rotated = await json<{ old_key_expires_at: string }>('api-key', 'rotate', keys[1]!, '--grace', '1h');
    expect(rotated.old_key_expires_at).toMatch(RFC3339_SECONDS);
    const usage = await json<{ since: string; until: string; series: Array<{ time: string }> }>('api-key', 'usage', keys[0]!);
    for (const t of [usage.since, usage.until, ...usage.series.map((s) => s.time)]) expect(t).toMatch(RFC3339_SECONDS);
  });
});

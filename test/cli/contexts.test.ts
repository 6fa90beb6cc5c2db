import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteDir, type TestDatabase } from '../helpers/databases.js';
import { runCli, startServerProcess, type ServerProcess } from '../helpers/cli.js';
import { ShellCompletion } from '../helpers/shell-completion.js';
import type { ContextRow } from '../../src/cli/commands/context.js';

/** The `default` environment a server created at bootstrap (its start-up notice names it). */
const defaultEnvironment = (server: ServerProcess) => /Environment:\s+(env-[a-z0-9]{6}) \(default\)/.exec(server.stderr())?.[1] as string;
const hostPort = (server: ServerProcess) => new URL(server.url).host;


describe('contexts: several saved servers, the current one marked and used', () => {
  const dbs: TestDatabase[] = [];
  let a: ServerProcess;
  let b: ServerProcess;
  let home: string;
  const env = () => ({ KEYWARD_HOME: home });
  const cli = (...args: string[]) => runCli(args, env());
  const json = async <T>(...args: string[]): Promise<T> => {
    const out = await cli(...args, '-o', 'json');
    expect(out.code, out.stderr).toBe(0);
    return JSON.parse(out.stdout) as T;
  };
  const login = (server: ServerProcess, ...extra: string[]) => runCli(['login', '--url', server.url, '--api-key', server.key, '--secret-stdin', ...extra], env(), `${server.secret}\n`);
  const file = () => JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'));

  beforeAll(async () => {
    dbs.push(await createSqliteDir(), await createSqliteDir());
    const start = (db: TestDatabase) => startServerProcess(['--data-dir', db.options.dataDir as string]);
    [a, b] = await Promise.all([start(dbs[0] as TestDatabase), start(dbs[1] as TestDatabase)]);
    home = mkdtempSync(join(tmpdir(), 'keyward-contexts-'));
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await Promise.all(dbs.map((db) => db.drop()));
    rmSync(home, { recursive: true, force: true });
  });

  it('server start saved the bootstrap key as a context named after the server, made current', () => {
    const saved = JSON.parse(readFileSync(join(a.home, 'config.json'), 'utf8'));
    expect(saved).toEqual({
      current_context: hostPort(a),
      contexts: { [hostPort(a)]: { url: a.url, api_key: a.key, api_secret: a.secret, environment: defaultEnvironment(a) } },
    });
  });

  it('login --context saves each server under its name and makes it current; list marks the current one', async () => {
    expect((await login(a, '--context', 'a')).code).toBe(0);
    const out = await login(b, '--context', 'b');
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toContain('Context "b" saved');
    expect(statSync(join(home, 'config.json')).mode & 0o777).toBe(0o600);

    expect(await json<ContextRow[]>('context', 'list')).toEqual([
      { name: 'a', current: false, url: a.url, api_key: a.key, environment: null },
      { name: 'b', current: true, url: b.url, api_key: b.key, environment: null },
    ]);
    const human = await cli('context', 'list');
    expect(human.code).toBe(0);
    const rowOf = (name: string) => human.stdout.split('\n').find((line) => line.includes(` ${name} `)) ?? '';
    expect(rowOf('b')).toContain('*');
    expect(rowOf('a')).not.toContain('*');
    expect(human.stdout).not.toContain(a.secret);
    expect(human.stdout).not.toContain(b.secret);
  });

  it('context use switches which server answers', async () => {
    const ids = async () => (await json<Array<{ id: string }>>('environment', 'list')).map((e) => e.id);
    expect(await ids()).toEqual([defaultEnvironment(b)]);
    const used = await cli('context', 'use', 'a');
    expect(used.code, used.stderr).toBe(0);
    expect(used.stderr).toContain(`Now using context "a" (${a.url})`);
    expect(await ids()).toEqual([defaultEnvironment(a)]);
    expect(file().current_context).toBe('a');
  });

  it('KEYWARD_URL, KEYWARD_API_KEY and KEYWARD_API_SECRET still override the current context', async () => {
    const out = await runCli(['environment', 'list', '-o', 'json'], { ...env(), KEYWARD_URL: b.url, KEYWARD_API_KEY: b.key, KEYWARD_API_SECRET: b.secret });
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout).map((e: { id: string }) => e.id)).toEqual([defaultEnvironment(b)]);
  });

  it("environment use sets the current context's environment only", async () => {
    expect((await cli('environment', 'use', defaultEnvironment(a))).code).toBe(0);
    const rows = await json<ContextRow[]>('context', 'list');
    expect(rows.find((r) => r.name === 'a')?.environment).toBe(defaultEnvironment(a));
    expect(rows.find((r) => r.name === 'b')?.environment).toBeNull();
  });

  it('context describe shows the current context (or a named one) with the secret masked', async () => {
    const current = await json<ContextRow & { api_secret: string }>('context', 'describe');
    expect(current).toEqual({ name: 'a', current: true, url: a.url, api_key: a.key, api_secret: `${a.secret.slice(0, 7)}********${a.secret.slice(-4)}`, environment: defaultEnvironment(a) });
    const named = await cli('context', 'describe', 'b');
    expect(named.code).toBe(0);
    expect(named.stdout).toContain(b.url);
    expect(named.stdout).not.toContain(b.secret);
    expect(readFileSync(join(home, 'config.json'), 'utf8')).toContain(b.secret);
  });

  it('an unknown context name exits 1 naming it and the saved contexts', async () => {
    for (const verb of ['use', 'describe', 'delete']) {
      const out = await cli('context', verb, 'nope');
      expect(out.code, verb).toBe(1);
      expect(out.stderr).toContain('Context "nope" not found; saved contexts: a, b');
    }
    expect(file().current_context).toBe('a');
  });

  it('login without --context names the context after the URL host and port', async () => {
    expect((await login(b)).code).toBe(0);
    expect(file().current_context).toBe(hostPort(b));
    expect((await json<ContextRow[]>('context', 'list')).map((r) => r.name)).toEqual(['a', 'b', hostPort(b)]);
  });

  it('context delete asks (refusing without a terminal), deletes with --force, and leaves no current context when it was current', async () => {
    const refused = await cli('context', 'delete', hostPort(b));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--force');
    const deleted = await cli('context', 'delete', hostPort(b), '--force');
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain(`Deleted context "${hostPort(b)}".`);
    expect(file().current_context).toBeUndefined();
    const none = await cli('environment', 'list');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('No current context: run keyward context use NAME (saved contexts: a, b)');
    expect((await cli('context', 'use', 'b')).code).toBe(0);
  });

  it("logout forgets the current context's credentials and leaves the others working", async () => {
    const out = await cli('logout');
    expect(out.code).toBe(0);
    expect(out.stderr).toContain('Logged out of context "b".');
    expect(file().contexts.b).toEqual({ url: b.url });
    expect((await cli('environment', 'list')).code).toBe(1);
    expect((await cli('context', 'use', 'a')).code).toBe(0);
    expect((await cli('environment', 'list')).code).toBe(0);
  });

  it('completion offers the saved context names and the current server ids', async () => {
    const shells = new ShellCompletion(env());
    try {
      expect((await shells.bash('keyward context use ')).sort()).toEqual(['a', 'b']);
      expect(await shells.bash(`keyward environment describe env-`)).toEqual([defaultEnvironment(a)]);
      expect(await shells.zsh('keyward api-key list --environment ')).toEqual([defaultEnvironment(a)]);
      expect(await shells.fish('keyward api-key describe ')).toEqual([a.key]);
    } finally {
      shells.cleanup();
    }
  });

  it('reads the single-context config.json of earlier versions as the current context "default", and writes contexts on the next change', async () => {
    const legacyHome = mkdtempSync(join(tmpdir(), 'keyward-contexts-legacy-'));
    const legacy = { KEYWARD_HOME: legacyHome };
    try {
      writeFileSync(join(legacyHome, 'config.json'), JSON.stringify({ url: a.url, api_key: a.key, api_secret: a.secret }), { mode: 0o600 });
      const listed = await runCli(['context', 'list', '-o', 'json'], legacy);
      expect(JSON.parse(listed.stdout)).toEqual([{ name: 'default', current: true, url: a.url, api_key: a.key, environment: null }]);
      const environments = await runCli(['environment', 'list', '-o', 'json'], legacy);
      expect(environments.code, environments.stderr).toBe(0);
      expect(JSON.parse(environments.stdout).map((e: { id: string }) => e.id)).toEqual([defaultEnvironment(a)]);

      expect((await runCli(['environment', 'use', defaultEnvironment(a)], legacy)).code).toBe(0);
      expect(JSON.parse(readFileSync(join(legacyHome, 'config.json'), 'utf8'))).toEqual({
        current_context: 'default',
        contexts: { default: { url: a.url, api_key: a.key, api_secret: a.secret, environment: defaultEnvironment(a) } },
      });
    } finally {
      rmSync(legacyHome, { recursive: true, force: true });
    }
  });
});

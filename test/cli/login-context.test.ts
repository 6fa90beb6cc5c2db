import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteDir, type TestDatabase } from '../helpers/databases.js';
import { runCli, startServerProcess, type ServerProcess } from '../helpers/cli.js';

describe('login, logout, the saved context and the KEYWARD_* overrides', () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let home: string;
  const env = () => ({ KEYWARD_HOME: home });

  beforeAll(async () => {
    db = await createSqliteDir();
    server = await startServerProcess(['--data-dir', db.options.dataDir as string]);
    home = mkdtempSync(join(tmpdir(), 'keyward-login-'));
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
    rmSync(home, { recursive: true, force: true });
  });

  it('refuses commands before login, with a hint', async () => {
    const out = await runCli(['api-key', 'list'], env());
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('Not logged in: run keyward login --url URL');
  });

  it('logs in with the secret on stdin, checks it, and saves a 0600 context', async () => {
    const bad = await runCli(['login', '--url', server.url, '--api-key', server.key, '--secret-stdin'], env(), 'kw_not-the-secret\n');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Invalid API key or secret');
    expect(() => statSync(join(home, 'config.json'))).toThrow();

    const ok = await runCli(['login', '--url', server.url, '--api-key', server.key, '--secret-stdin'], env(), `${server.secret}\n`);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/Logged in to .* as User:u-[a-z0-9]{6}/);
    expect(ok.stderr).not.toContain(server.secret);
    const path = join(home, 'config.json');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const name = new URL(server.url).host;
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ current_context: name, contexts: { [name]: { url: server.url, api_key: server.key } } });
    expect((await runCli(['iam', 'user', 'list', '-o', 'json'], env())).code).toBe(0);
  });

  it('never takes a secret from a flag', async () => {
    const out = await runCli(['login', '--url', server.url, '--api-key', server.key, '--api-secret', server.secret], env());
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("unknown option '--api-secret'");
  });

  it('takes the secret from KEYWARD_API_SECRET, and the environment overrides the saved context', async () => {
    const viaEnv = await runCli(['login', '--url', server.url, '--api-key', server.key], { ...env(), KEYWARD_API_SECRET: server.secret });
    expect(viaEnv.code).toBe(0);
    // another server's URL takes nothing from the saved context: its key and secret stay with their server
    const otherServer = await runCli(['iam', 'user', 'list'], { ...env(), KEYWARD_URL: 'http://127.0.0.1:9' });
    expect(otherServer.code).toBe(1);
    expect(otherServer.stderr).toContain(`No API key for http://127.0.0.1:9: the saved context is for ${server.url}`);
    const overridden = await runCli(['iam', 'user', 'list'], { ...env(), KEYWARD_URL: 'http://127.0.0.1:9', KEYWARD_API_KEY: server.key, KEYWARD_API_SECRET: server.secret });
    expect(overridden.code).toBe(1);
    expect(overridden.stderr).toContain('Cannot reach the keyward server at http://127.0.0.1:9');
    // the saved server's own URL, spelled with a trailing slash, is the same server
    const sameServer = await runCli(['iam', 'user', 'list', '-o', 'json'], { ...env(), KEYWARD_URL: `${server.url}/` });
    expect(sameServer.code, sameServer.stderr).toBe(0);
    const wrongSecret = await runCli(['iam', 'user', 'list'], { ...env(), KEYWARD_API_SECRET: 'kw_wrong' });
    expect(wrongSecret.code).toBe(1);
  });

  it('environment use sets the current environment for later commands', async () => {
    const created = JSON.parse((await runCli(['environment', 'create', 'prod', '--stage', 'production', '-o', 'json'], env())).stdout);
    expect(created).toMatchObject({ name: 'prod', stage: 'production', is_current: false });
    expect((await runCli(['environment', 'use', created.id], env())).code).toBe(0);
    const listed = JSON.parse((await runCli(['environment', 'list', '-o', 'json'], env())).stdout);
    expect(listed.find((e: { id: string }) => e.id === created.id).is_current).toBe(true);
    const cluster = JSON.parse((await runCli(['kafka', 'cluster', 'create', 'c', '--cloud', 'gcp', '--region', 'europe-west1', '-o', 'json'], env())).stdout);
    expect(cluster.environment).toBe(created.id);
    const unknown = await runCli(['environment', 'use', 'env-zzzzzz'], env());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Environment "env-zzzzzz" not found');
    const yaml = await runCli(['environment', 'describe', created.id, '-o', 'yaml'], env());
    expect(yaml.stdout).toContain(`id: ${created.id}`);
  });

  it('logs out, keeping the URL but forgetting the key and secret', async () => {
    const out = await runCli(['logout'], env());
    expect(out.code).toBe(0);
    const saved = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'));
    expect(saved.contexts[saved.current_context]).toEqual({ url: server.url, environment: expect.stringMatching(/^env-/) });
    expect((await runCli(['api-key', 'list'], env())).code).toBe(1);
  });
});

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../helpers/databases.js';
import { CLI, runCli } from '../helpers/cli.js';
import { basic, call, freePort, spawnServer, type Instance } from './database-support.js';

/**
 * Operational safety (issue 8): the first `server start` on a busy port must not bootstrap the store
 * (its admin secret would be lost with the failed listen), and `server backup` writes the whole
 * store to a file only its owner can read, never over an existing file.
 */

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.skip)(`first start on a busy port (${dialect.name})`, () => {
    let db: TestDatabase | undefined;
    let home: string | undefined;
    let blocker: Server | undefined;
    let server: Instance | undefined;

    afterEach(async () => {
      await server?.stop();
      await new Promise<void>((r) => (blocker ? blocker.close(() => r()) : r()));
      if (home) rmSync(home, { recursive: true, force: true });
      await db?.drop();
    });

    it('fails clearly, leaves the store uninitialized, and the next start on a free port shows the admin key', async () => {
      db = await dialect.create();
      home = mkdtempSync(join(tmpdir(), 'keyward-home-'));
      const storeArgs = db.dialect === 'sqlite' ? ['--data-dir', db.options.dataDir as string] : ['--database-url', db.options.databaseUrl as string];
      const port = await freePort();
      blocker = createServer();
      await new Promise<void>((r) => blocker?.listen(port, '127.0.0.1', () => r()));

      const busy = await runCli(['server', 'start', '--port', String(port), ...storeArgs], { KEYWARD_HOME: home });
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(busy.stderr).not.toMatch(/API secret|kw_/);
      // Nothing was initialized: `server init` still works on this store.
      server = await spawnServer(storeArgs, home);
      const key = /API key:\s+([A-Z0-9]{16})/.exec(server.output())?.[1];
      const secret = /API secret:\s+(kw_[0-9A-Za-z]+)/.exec(server.output())?.[1];
      expect(key, server.output()).toBeDefined();
      expect(server.output()).toContain('keyward initialized a new store.');
      const whoami = await call(`${server.url}/keyward/v1/whoami`, 'GET', undefined, basic(key as string, secret as string));
      expect(whoami.status).toBe(200);
      expect((whoami.body as { roles: string[] }).roles).toEqual(['OrganizationAdmin']);
    }, 60_000);
  });
}

describe('server backup', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the CLI under `umask 000`, where a file created with default permissions is world-readable. */
  function backupUnderOpenUmask(args: string[], home: string): Promise<{ code: number; stderr: string }> {
    return new Promise((resolveRun) => {
      execFile('sh', ['-c', 'umask 000; exec "$0" "$@"', process.execPath, CLI, ...args], { env: { PATH: process.env.PATH, KEYWARD_HOME: home }, timeout: 20_000 }, (error, _stdout, stderr) =>
        resolveRun({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr }),
      );
    });
  }

  it('creates the backup mode 0600, refuses to overwrite, and the backup is the whole store', async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyward-backup-'));
    const data = join(dir, 'data');
    const home = join(dir, 'home');
    const init = await runCli(['server', 'init', '--data-dir', data, '-o', 'json'], { KEYWARD_HOME: home });
    expect(init.code, init.stderr).toBe(0);
    const admin = JSON.parse(init.stdout) as { key: string };

    const out = join(dir, 'backup.db');
    const first = await backupUnderOpenUmask(['server', 'backup', '--data-dir', data, '--out', out], home);
    expect(first.code, first.stderr).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(existsSync(`${out}-journal`)).toBe(false);

    // What a backup holds: key hashes, signing keys, the audit log (docs/security.md).
    const copy = new SQLite(out, { readonly: true });
    try {
      expect((copy.prepare('select id from api_keys').all() as Array<{ id: string }>).map((r) => r.id)).toContain(admin.key);
      expect((copy.prepare('select count(*) as n from audit_events').get() as { n: number }).n).toBeGreaterThan(0);
    } finally {
      copy.close();
    }

    const before = readFileSync(out);
    const again = await backupUnderOpenUmask(['server', 'backup', '--data-dir', data, '--out', out], home);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
    expect(readFileSync(out).equals(before)).toBe(true);
  }, 30_000);
});

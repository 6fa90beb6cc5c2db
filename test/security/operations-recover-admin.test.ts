import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../helpers/databases.js';
import { runCli } from '../helpers/cli.js';
import { basic, call, spawnServer, type Instance } from './database-support.js';

/**
 * Break-glass (issue 8): `keyward server recover-admin` gives an operator with access to the store a
 * new OrganizationAdmin cloud key even when every administrator was locked out (binding removed,
 * user disabled, keys disabled), audited as iam.RecoverAdmin, through the real binary.
 */

async function sqlOn(db: TestDatabase, statements: string[]): Promise<void> {
  if (db.dialect === 'sqlite') {
    const sqlite = new SQLite(join(db.options.dataDir as string, 'keyward.db'));
    try {
      for (const s of statements) sqlite.exec(s);
    } finally {
      sqlite.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: db.options.databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for (const s of statements) await client.query(s);
  } finally {
    await client.end();
  }
}

/** Locks every administrator out, as a mishap outside keyward (or an expired key) would. */
const LOCK_OUT = ["delete from role_bindings where role_name = 'OrganizationAdmin'", "update users set status = 'DISABLED'", "update api_keys set status = 'DISABLED'"];

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.skip)(`server recover-admin (${dialect.name})`, () => {
    let db: TestDatabase | undefined;
    let home: string | undefined;
    let server: Instance | undefined;
    const storeArgs = () => (db?.dialect === 'sqlite' ? ['--data-dir', db.options.dataDir as string] : ['--database-url', db?.options.databaseUrl as string]);

    afterEach(async () => {
      await server?.stop();
      server = undefined;
      if (home) rmSync(home, { recursive: true, force: true });
      await db?.drop();
    });

    it('restores an enabled OrganizationAdmin with a usable cloud key, shown once and audited', async () => {
      db = await dialect.create();
      home = mkdtempSync(join(tmpdir(), 'keyward-home-'));
      const env = { KEYWARD_HOME: home };
      const init = await runCli(['server', 'init', ...storeArgs(), '-o', 'json'], env);
      expect(init.code, init.stderr).toBe(0);
      const admin = JSON.parse(init.stdout) as { key: string; secret: string; user: string };

      server = await spawnServer(storeArgs(), home);
      if (dialect.name === 'sqlite') {
        // A running SQLite server holds the store: recovery says so and changes nothing.
        const refused = await runCli(['server', 'recover-admin', ...storeArgs(), '-o', 'json'], env);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(/in use by another keyward server \(pid \d+\).*Stop that server/);
        expect(refused.stdout).toBe('');
        await server.stop();
        server = undefined;
      }

      await sqlOn(db, LOCK_OUT);

      const recovered = await runCli(['server', 'recover-admin', ...storeArgs(), '-o', 'json'], env);
      expect(recovered.code, recovered.stderr).toBe(0);
      const result = JSON.parse(recovered.stdout) as Record<string, string>;
      expect(Object.keys(result).sort()).toEqual(['key', 'secret', 'user']);
      expect(result.key).toMatch(/^[A-Z0-9]{16}$/);
      expect(result.secret).toMatch(/^kw_/);
      expect(result.user).toBe(admin.user);
      expect(recovered.stderr).toContain('re-enabled the user');
      expect(recovered.stderr).toContain('re-bound OrganizationAdmin');
      expect(recovered.stderr).not.toContain(result.secret as string);

      // On PostgreSQL the server kept running and takes the new key at once; on SQLite it starts now.
      server ??= await spawnServer(storeArgs(), home);
      const auth = basic(result.key as string, result.secret as string);
      const whoami = await call(`${server.url}/keyward/v1/whoami`, 'GET', undefined, auth);
      expect(whoami.status, JSON.stringify(whoami.body)).toBe(200);
      expect((whoami.body as { roles: string[] }).roles).toContain('OrganizationAdmin');
      // The old key stays disabled: recovery adds a key, it does not resurrect old ones.
      expect((await call(`${server.url}/keyward/v1/whoami`, 'GET', undefined, basic(admin.key, admin.secret))).status).toBe(401);
      // It can administer: create a service account.
      expect((await call(`${server.url}/iam/v2/service-accounts`, 'POST', { display_name: 'after-recovery', description: 'd' }, auth)).status).toBe(201);

      const events = await call(`${server.url}/keyward/v1/audit-events?type=management&limit=50`, 'GET', undefined, auth);
      expect(events.status).toBe(200);
      const recovery = (events.body as { data: Array<{ data: { methodName: string; authenticationInfo?: { principal?: string }; request?: unknown } }> }).data.find(
        (e) => e.data.methodName === 'iam.RecoverAdmin',
      );
      expect(recovery, JSON.stringify(events.body).slice(0, 500)).toBeDefined();
      expect(recovery?.data.authenticationInfo?.principal).toBe(`System:${userInfo().username}`);
      expect(JSON.stringify(recovery)).not.toContain(result.secret as string);
    }, 60_000);

    it('re-creates the administrator when the user was deleted', async () => {
      db = await dialect.create();
      home = mkdtempSync(join(tmpdir(), 'keyward-home-'));
      const env = { KEYWARD_HOME: home };
      const init = await runCli(['server', 'init', ...storeArgs(), '-o', 'json'], env);
      const admin = JSON.parse(init.stdout) as { user: string };
      await sqlOn(db, ["delete from role_bindings where role_name = 'OrganizationAdmin'", 'delete from api_keys', `delete from users where id = '${admin.user}'`]);
      const recovered = await runCli(['server', 'recover-admin', ...storeArgs(), '-o', 'json'], env);
      expect(recovered.code, recovered.stderr).toBe(0);
      const result = JSON.parse(recovered.stdout) as { key: string; secret: string; user: string };
      expect(result.user).not.toBe(admin.user);
      expect(recovered.stderr).toContain('re-created the user');
      server = await spawnServer(storeArgs(), home);
      const whoami = await call(`${server.url}/keyward/v1/whoami`, 'GET', undefined, basic(result.key, result.secret));
      expect(whoami.status).toBe(200);
      expect(whoami.body).toMatchObject({ id: result.user, roles: ['OrganizationAdmin'] });
    }, 60_000);

    it('refuses a store that was never initialized', async () => {
      db = await dialect.create();
      home = mkdtempSync(join(tmpdir(), 'keyward-home-'));
      const refused = await runCli(['server', 'recover-admin', ...storeArgs(), '-o', 'json'], { KEYWARD_HOME: home });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/not initialized/);
    }, 30_000);
  });
}

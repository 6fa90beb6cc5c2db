import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DIALECTS, type TestDatabase } from '../helpers/databases.js';
import { migrateToLatest, openStore, type Store } from '../../src/store/connect.js';
import { createRuntime } from '../../src/server/runtime.js';
import { migrationProvider } from '../../src/store/migrations/index.js';

/** Every migration the code ships, in order; the first is the foundation's. */
const MIGRATIONS = Object.keys(await migrationProvider.getMigrations()).sort();

const TABLES = ['acls', 'api_keys', 'audit_events', 'clusters', 'environments', 'organizations', 'role_bindings', 'service_accounts', 'settings', 'signing_keys', 'users'];

async function ourTables(store: Store): Promise<string[]> {
  // Catalog queries limited to this store (Kysely's introspection reads every schema of the database).
  if (store.dialect === 'sqlite') {
    const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(store.db);
    return rows.map((r) => r.name).sort();
  }
  const { rows } = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(store.db);
  return rows.map((r) => r.name).sort();
}

async function migrationsRun(store: Store): Promise<Array<{ name: string; timestamp: string }>> {
  const { rows } = await sql<{ name: string; timestamp: string }>`select name, timestamp from kysely_migration order by name`.execute(store.db);
  return rows;
}

describe.each(DIALECTS)('migrations on $name', ({ skip, create }) => {
  const databases: TestDatabase[] = [];
  const fresh = async () => {
    const db = await create();
    databases.push(db);
    return db;
  };
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });

  it.skipIf(skip)('migrates a fresh store to the latest version, and a second run is a no-op', async () => {
    const store = await openStore((await fresh()).options);
    try {
      expect(await ourTables(store)).toEqual([]);
      await migrateToLatest(store.db);
      expect(await ourTables(store)).toEqual(expect.arrayContaining(TABLES));
      const applied = await migrationsRun(store);
      expect(MIGRATIONS[0]).toBe('0001_initial');
      expect(applied.map((m) => m.name)).toEqual(MIGRATIONS);

      await store.db.insertInto('settings').values({ name: 'probe', value: 'kept', updated_at: '2026-01-01T00:00:00.000Z' }).execute();
      await migrateToLatest(store.db);
      // nothing ran again: the one migration keeps its first timestamp and the data is untouched
      expect(await migrationsRun(store)).toEqual(applied);
      expect(await store.db.selectFrom('settings').select('value').where('name', '=', 'probe').executeTakeFirst()).toEqual({ value: 'kept' });
      expect(await ourTables(store)).toEqual(expect.arrayContaining(TABLES));
    } finally {
      await store.close();
    }
  });

  it.skipIf(skip)('migrates a second store in the same server while the first one exists', async () => {
    // On PostgreSQL both stores are schemas of one database; neither may mistake the other's
    // migration tables for its own.
    const first = await openStore((await fresh()).options);
    const second = await openStore((await fresh()).options);
    try {
      await migrateToLatest(first.db);
      await migrateToLatest(second.db);
      expect(await ourTables(second)).toEqual(expect.arrayContaining(TABLES));
      expect((await migrationsRun(second)).map((m) => m.name)).toEqual(MIGRATIONS);
      expect((await migrationsRun(first)).map((m) => m.name)).toEqual(MIGRATIONS);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it.skipIf(skip)('a runtime opens a migrated, initialized store again without bootstrapping twice', async () => {
    const db = await fresh();
    const one = await createRuntime({ ...db.options, publicUrl: 'http://keyward.test', bootstrap: true, lock: true });
    const admin = one.bootstrapped;
    expect(admin?.key).toMatch(/^[A-Z0-9]{16}$/);
    await one.close();
    const two = await createRuntime({ ...db.options, publicUrl: 'http://keyward.test', bootstrap: true, lock: true });
    try {
      expect(two.bootstrapped).toBeUndefined();
      expect(two.services.organizationId).toBe(admin?.organization);
      const users = await two.store.db.selectFrom('users').select('email').execute();
      expect(users).toEqual([{ email: 'admin@localhost' }]);
      const envs = await two.store.db.selectFrom('environments').select('name').execute();
      expect(envs).toEqual([{ name: 'default' }]);
    } finally {
      await two.close();
    }
  });

  it.skipIf(skip)('refuses to open an uninitialized store without bootstrap', async () => {
    const db = await fresh();
    await expect(createRuntime({ ...db.options, publicUrl: 'http://keyward.test', lock: true })).rejects.toThrow('The store is not initialized: run keyward server init');
  });
});

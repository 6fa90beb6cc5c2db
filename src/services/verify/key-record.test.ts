import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/helpers/databases.js';
import { isDatabaseUnavailable, migrateToLatest, openStore, sqliteReader, type Store } from '../../store/connect.js';
import type { Database } from '../../store/database.js';
import { migrationProvider } from '../../store/migrations/index.js';
import { createKeyLookup, type KeyLookup } from './key-record.js';

const NOW = '2026-01-01T00:00:00.000Z';
const OWNER = 'sa-owner1';

async function addOwner(db: Kysely<Database>): Promise<void> {
  await db.insertInto('service_accounts').values({ id: OWNER, name: 'owner', description: '', status: 'ACTIVE', created_at: NOW, updated_at: NOW }).execute();
}

function keyRow(id: string) {
  return {
    id, secret_hash: `hash-of-${id}`, owner_id: OWNER, owner_kind: 'service-account' as const, resource_id: 'lkc-abc123', resource_kind: 'kafka' as const,
    display_name: '', description: '', status: 'ACTIVE', created_at: NOW, updated_at: NOW, expires_at: null, last_used: null, replaces: null, replaced_by: null,
    disabled_by: null, disabled_reason: null, disabled_at: null,
  };
}

/** The record, awaited when the lookup is asynchronous. */
async function look(lookup: KeyLookup, id: string) {
  return await lookup(id);
}

describe.each(DIALECTS)('key lookup on $name', ({ name, skip, create }) => {
  let database: TestDatabase | undefined;
  let store: Store | undefined;

  afterEach(async () => {
    await store?.close();
    store = undefined;
    await database?.drop();
    database = undefined;
  });

  async function open(): Promise<Store> {
    database = await create();
    store = await openStore(database.options);
    await migrateToLatest(store.db);
    await addOwner(store.db);
    return store;
  }

  it.skipIf(skip)('finds a committed key with its owner, and an unknown id as undefined', async () => {
    const { db } = await open();
    await db.insertInto('api_keys').values(keyRow('KEYAAAAAAAAAAAAA')).execute();
    const lookup = createKeyLookup(db);
    const found = lookup('KEYAAAAAAAAAAAAA');
    // SQLite: one statement on the reader connection, no promise; PostgreSQL: the pool
    expect(found instanceof Promise).toBe(name === 'postgres');
    expect(await found).toEqual({
      id: 'KEYAAAAAAAAAAAAA', secretHash: 'hash-of-KEYAAAAAAAAAAAAA', status: 'ACTIVE', expiresAt: null, ownerId: OWNER, ownerKind: 'service-account', ownerStatus: 'ACTIVE',
      resourceId: 'lkc-abc123', resourceKind: 'kafka', environment: null,
    });
    expect(await look(lookup, 'KEYZZZZZZZZZZZZZ')).toBeUndefined();
    await db.updateTable('service_accounts').set({ status: 'DISABLED' }).where('id', '=', OWNER).execute();
    expect((await look(lookup, 'KEYAAAAAAAAAAAAA'))?.ownerStatus).toBe('DISABLED');
  });

  it.skipIf(skip)('never sees the rows of a transaction still open on the store, and sees them once committed', async () => {
    const { db } = await open();
    await db.insertInto('api_keys').values(keyRow('KEYBBBBBBBBBBBBB')).execute();
    const lookup = createKeyLookup(db);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let written!: () => void;
    const inside = new Promise<void>((resolve) => (written = resolve));
    const transaction = db.transaction().execute(async (trx) => {
      await trx.insertInto('api_keys').values(keyRow('KEYCCCCCCCCCCCCC')).execute();
      await trx.updateTable('api_keys').set({ status: 'DISABLED' }).where('id', '=', 'KEYBBBBBBBBBBBBB').execute();
      written();
      await released;
    });
    await inside;
    // the transaction holds the store's connection (SQLite: its only one) while these run
    expect(await look(lookup, 'KEYCCCCCCCCCCCCC')).toBeUndefined();
    expect((await look(lookup, 'KEYBBBBBBBBBBBBB'))?.status).toBe('ACTIVE');
    release();
    await transaction;
    expect((await look(lookup, 'KEYCCCCCCCCCCCCC'))?.id).toBe('KEYCCCCCCCCCCCCC');
    expect((await look(lookup, 'KEYBBBBBBBBBBBBB'))?.status).toBe('DISABLED');
  });

  it.skipIf(skip || name !== 'sqlite')('closes the reader connection with the store; a lookup afterwards fails as unavailable', async () => {
    const opened = await open();
    await opened.db.insertInto('api_keys').values(keyRow('KEYDDDDDDDDDDDDD')).execute();
    const lookup = createKeyLookup(opened.db);
    expect((await look(lookup, 'KEYDDDDDDDDDDDDD'))?.id).toBe('KEYDDDDDDDDDDDDD');
    const reader = sqliteReader(opened.db)?.();
    expect(reader?.open).toBe(true);
    expect(reader?.readonly).toBe(true);
    await opened.close();
    store = undefined;
    expect(reader?.open).toBe(false);
    let failure: unknown;
    try {
      lookup('KEYDDDDDDDDDDDDD');
    } catch (error) {
      failure = error;
    }
    expect(isDatabaseUnavailable(failure)).toBe(true);
    // a lookup made after the close does not open the reader again
    expect(() => createKeyLookup(opened.db)('KEYDDDDDDDDDDDDD')).toThrow('The store is closed');
  });

  it.skipIf(skip || name !== 'sqlite')('works on a store opened read-only', async () => {
    const opened = await open();
    await opened.db.insertInto('api_keys').values(keyRow('KEYEEEEEEEEEEEEE')).execute();
    await opened.close();
    store = await openStore({ ...database?.options, readonly: true });
    expect((await look(createKeyLookup(store.db), 'KEYEEEEEEEEEEEEE'))?.id).toBe('KEYEEEEEEEEEEEEE');
    expect(await look(createKeyLookup(store.db), 'KEYZZZZZZZZZZZZZ')).toBeUndefined();
  });
});

describe('key lookup on a Kysely that no store opened', () => {
  it('has no reader connection and reads through the Kysely', async () => {
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    try {
      const { Migrator } = await import('kysely');
      const { error } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
      expect(error).toBeUndefined();
      await addOwner(db);
      await db.insertInto('api_keys').values(keyRow('KEYFFFFFFFFFFFFF')).execute();
      expect(sqliteReader(db)).toBeUndefined();
      const found = createKeyLookup(db)('KEYFFFFFFFFFFFFF');
      expect(found instanceof Promise).toBe(true);
      expect((await found)?.id).toBe('KEYFFFFFFFFFFFFF');
    } finally {
      await db.destroy();
    }
  });
});

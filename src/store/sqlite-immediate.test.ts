import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openStore, type Store } from './connect.js';
import { startSqliteBatchWriter, type SqliteBatchWriter } from './sqlite-durability.js';

describe('SQLite transactions beside the batch writer thread', () => {
  let dir: string | undefined;
  let store: Store | undefined;
  let writer: SqliteBatchWriter | undefined;

  afterEach(async () => {
    await writer?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    writer = store = dir = undefined;
  });

  it('a transaction that reads, then writes after the writer thread was asked to commit, commits (BEGIN IMMEDIATE)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyward-immediate-'));
    store = await openStore({ dataDir: dir });
    await migrateToLatest(store.db);
    writer = startSqliteBatchWriter(store.sqlitePath as string);
    const at = new Date(0).toISOString();
    const zero = '0'.repeat(64);
    await store.db
      .insertInto('audit_chains')
      .values({ name: 'test/chain', host: 'test', pid: 1, created_at: at, keyed: 1, head_seq: 0, head_hash: zero, head_mac: null, floor_seq: 0, floor_hash: zero, floor_mac: null })
      .execute();
    // a real change by the thread: it moves the chain's head (an audit batch of no rows)
    const move = (from: number) => writer?.audit([], { name: 'test/chain', fromSeq: from, fromHash: zero, toSeq: from + 1, toHash: zero, mac: 'm' });
    expect(await move(0)).toBe(true); // the thread is up

    let threadWrite: Promise<boolean | undefined> | undefined;
    await store.db.transaction().execute(async (trx) => {
      await trx.selectFrom('environments').select('id').execute();
      // the thread's commit would land between this transaction's read and its write
      threadWrite = move(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await trx.insertInto('environments').values({ id: 'env-imm001', name: 'immediate', stage: 'dev', created_at: at, updated_at: at }).execute();
    });
    expect(await threadWrite).toBe(true);
    const rows = await store.db.selectFrom('environments').select('id').where('id', '=', 'env-imm001').execute();
    expect(rows).toHaveLength(1);
  });
});

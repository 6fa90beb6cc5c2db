import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Migrator, PostgresAdapter, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../src/server/runtime.js';
import { takeCheckpoint } from '../../src/services/audit/audit-checkpoint.js';
import { verifyAuditChains } from '../../src/services/audit/audit-verify.js';
import { GENESIS_HASH, legacyEventHash } from '../../src/services/audit/chain.js';
import type { CloudEvent } from '../../src/services/audit/cloud-event.js';
import { createAuditLog, toRow } from '../../src/services/audit/audit-log.js';
import { auditKeyFromMasterKey } from '../../src/services/audit/audit-key.js';
import { openStore } from '../../src/store/connect.js';
import { startSqliteBatchWriter } from '../../src/store/sqlite-durability.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { DIALECTS, type TestDatabase } from '../helpers/databases.js';
import { basic } from '../helpers/runtime.js';

/** The audit key (outside the database), the upgrade of unkeyed chains, and what a live writer notices. */

const MASTER = 'audit key test master key, not a real one';
let runtimes: Runtime[] = [];
let databases: TestDatabase[] = [];

async function start(db: TestDatabase, options: { masterKey?: string } = {}): Promise<Runtime> {
  const runtime = await createRuntime({ ...db.options, publicUrl: 'http://keyward.test', bootstrap: true, lock: true, ...options });
  runtimes.push(runtime);
  return runtime;
}

async function stop(runtime: Runtime): Promise<void> {
  runtimes = runtimes.filter((r) => r !== runtime);
  await runtime.close();
}

async function createServiceAccount(runtime: Runtime, admin: { key: string; secret: string }, name: string) {
  return runtime.app.inject({
    method: 'POST', url: '/iam/v2/service-accounts', headers: { authorization: basic(admin.key, admin.secret), 'content-type': 'application/json' },
    payload: { display_name: name, description: name },
  });
}

/** Writes chains as the previous version did: unkeyed sha256, `<host>-<pid>-<random>` names, floors in `settings`. */
async function writeLegacyStore(db: TestDatabase): Promise<{ chains: string[] }> {
  const store = await openStore(db.options);
  try {
    let migrationTableSchema: string | undefined;
    if (store.db.getExecutor().adapter instanceof PostgresAdapter) {
      migrationTableSchema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db)).rows[0]?.schema;
    }
    const { error } = await new Migrator({ db: store.db, provider: migrationProvider, ...(migrationTableSchema ? { migrationTableSchema } : {}) }).migrateTo('0001_initial');
    if (error) throw error;
    const chains = ['old-host-4242-0a1b2c3d/management', 'old-host-4242-0a1b2c3d/data-plane'];
    for (const [index, chain] of chains.entries()) {
      let prev = GENESIS_HASH;
      for (let seq = 1; seq <= 4; seq++) {
        const unhashed: Omit<CloudEvent, 'keywardhash'> = {
          specversion: '1.0', id: `0190f000-0000-7000-8000-${index}${seq}`.padEnd(36, '0'), source: 'crn://keyward', type: 'io.keyward.management',
          subject: 'crn://keyward/organization=o', time: new Date(Date.now() - 1000 * (10 - seq)).toISOString(), datacontenttype: 'application/json',
          data: { methodName: 'iam.CreateServiceAccount', resourceName: 'crn://keyward/organization=o', result: { status: 'SUCCESS' } },
          keywardchain: chain, keywardseq: seq, keywardprevhash: prev,
        };
        const event = { ...unhashed, keywardhash: legacyEventHash(unhashed) } as CloudEvent;
        // the schema of 0001 has no target column (migration 0006 adds it and fills it in)
        const { target: _target, ...legacyRow } = toRow(event);
        await store.db.insertInto('audit_events').values(legacyRow).execute();
        prev = event.keywardhash;
      }
    }
    // the data-plane chain lost its first two events to retention: its floor, as the old version kept it
    const second = await store.db.selectFrom('audit_events').select('hash').where('chain', '=', chains[1]!).where('seq', '=', 2).executeTakeFirstOrThrow();
    await store.db.deleteFrom('audit_events').where('chain', '=', chains[1]!).where('seq', '<=', 2).execute();
    await store.db.insertInto('settings').values({ name: 'audit.chain_floor.legacy', value: `${'2'.padStart(16, '0')} ${second.hash} ${chains[1]}`, updated_at: new Date().toISOString() }).execute();
    return { chains };
  } finally {
    await store.close();
  }
}

describe.each(DIALECTS)('the audit key on $name', ({ name, skip, create }) => {
  afterEach(async () => {
    for (const runtime of runtimes) await runtime.close();
    for (const db of databases) await db.drop();
    runtimes = [];
    databases = [];
  });
  const fresh = async () => {
    const db = await create();
    databases.push(db);
    return db;
  };

  it.skipIf(skip)('keeps the chains of the previous version verifiable, sealed at their heads, and detects rewriting them', async () => {
    const db = await fresh();
    const { chains } = await writeLegacyStore(db);
    const runtime = await start(db, { masterKey: MASTER });
    const registry = await runtime.store.db.selectFrom('audit_chains').selectAll().where('keyed', '=', 0).orderBy('name').execute();
    expect(registry.map((r) => [r.name, Number(r.head_seq), Number(r.floor_seq)])).toEqual([[chains[1], 4, 2], [chains[0], 4, 0]]);
    expect(registry.every((r) => r.head_mac !== null && r.floor_mac !== null)).toBe(true);
    expect(await runtime.store.db.selectFrom('settings').select('name').where('name', 'like', 'audit.chain_floor.%').execute()).toEqual([]);
    expect(await verifyAuditChains(runtime.store.db, runtime.audit.key)).toMatchObject({ ok: true });

    // rewrite a legacy chain from an edit onwards, unkeyed as it was written: the sealed head no longer matches
    const rows = await runtime.store.db.selectFrom('audit_events').selectAll().where('chain', '=', chains[0]!).orderBy('seq').execute();
    let prev = rows[0]!.hash;
    for (const row of rows.slice(1)) {
      const { keywardhash: _h, ...event } = JSON.parse(row.event) as CloudEvent;
      const unhashed = { ...event, keywardprevhash: prev, data: { ...event.data, methodName: 'iam.ListServiceAccounts' } };
      const hash = legacyEventHash(unhashed);
      const { chain: _c, seq: _s, ...columns } = toRow({ ...unhashed, keywardhash: hash } as CloudEvent);
      await runtime.store.db.updateTable('audit_events').set(columns).where('chain', '=', row.chain).where('seq', '=', row.seq).execute();
      prev = hash;
    }
    const result = await verifyAuditChains(runtime.store.db, runtime.audit.key);
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toMatchObject({ chain: chains[0], reason: 'the last event of this chain does not match its registered head' });
  });

  it.skipIf(skip)('refuses to start with another audit key than the one the registry was sealed with, without printing either', async () => {
    const db = await fresh();
    await stop(await start(db, { masterKey: MASTER }));
    const refused = await start(db, { masterKey: 'another master key' }).then(() => undefined, (error: Error) => error);
    expect(refused?.message).toMatch(/sealed under another audit key \(id [0-9a-f]{16}; this server's is [0-9a-f]{16}\)/);
    expect(refused?.message).not.toContain(MASTER);
    expect(refused?.message).not.toContain('another master key');
    const again = await start(db, { masterKey: MASTER });
    expect(await verifyAuditChains(again.store.db, again.audit.key)).toMatchObject({ ok: true });
  });

  it.skipIf(skip)('a live writer whose registered head was rolled back (an old sealed row replayed) refuses to write; a shipped checkpoint shows it too', async () => {
    const db = await fresh();
    const runtime = await start(db, { masterKey: MASTER });
    const admin = runtime.bootstrapped!;
    expect((await createServiceAccount(runtime, admin, 'one')).statusCode).toBe(201);
    const chain = runtime.audit.chains.management;
    const saved = await runtime.store.db.selectFrom('audit_chains').selectAll().where('name', '=', chain).executeTakeFirstOrThrow();
    expect((await createServiceAccount(runtime, admin, 'two')).statusCode).toBe(201);
    expect((await createServiceAccount(runtime, admin, 'three')).statusCode).toBe(201);
    const shipped = await takeCheckpoint(runtime.store.db, runtime.audit.key, 'o', new Date());

    // the attacker replays the row they saved and deletes the events after it
    await runtime.store.db.deleteFrom('audit_events').where('chain', '=', chain).where('seq', '>', Number(saved.head_seq)).execute();
    await runtime.store.db.deleteFrom('audit_checkpoints').execute();
    await runtime.store.db.updateTable('audit_chains').set({ head_seq: saved.head_seq, head_hash: saved.head_hash, head_mac: saved.head_mac }).where('name', '=', chain).execute();
    // a consistent earlier sealed state: the database alone cannot tell (the documented limit) …
    expect((await verifyAuditChains(runtime.store.db, runtime.audit.key)).ok).toBe(true);
    // … the checkpoint can
    const anchored = await verifyAuditChains(runtime.store.db, runtime.audit.key, { anchor: shipped });
    expect(anchored).toMatchObject({ ok: false, firstBroken: { chain, reason: expect.stringContaining('rolled back') } });
    // … and so does the writer: the next management write fails closed (503) instead of extending a forged head
    const refused = await createServiceAccount(runtime, admin, 'four');
    expect(refused.statusCode).toBe(503);
    expect(refused.body).toMatch(/registered head of audit chain .+ is not where this writer left it/);
  });

  it.skipIf(skip)('a data-plane batch whose registered head was moved writes nothing and reports it', async () => {
    const db = await fresh();
    const store = await openStore(db.options);
    const writer = store.sqlitePath ? startSqliteBatchWriter(store.sqlitePath) : undefined;
    try {
      const { migrateToLatest } = await import('../../src/store/connect.js');
      await migrateToLatest(store.db);
      const failures: string[] = [];
      const audit = createAuditLog({
        db: store.db, key: auditKeyFromMasterKey(MASTER), source: 's', clock: () => new Date(), flushIntervalMs: 60_000,
        writeBatch: writer ? (rows, head) => writer.audit(rows, head) : undefined, onError: (error) => failures.push((error as Error).message),
      });
      const record = () => audit.record({ type: 'io.keyward.authentication', method: 'keyward.Verify', subject: 's', status: 'SUCCESS' });
      record();
      await audit.flush();
      expect(failures).toEqual([]);
      await store.db.updateTable('audit_chains').set({ head_seq: 0 }).where('name', '=', audit.chains.dataPlane).execute();
      record();
      await audit.flush();
      expect(failures[0]).toMatch(/registered head of audit chain .+ is not where this writer left it/);
      const stored = await store.db.selectFrom('audit_events').select('seq').where('chain', '=', audit.chains.dataPlane).execute();
      expect(stored.map((r) => Number(r.seq))).toEqual([1]);
      await store.db.updateTable('audit_chains').set({ head_seq: 1 }).where('name', '=', audit.chains.dataPlane).execute();
      await audit.close(); // the batch kept in the buffer is written once the head is back
      expect((await store.db.selectFrom('audit_events').select('seq').where('chain', '=', audit.chains.dataPlane).execute()).length).toBe(2);
    } finally {
      await writer?.close();
      await store.close();
    }
  });

  it.skipIf(skip || name !== 'sqlite')('creates the key file 0600 in the data directory, never stores the key, and refuses a key file others can read', async () => {
    const db = await fresh();
    const dir = db.options.dataDir as string;
    const runtime = await start(db);
    const file = join(dir, 'audit.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = readFileSync(file, 'utf8').trim();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect((await createServiceAccount(runtime, runtime.bootstrapped!, 'svc')).statusCode).toBe(201);
    await runtime.audit.flush();
    await stop(runtime);
    for (const entry of readdirSync(dir).filter((f) => f.startsWith('keyward.db'))) {
      const bytes = readFileSync(join(dir, entry));
      expect(bytes.includes(Buffer.from(key)), entry).toBe(false);
      expect(bytes.includes(Buffer.from(key, 'hex')), entry).toBe(false);
    }
    expect(readdirSync(dir).filter((f) => f.includes('audit.key'))).toEqual(['audit.key']); // no temporary left behind

    const again = await start(db);
    expect(again.audit.key.id).toBe(JSON.parse(JSON.stringify(again.audit.key)).id);
    expect(JSON.stringify(again.audit.key)).not.toContain(key);
    expect(String(again.audit.key)).toBe(`AuditKey(${again.audit.key.id})`);
    await stop(again);
    chmodSync(file, 0o644);
    await expect(start(db)).rejects.toThrow(/readable by others/);
    expect(existsSync(file)).toBe(true);
  });
});

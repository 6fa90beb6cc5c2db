import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/helpers/databases.js';
import { migrateToLatest, openStore, type Store } from '../../store/connect.js';
import { auditChainsRepo } from '../../store/repositories/audit-chains.js';
import { startSqliteBatchWriter, type SqliteBatchWriter } from '../../store/sqlite-durability.js';
import { auditKeyFromMasterKey } from './audit-key.js';
import { createAuditLog, toRow, type AuditLog, type AuditLogOptions } from './audit-log.js';
import { verifyAuditChains } from './audit-verify.js';
import { canonicalJson, eventHash, GENESIS_HASH } from './chain.js';
import { ensureAuditRegistry, headAdvance, registerChain } from './chain-registry.js';
import type { AuditInput, CloudEvent } from './cloud-event.js';

const key = auditKeyFromMasterKey('audit log test master key');
const now = new Date('2027-01-01T00:00:00.000Z');

function verify(n: number): AuditInput {
  return {
    type: 'io.keyward.authentication', method: 'keyward.Verify', subject: 'crn://keyward/organization=o', principal: 'User:sa-1',
    apiKey: 'UTT6WDRXX7FHD2GV', mechanism: 'VERIFY_API', request: { clientAddress: '127.0.0.1', requestId: `req-${n}`, userAgent: 'test' }, status: 'SUCCESS',
  };
}

for (const dialect of DIALECTS) {
  for (const threaded of dialect.name === 'sqlite' ? [true, false] : [false]) {
    const label = `${dialect.name}${threaded ? ', batch writer thread' : ''}`;
    describe.skipIf(dialect.skip)(`audit log writer (${label})`, () => {
      let database: TestDatabase;
      let store: Store;
      let writer: SqliteBatchWriter | undefined;
      let audit: AuditLog;

      function open(options: Partial<AuditLogOptions> = {}): AuditLog {
        return createAuditLog({
          db: store.db, key, source: 'crn://keyward/organization=o', clock: () => now, flushIntervalMs: 60_000,
          writeBatch: writer ? (rows, head) => (writer as SqliteBatchWriter).audit(rows, head) : undefined, ...options,
        });
      }

      beforeEach(async () => {
        database = await dialect.create();
        store = await openStore(database.options);
        await migrateToLatest(store.db);
        await ensureAuditRegistry(store.db, key, now.toISOString());
        writer = threaded && store.sqlitePath ? startSqliteBatchWriter(store.sqlitePath) : undefined;
        audit = open();
      });

      afterEach(async () => {
        await audit.close();
        await writer?.close();
        await store.close();
        await database.drop();
      });

      async function stored(chain = audit.chains.dataPlane) {
        return store.db.selectFrom('audit_events').selectAll().where('chain', '=', chain).orderBy('seq').execute();
      }

      it('seals every attached producer before flush writes, and not after it is detached', async () => {
        let seals = 0;
        const detach = audit.attach({ seal: () => { seals++; audit.record(verify(seals)); } });
        await audit.flush();
        expect(seals).toBe(1);
        expect(await stored()).toHaveLength(1);
        detach();
        await audit.flush();
        expect(seals).toBe(1);
        expect(await stored()).toHaveLength(1);
      });

      it('seals the attached producers on close, and writes what they held', async () => {
        const sealed: string[] = [];
        audit.attach({ seal: () => { sealed.push('a'); audit.record(verify(1)); } });
        audit.attach({ seal: () => { sealed.push('b'); audit.record(verify(2)); } });
        await audit.close();
        expect(sealed).toEqual(['a', 'b']);
        expect(await stored()).toHaveLength(2);
        expect((await verifyAuditChains(store.db, key, { retentionDays: 90, now })).ok).toBe(true);
      });

      it('writes a big backlog in batches whose chain verifies, in order, the rows canonical JSON', async () => {
        for (let i = 0; i < 2600; i++) audit.record(verify(i));
        await audit.transaction(async (_trx, record) => record({ type: 'io.keyward.management', method: 'iam.CreateAPIKey', subject: 's', status: 'SUCCESS', details: { n: 1 } }));
        await audit.flush();
        const rows = await stored();
        expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 2600 }, (_, i) => i + 1));
        expect(rows.map((r) => (JSON.parse(r.event) as CloudEvent).data.requestMetadata)).toEqual(Array.from({ length: 2600 }, (_, i) => ({ clientAddress: '127.0.0.1', requestId: `req-${i}`, userAgent: 'test' })));
        for (const row of [rows[0], rows[2599]]) expect(canonicalJson(JSON.parse(row?.event as string))).toBe(row?.event);
        expect(await verifyAuditChains(store.db, key, { retentionDays: 90, now })).toEqual({ ok: true, chains: 2, events: 2601, brokenChains: 0 });
      });

      it('runs on the event loop in slices of the budget: the clock is read once per event and the writer yields when the budget is used', async () => {
        await audit.close();
        // a clock that moves 0.3 ms per reading: a 1 ms slice holds at most 4 events (+ the reading at its start)
        let readings = 0;
        audit = open({ sliceBudgetMs: 1, sliceClock: () => 0.3 * readings++, batchRows: 50 });
        for (let i = 0; i < 300; i++) audit.record(verify(i));
        let done = false;
        let turns = 0;
        let most = 0;
        let seen = 0;
        const tick = () => {
          most = Math.max(most, readings - seen);
          seen = readings;
          turns++;
          if (!done) setImmediate(tick);
        };
        setImmediate(tick);
        await audit.flush();
        done = true;
        expect(await stored()).toHaveLength(300);
        expect(most).toBeGreaterThan(0);
        expect(most).toBeLessThanOrEqual(5);
        expect(turns).toBeGreaterThanOrEqual(300 / 4);
        expect((await verifyAuditChains(store.db, key, { retentionDays: 90, now })).ok).toBe(true);
      });

      it('keeps the buffer bounded: beyond maxBuffered events are dropped and counted', async () => {
        await audit.close();
        const failures: string[] = [];
        audit = open({ maxBuffered: 10, maxBatch: 1000, onError: (error) => failures.push((error as Error).message) });
        for (let i = 0; i < 15; i++) audit.record(verify(i));
        await audit.flush();
        expect(await stored()).toHaveLength(10);
        expect(failures).toEqual(['the audit buffer was full: 5 data-plane events were not recorded']);
      });

      it('verifies rows written in the old format (insertion-ordered JSON) beside canonical ones, and still detects an edit of one', async () => {
        // a chain written before events were stored as canonical JSON: JSON.stringify of the event object
        const chain = { name: 'oldwriter0000000/data-plane', host: 'h', pid: 1 };
        await registerChain(store.db, key, chain, now.toISOString());
        let prev = GENESIS_HASH;
        const old: CloudEvent[] = [];
        for (let seq = 1; seq <= 3; seq++) {
          const event = {
            specversion: '1.0', id: `0190a0b0-0000-7000-8000-00000000000${seq}`, source: 'crn://keyward/organization=o', type: 'io.keyward.authentication',
            subject: 's', time: now.toISOString(), datacontenttype: 'application/json',
            data: { methodName: 'keyward.Verify', resourceName: 's', authenticationInfo: { principal: 'User:sa-1', metadata: { mechanism: 'VERIFY_API', identifier: 'K' } }, result: { status: 'SUCCESS' } },
            keywardchain: chain.name, keywardseq: seq, keywardprevhash: prev,
          } as Omit<CloudEvent, 'keywardhash'>;
          const full = { ...event, keywardhash: eventHash(key, event) } as CloudEvent;
          old.push(full);
          prev = full.keywardhash;
        }
        await store.db.insertInto('audit_events').values(old.map(toRow)).execute();
        const registered = await auditChainsRepo.get(store.db, chain.name);
        await auditChainsRepo.advanceHead(store.db, headAdvance(key, registered!, { seq: 0, hash: GENESIS_HASH }, { seq: 3, hash: prev }));
        const first = (await stored(chain.name))[0];
        expect(first?.event).not.toBe(canonicalJson(JSON.parse(first?.event as string)));
        for (let i = 0; i < 5; i++) audit.record(verify(i));
        await audit.flush();
        expect(await verifyAuditChains(store.db, key, { retentionDays: 90, now })).toEqual({ ok: true, chains: 2, events: 8, brokenChains: 0 });
        await store.db.updateTable('audit_events').set({ event: first!.event.replace('"User:sa-1"', '"User:sa-2"') }).where('id', '=', first!.id).execute();
        expect(await verifyAuditChains(store.db, key, { retentionDays: 90, now })).toMatchObject({ ok: false, firstBroken: { chain: chain.name, seq: 1 } });
      });
    });
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openStore, type Store } from '../../store/connect.js';
import { auditKeyFromMasterKey } from './audit-key.js';
import { createAuditLog, type AuditLog } from './audit-log.js';
import { verifyAuditChains } from './audit-verify.js';
import { ensureAuditRegistry, raiseFloor } from './chain-registry.js';
import type { AuditInput } from './cloud-event.js';
import { pruneAuditEvents } from './retention.js';

const DAY = 86_400_000;
const key = auditKeyFromMasterKey('audit verify test master key');

function event(n: number, overrides: Partial<AuditInput> = {}): AuditInput {
  return {
    type: 'io.keyward.management',
    method: 'iam.CreateAPIKey',
    subject: 'crn://keyward/organization=o',
    principal: 'User:u-admin1',
    apiKey: 'ADMINKEY00000001',
    request: { clientAddress: '127.0.0.1', requestId: `req-${n}`, userAgent: 'test' },
    status: 'SUCCESS',
    details: { n },
    ...overrides,
  };
}

describe('audit chain verification', () => {
  let dir: string;
  let store: Store;
  let audit: AuditLog;
  let now: Date;

  async function writeManagement(count: number, start = 1): Promise<void> {
    for (let i = start; i < start + count; i++) {
      await audit.transaction(async (_trx, record) => record(event(i)));
      now = new Date(now.getTime() + 1000);
    }
  }

  async function rows(chain = audit.chains.management) {
    return store.db.selectFrom('audit_events').selectAll().where('chain', '=', chain).orderBy('seq').execute();
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyward-verify-'));
    store = await openStore({ dataDir: dir });
    await migrateToLatest(store.db);
    now = new Date('2027-01-01T00:00:00.000Z');
    await ensureAuditRegistry(store.db, key, now.toISOString());
    audit = createAuditLog({ db: store.db, key, source: 'crn://keyward/organization=o', clock: () => now, flushIntervalMs: 10_000 });
  });

  afterEach(async () => {
    await audit.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts intact chains of both writers', async () => {
    await writeManagement(5);
    for (let i = 0; i < 3; i++) audit.record(event(100 + i, { type: 'io.keyward.authentication', method: 'keyward.Verify', status: i === 1 ? 'UNAUTHENTICATED' : 'SUCCESS', reason: i === 1 ? 'INVALID_CREDENTIALS' : undefined }));
    await audit.flush();
    expect(await verifyAuditChains(store.db, key, { retentionDays: 90, now })).toEqual({ ok: true, chains: 2, events: 8, brokenChains: 0 });
  });

  it('accepts an empty log', async () => {
    expect(await verifyAuditChains(store.db, key, { retentionDays: 90, now })).toEqual({ ok: true, chains: 0, events: 0, brokenChains: 0 });
  });

  it('names the event whose stored JSON was edited', async () => {
    await writeManagement(5);
    const target = (await rows())[2]!;
    await sql`update audit_events set event = replace(event, 'SUCCESS', 'FAILURE') where id = ${target.id}`.execute(store.db);
    const result = await verifyAuditChains(store.db, key, { retentionDays: 90, now });
    expect(result.ok).toBe(false);
    expect(result.brokenChains).toBe(1);
    expect(result.events).toBe(5);
    expect(result.firstBroken).toMatchObject({ id: target.id, chain: audit.chains.management, seq: 3, reason: expect.stringContaining('modified') });
  });

  it('names the event whose indexed column disagrees with its JSON', async () => {
    await writeManagement(4);
    const target = (await rows())[1]!;
    await store.db.updateTable('audit_events').set({ principal: 'User:u-someone' }).where('id', '=', target.id).execute();
    const result = await verifyAuditChains(store.db, key, { retentionDays: 90, now });
    expect(result.firstBroken).toMatchObject({ id: target.id, seq: 2, reason: expect.stringContaining('column principal') });
  });

  it('catches an edit whose hash was recomputed without the key: the hash is not the HMAC', async () => {
    await writeManagement(4);
    const [, second] = await rows();
    const { legacyEventHash } = await import('./chain.js');
    const edited = JSON.parse(second!.event);
    edited.data.result.status = 'FAILURE';
    delete edited.keywardhash;
    const hash = legacyEventHash(edited);
    await store.db.updateTable('audit_events').set({ event: JSON.stringify({ ...edited, keywardhash: hash }), hash, result: 'FAILURE' }).where('id', '=', second!.id).execute();
    const result = await verifyAuditChains(store.db, key, { retentionDays: 90, now });
    expect(result.firstBroken).toMatchObject({ id: second!.id, seq: 2, reason: expect.stringContaining('modified') });
  });

  it('catches an edit whose hash was recomputed with the key: the next event no longer links to it', async () => {
    await writeManagement(4);
    const [, second, third] = await rows();
    const { eventHash } = await import('./chain.js');
    const edited = JSON.parse(second!.event);
    edited.data.result.status = 'FAILURE';
    delete edited.keywardhash;
    const hash = eventHash(key, edited);
    await store.db.updateTable('audit_events').set({ event: JSON.stringify({ ...edited, keywardhash: hash }), hash, result: 'FAILURE' }).where('id', '=', second!.id).execute();
    const result = await verifyAuditChains(store.db, key, { retentionDays: 90, now });
    expect(result.firstBroken).toMatchObject({ id: third!.id, seq: 3, reason: expect.stringContaining('previous event') });
  });

  it('names the event after a deleted one', async () => {
    await writeManagement(5);
    const all = await rows();
    await store.db.deleteFrom('audit_events').where('id', '=', all[2]!.id).execute();
    const result = await verifyAuditChains(store.db, key, { retentionDays: 90, now });
    expect(result.events).toBe(4);
    expect(result.firstBroken).toMatchObject({ id: all[3]!.id, seq: 4, reason: 'event 3 of this chain is missing' });
  });

  it('detects the deletion of a chain\'s oldest events when retention did not do it', async () => {
    await writeManagement(4);
    const all = await rows();
    await store.db.deleteFrom('audit_events').where('id', 'in', [all[0]!.id, all[1]!.id]).execute();
    const result = await verifyAuditChains(store.db, key, { retentionDays: 90, now });
    expect(result.firstBroken).toMatchObject({ id: all[2]!.id, seq: 3, reason: 'events 1 to 2 of this chain are missing' });
  });

  it('detects reordered events', async () => {
    await writeManagement(5);
    const all = await rows();
    const chain = audit.chains.management;
    await store.db.updateTable('audit_events').set({ seq: -1 }).where('chain', '=', chain).where('seq', '=', 2).execute();
    await store.db.updateTable('audit_events').set({ seq: 2 }).where('chain', '=', chain).where('seq', '=', 3).execute();
    await store.db.updateTable('audit_events').set({ seq: 3 }).where('chain', '=', chain).where('seq', '=', -1).execute();
    const result = await verifyAuditChains(store.db, key, { retentionDays: 90, now });
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toMatchObject({ id: all[2]!.id, seq: 2 });
  });

  it('detects swapped event bodies', async () => {
    await writeManagement(4);
    const [, second, third] = await rows();
    await store.db.updateTable('audit_events').set({ event: third!.event }).where('id', '=', second!.id).execute();
    await store.db.updateTable('audit_events').set({ event: second!.event }).where('id', '=', third!.id).execute();
    expect((await verifyAuditChains(store.db, key, { retentionDays: 90, now })).firstBroken).toMatchObject({ id: second!.id, seq: 2 });
  });

  it('reports a row whose JSON does not parse', async () => {
    await writeManagement(2);
    const [first] = await rows();
    await store.db.updateTable('audit_events').set({ event: '{"oops"' }).where('id', '=', first!.id).execute();
    expect((await verifyAuditChains(store.db, key, { retentionDays: 90, now })).firstBroken).toMatchObject({ id: first!.id, reason: 'the stored event is not valid JSON' });
  });

  it('reports the earliest break when several chains are broken', async () => {
    await writeManagement(3);
    audit.record(event(50, { type: 'io.keyward.authentication', method: 'keyward.Verify' }));
    audit.record(event(51, { type: 'io.keyward.authentication', method: 'keyward.Verify' }));
    await audit.flush();
    const management = await rows();
    const dataPlane = await rows(audit.chains.dataPlane);
    await sql`update audit_events set event = replace(event, 'SUCCESS', 'FAILURE') where id in (${dataPlane[1]!.id}, ${management[1]!.id})`.execute(store.db);
    const result = await verifyAuditChains(store.db, key, { retentionDays: 90, now });
    expect(result.brokenChains).toBe(2);
    expect(result.firstBroken?.id).toBe(management[1]!.id);
  });

  describe('after retention', () => {
    it('removes only expired events, keeps the chain verifiable, and still detects deleting the first kept event', async () => {
      await writeManagement(3);
      now = new Date(now.getTime() + 100 * DAY);
      await writeManagement(2, 10);
      const result = await pruneAuditEvents({ db: store.db, key, clock: () => now, days: 90 });
      expect(result).toMatchObject({ deleted: 3, chains: 1 });
      const kept = await rows();
      expect(kept.map((r) => Number(r.seq))).toEqual([4, 5]);
      expect(await verifyAuditChains(store.db, key, { retentionDays: 90, now })).toEqual({ ok: true, chains: 1, events: 2, brokenChains: 0 });

      await store.db.deleteFrom('audit_events').where('id', '=', kept[0]!.id).execute();
      const broken = await verifyAuditChains(store.db, key, { retentionDays: 90, now });
      expect(broken.firstBroken).toMatchObject({ id: kept[1]!.id, seq: 5, reason: 'event 4 of this chain is missing' });
    });

    it('keeps a live chain appendable after all its events expired', async () => {
      await writeManagement(2);
      now = new Date(now.getTime() + 91 * DAY);
      await pruneAuditEvents({ db: store.db, key, clock: () => now, days: 90, batchSize: 1 });
      expect(await rows()).toHaveLength(0);
      await writeManagement(1, 20);
      expect(await verifyAuditChains(store.db, key, { retentionDays: 90, now })).toEqual({ ok: true, chains: 1, events: 1, brokenChains: 0 });
    });

    it('stops at the first event that has not expired, even when times are not monotonic', async () => {
      await writeManagement(1);
      await audit.transaction(async (_trx, record) => record(event(2, { time: new Date(now.getTime() + 50 * DAY) })));
      await writeManagement(1, 3);
      now = new Date(now.getTime() + 91 * DAY);
      const result = await pruneAuditEvents({ db: store.db, key, clock: () => now, days: 90 });
      expect(result.deleted).toBe(1);
      expect((await rows()).map((r) => Number(r.seq))).toEqual([2, 3]);
      expect((await verifyAuditChains(store.db, key, { retentionDays: 90, now })).ok).toBe(true);
    });

    it('never lowers a floor', async () => {
      const { auditChainsRepo } = await import('../../store/repositories/audit-chains.js');
      await writeManagement(1);
      const chain = audit.chains.management;
      const hash = 'a'.repeat(64);
      await raiseFloor(store.db, key, chain, { seq: 12, hash });
      await raiseFloor(store.db, key, chain, { seq: 9, hash: 'b'.repeat(64) });
      expect(await auditChainsRepo.get(store.db, chain)).toMatchObject({ floor_seq: 12, floor_hash: hash });
      await raiseFloor(store.db, key, chain, { seq: 100, hash });
      expect((await auditChainsRepo.get(store.db, chain))?.floor_seq).toBe(100);
    });
  });
});

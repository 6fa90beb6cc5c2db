import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openStore, type Store } from '../../store/connect.js';
import { settingsRepo } from '../../store/repositories/settings.js';
import { auditKeyFromMasterKey } from './audit-key.js';
import { createAuditLog } from './audit-log.js';

const key = auditKeyFromMasterKey('retention test master key');
import { AUDIT_RETENTION_SETTING, auditRetentionDays, parseRetentionDays, pruneAuditEvents, startRetention } from './retention.js';

const DAY = 86_400_000;

describe('audit retention', () => {
  let dir: string;
  let store: Store;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyward-retention-'));
    store = await openStore({ dataDir: dir });
    await migrateToLatest(store.db);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function writeAt(time: Date, count: number): Promise<void> {
    const audit = createAuditLog({ db: store.db, key, source: 's', clock: () => time });
    for (let i = 0; i < count; i++) {
      await audit.transaction(async (_trx, record) => record({ type: 'io.keyward.management', method: 'iam.CreateServiceAccount', subject: 's', status: 'SUCCESS' }));
    }
    await audit.close();
  }
  const count = async () => Number((await store.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('parses whole days from 0 to 36500', () => {
    expect(parseRetentionDays('90', 'x')).toBe(90);
    expect(parseRetentionDays(' 0 ', 'x')).toBe(0);
    for (const bad of ['', '-1', '1.5', '90d', '36501', 'abc']) expect(() => parseRetentionDays(bad, 'KEYWARD_AUDIT_RETENTION_DAYS')).toThrow(/KEYWARD_AUDIT_RETENTION_DAYS must be a whole number/);
  });

  it('takes the environment over the settings row over the default of 90', async () => {
    expect(await auditRetentionDays(store.db, {})).toBe(90);
    await settingsRepo.put(store.db, AUDIT_RETENTION_SETTING, '30', new Date().toISOString());
    expect(await auditRetentionDays(store.db, {})).toBe(30);
    expect(await auditRetentionDays(store.db, { KEYWARD_AUDIT_RETENTION_DAYS: '7' })).toBe(7);
    await expect(auditRetentionDays(store.db, { KEYWARD_AUDIT_RETENTION_DAYS: 'soon' })).rejects.toThrow(/whole number/);
  });

  it('keeps everything with 0 days', async () => {
    await writeAt(new Date('2020-01-01T00:00:00Z'), 2);
    expect(await pruneAuditEvents({ db: store.db, key, clock: () => new Date(), days: 0 })).toEqual({ deleted: 0, chains: 0 });
    expect(await count()).toBe(2);
  });

  it('prunes at start and on every interval, and stops cleanly', async () => {
    const now = new Date('2027-06-01T00:00:00Z');
    await writeAt(new Date(now.getTime() - 10 * DAY), 3);
    await writeAt(new Date(now.getTime() - 1 * DAY), 2);
    const pruned: number[] = [];
    let days = 5;
    const stop = startRetention({ db: store.db, key, clock: () => now, days: async () => days, intervalMs: 20, onPruned: (r) => pruned.push(r.deleted) });
    await expect.poll(count).toBe(2);
    days = 0;
    await new Promise((r) => setTimeout(r, 60));
    await stop();
    expect(await count()).toBe(2);
    expect(pruned).toEqual([3]);
  });

  it('reports errors through onError', async () => {
    const errors: unknown[] = [];
    const stop = startRetention({ db: store.db, key, clock: () => new Date(), days: async () => { throw new Error('boom'); }, intervalMs: 10_000, onError: (e) => errors.push(e) });
    await expect.poll(() => errors.length).toBe(1);
    await stop();
  });
});

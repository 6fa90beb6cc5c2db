import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/helpers/databases.js';
import { migrateToLatest, openStore, type Store } from '../../store/connect.js';
import { auditKeyFromMasterKey } from './audit-key.js';
import { createAuditLog, sqliteAuditInsert, type AuditLog } from './audit-log.js';
import { verifyAuditChains } from './audit-verify.js';
import { ensureAuditRegistry } from './chain-registry.js';
import type { AuditInput } from './cloud-event.js';

const key = auditKeyFromMasterKey('audit log test master key');
const now = new Date('2027-01-01T00:00:00.000Z');

function verify(n: number): AuditInput {
  return {
    type: 'io.keyward.authentication', method: 'keyward.Verify', subject: 'crn://keyward/organization=o', principal: 'User:sa-1',
    apiKey: 'UTT6WDRXX7FHD2GV', mechanism: 'VERIFY_API', request: { clientAddress: '127.0.0.1', requestId: `req-${n}`, userAgent: 'test' }, status: 'SUCCESS',
  };
}

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.skip)(`audit log writer (${dialect.name})`, () => {
    let database: TestDatabase;
    let store: Store;
    let audit: AuditLog;

    beforeEach(async () => {
      database = await dialect.create();
      store = await openStore(database.options);
      await migrateToLatest(store.db);
      await ensureAuditRegistry(store.db, key, now.toISOString());
      audit = createAuditLog({
        db: store.db, key, source: 'crn://keyward/organization=o', clock: () => now, flushIntervalMs: 60_000,
        fastInsert: store.sqlite ? sqliteAuditInsert(store.sqlite) : undefined,
      });
    });

    afterEach(async () => {
      await audit.close();
      await store.close();
      await database.drop();
    });

    async function stored(): Promise<number> {
      const rows = await store.db.selectFrom('audit_events').select('seq').where('chain', '=', audit.chains.dataPlane).execute();
      return rows.length;
    }

    it('seals every attached producer before flush writes, and not after it is detached', async () => {
      let seals = 0;
      const detach = audit.attach({ seal: () => { seals++; audit.record(verify(seals)); } });
      await audit.flush();
      expect(seals).toBe(1);
      expect(await stored()).toBe(1);
      detach();
      await audit.flush();
      expect(seals).toBe(1);
      expect(await stored()).toBe(1);
    });

    it('seals the attached producers on close, and writes what they held', async () => {
      const sealed: string[] = [];
      audit.attach({ seal: () => { sealed.push('a'); audit.record(verify(1)); } });
      audit.attach({ seal: () => { sealed.push('b'); audit.record(verify(2)); } });
      await audit.close();
      expect(sealed).toEqual(['a', 'b']);
      expect(await stored()).toBe(2);
      expect((await verifyAuditChains(store.db, key, { retentionDays: 90, now })).ok).toBe(true);
    });
  });
}

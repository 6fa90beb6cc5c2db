import { afterEach, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../src/server/runtime.js';
import { createAuditLog } from '../../src/services/audit/audit-log.js';
import { takeCheckpoint } from '../../src/services/audit/audit-checkpoint.js';
import { verifyAuditChains } from '../../src/services/audit/audit-verify.js';
import { pruneAuditEvents } from '../../src/services/audit/retention.js';
import { DIALECTS, type TestDatabase } from '../helpers/databases.js';

/**
 * No false alarm: verify and checkpoint while writers append, new chains start and retention prunes
 * see heads and floors move under them, and must read them again rather than report a break.
 */
describe.each(DIALECTS)('verify under concurrent writes on $name', ({ skip, create }) => {
  let runtime: Runtime | undefined;
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await runtime?.close();
    await db?.drop();
    runtime = undefined;
    db = undefined;
  });

  it.skipIf(skip)('reports no break while events are appended, chains registered and old events pruned', async () => {
    db = await create();
    let now = new Date('2027-01-01T00:00:00.000Z');
    runtime = await createRuntime({ ...db.options, publicUrl: 'http://keyward.test', bootstrap: true, lock: true, masterKey: 'concurrent verify test', clock: () => now });
    const r = runtime;
    const record = (n: number) => {
      for (let i = 0; i < n; i++) r.audit.record({ type: 'io.keyward.authentication', method: 'keyward.Verify', subject: 'crn://keyward/organization=o', status: 'SUCCESS' });
    };
    record(300);
    await r.audit.flush();
    now = new Date(now.getTime() + 100 * 86_400_000); // the first events are now expired
    let writing = true;
    const writer = (async () => {
      let rounds = 0;
      while (writing && rounds < 200) {
        record(40);
        await r.audit.flush();
        if (rounds % 20 === 0) {
          const other = createAuditLog({ db: r.store.db, key: r.audit.key, source: 's', clock: () => now });
          await other.transaction(async (_trx, add) => add({ type: 'io.keyward.management', method: 'iam.CreateServiceAccount', subject: 's', status: 'SUCCESS' }));
          await other.close();
        }
        rounds += 1;
      }
    })();
    const pruning = pruneAuditEvents({ db: r.store.db, key: r.audit.key, clock: () => now, days: 90, batchSize: 50 });
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await verifyAuditChains(r.store.db, r.audit.key, { retentionDays: 90, now }));
    const checkpoint = await takeCheckpoint(r.store.db, r.audit.key, 'o', now);
    writing = false;
    await writer;
    expect((await pruning).deleted).toBeGreaterThan(0);
    for (const result of results) expect(result.firstBroken).toBeUndefined();
    const final = await verifyAuditChains(r.store.db, r.audit.key, { retentionDays: 90, now, anchor: checkpoint });
    expect(final.firstBroken).toBeUndefined();
    expect(final.ok).toBe(true);
  });
});

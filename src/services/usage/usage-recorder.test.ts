import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openStore, type Store } from '../../store/connect.js';
import { apiKeyUsageRepo } from '../../store/repositories/api-key-usage.js';
import type { Executor } from '../../store/repositories/executor.js';
import { UsageRecorder } from './usage-recorder.js';
import { pruneApiKeyUsage } from './usage-retention.js';

const MINUTE = 29_539_354;

describe('usage recorder', () => {
  let dir: string;
  let store: Store;
  const recorders: UsageRecorder[] = [];
  const recorder = (options: ConstructorParameters<typeof UsageRecorder>[1] = {}, db: Executor = store.db) => {
    const r = new UsageRecorder(db, { intervalMs: 3_600_000, onError: () => undefined, ...options });
    recorders.push(r);
    return r;
  };
  const rows = async () => store.db.selectFrom('api_key_usage').selectAll().orderBy('api_key').orderBy('minute').orderBy('outcome').execute();

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyward-usage-'));
    store = await openStore({ dataDir: dir });
    await migrateToLatest(store.db);
  });
  afterEach(async () => {
    for (const r of recorders.splice(0)) await r.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('merges adds per key, minute and outcome, and adds to what is stored', async () => {
    const r = recorder();
    r.add('KEYA', MINUTE, 'VALID', 3);
    r.add('KEYA', MINUTE, 'VALID', 4);
    r.add('KEYA', MINUTE, 'FORBIDDEN', 1);
    r.add('KEYA', MINUTE + 1, 'VALID', 2);
    r.add('KEYB', MINUTE, 'VALID', 0);
    expect(r.pendingRows).toBe(3);
    await r.flush();
    expect(r.pendingRows).toBe(0);
    r.add('KEYA', MINUTE, 'VALID', 10);
    await r.flush();
    expect(await rows()).toEqual([
      { api_key: 'KEYA', minute: MINUTE, outcome: 'FORBIDDEN', count: 1 },
      { api_key: 'KEYA', minute: MINUTE, outcome: 'VALID', count: 17 },
      { api_key: 'KEYA', minute: MINUTE + 1, outcome: 'VALID', count: 2 },
    ]);
  });

  it('writes large batches in several statements', async () => {
    const r = recorder({ batchRows: 7 });
    for (let i = 0; i < 100; i++) r.add(`K${String(i % 10).padStart(2, '0')}`, MINUTE + Math.floor(i / 10), 'VALID', i + 1);
    await r.flush();
    const stored = await rows();
    expect(stored).toHaveLength(100);
    expect(stored.reduce((n, row) => n + row.count, 0)).toBe(5050);
  });

  it('writes on its timer', async () => {
    const r = recorder({ intervalMs: 10 });
    r.add('KEYA', MINUTE, 'VALID', 5);
    for (let i = 0; i < 200 && (await rows()).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await rows()).toEqual([{ api_key: 'KEYA', minute: MINUTE, outcome: 'VALID', count: 5 }]);
  });

  it('keeps the counts of a failed write, reports it and writes them later, never twice', async () => {
    let failNext = 0;
    const errors: string[] = [];
    // a store whose insert fails the given number of times, after the first statement of a batch
    let statements = 0;
    const flaky = new Proxy(store.db, {
      get(target, property, receiver) {
        if (property === 'insertInto') {
          return (table: 'api_key_usage') => {
            statements++;
            if (failNext > 0 && statements > 1) {
              failNext--;
              throw new Error('connection lost');
            }
            return target.insertInto(table);
          };
        }
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    const r = recorder({ batchRows: 2, onError: (e) => errors.push(e.message) }, flaky);
    for (const key of ['A', 'B', 'C', 'D', 'E']) r.add(key, MINUTE, 'VALID', 1);
    failNext = 1;
    await r.flush();
    expect(errors).toEqual(['usage counts could not be written (kept, retried): connection lost']);
    expect((await rows()).map((row) => row.api_key)).toEqual(['A', 'B']);
    expect(r.pendingRows).toBe(3);
    r.add('C', MINUTE, 'VALID', 1);
    await r.flush();
    expect((await rows()).map((row) => [row.api_key, row.count])).toEqual([['A', 1], ['B', 1], ['C', 2], ['D', 1], ['E', 1]]);
  });

  it('gives counts up at close after its attempts, and when the buffer is full; says so once', async () => {
    const errors: string[] = [];
    const broken = { insertInto: () => { throw new Error('database is gone'); } } as unknown as Executor;
    const r = recorder({ closeAttempts: 2, maxPending: 2, onError: (e) => errors.push(e.message) }, broken);
    r.add('A', MINUTE, 'VALID', 1);
    r.add('B', MINUTE, 'VALID', 1);
    r.add('C', MINUTE, 'VALID', 5);
    r.add('D', MINUTE, 'VALID', 5);
    r.add('A', MINUTE, 'VALID', 1);
    expect(r.lost).toBe(10);
    await r.close();
    expect(r.lost).toBe(13);
    expect(r.pendingRows).toBe(0);
    expect(errors).toEqual([
      'usage counts are being lost: 2 are waiting to be written',
      'usage counts could not be written (kept, retried): database is gone',
      'usage counts could not be written (kept, retried): database is gone',
      '3 usage counts could not be written before shutdown and are lost',
    ]);
  });

  it('refuses what is not a count of an existing key', () => {
    const r = recorder();
    expect(() => r.add('', MINUTE, 'VALID', 1)).toThrow(RangeError);
    expect(() => r.add('A'.repeat(33), MINUTE, 'VALID', 1)).toThrow(RangeError);
    expect(() => r.add('A', 1.5, 'VALID', 1)).toThrow(RangeError);
    expect(() => r.add('A', MINUTE, 'SUCCESS' as 'VALID', 1)).toThrow(RangeError);
    expect(() => r.add('A', MINUTE, 'VALID', -1)).toThrow(RangeError);
    expect(() => r.add('A', MINUTE, 'VALID', Number.NaN)).toThrow(RangeError);
    expect(r.pendingRows).toBe(0);
  });

  it('accepts adds after close and writes them on the next close', async () => {
    const r = recorder();
    await r.close();
    r.add('A', MINUTE, 'VALID', 2);
    await r.close();
    expect(await rows()).toEqual([{ api_key: 'A', minute: MINUTE, outcome: 'VALID', count: 2 }]);
  });

  it('sums per bucket and per key, and prunes by age in batches', async () => {
    const r = recorder();
    for (let m = 0; m < 120; m++) r.add('A', MINUTE - 60 + m, m % 2 ? 'VALID' : 'INVALID_CREDENTIALS', 1);
    r.add('B', MINUTE, 'VALID', 7);
    await r.flush();
    const start = Math.floor((MINUTE - 60) / 60) * 60;
    const sums = await apiKeyUsageRepo.bucketSums(store.db, 'A', start, start + 180, 60);
    const expected = new Map<string, number>();
    for (let m = 0; m < 120; m++) {
      const id = `${Math.floor((MINUTE - 60 + m) / 60) * 60} ${m % 2 ? 'VALID' : 'INVALID_CREDENTIALS'}`;
      expected.set(id, (expected.get(id) ?? 0) + 1);
    }
    expect(new Map(sums.map((s) => [`${s.start} ${s.outcome}`, s.count]))).toEqual(expected);
    expect(await apiKeyUsageRepo.totalsSince(store.db, ['A', 'B', 'C'], MINUTE)).toEqual(new Map([['A', 60], ['B', 7]]));
    const now = new Date((MINUTE + 30) * 60_000);
    // one day of retention, 20 rows a statement: nothing is older than a day yet
    expect(await pruneApiKeyUsage({ db: store.db, clock: () => now, days: 1, batchSize: 20 })).toBe(0);
    const later = new Date(now.getTime() + 86_400_000);
    expect(await pruneApiKeyUsage({ db: store.db, clock: () => later, days: 1, batchSize: 20 })).toBe(91);
    expect((await rows()).every((row) => row.minute >= MINUTE + 30)).toBe(true);
    expect(await pruneApiKeyUsage({ db: store.db, clock: () => later, days: 0 })).toBe(0);
  });
});

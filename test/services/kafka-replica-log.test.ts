import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../helpers/databases.js';
import { startServices, type ServiceHarness } from './support.js';
import {
  pruneReplicaLog,
  recordReplicaChanges,
  replicaChangesAfter,
  replicaChangesOf,
  replicaLogState,
} from '../../src/services/kafka/replica-log.js';
import { changesSince } from '../../src/services/kafka/replica-changes.js';

describe('replicaChangesOf', () => {
  it('keeps keys, owners and per-principal grants once each; drops signing keys and policy', () => {
    expect(
      replicaChangesOf([
        { kind: 'api-key', id: 'K1' }, { kind: 'api-key', id: 'K1' }, { kind: 'owner', id: 'sa-1' }, { kind: 'grants', principal: 'User:sa-1' },
        { kind: 'signing-keys' }, { kind: 'grants', principal: 'User:sa-1' },
      ]),
    ).toEqual([{ kind: 'api-key', target: 'K1' }, { kind: 'owner', target: 'sa-1' }, { kind: 'grants', target: 'User:sa-1' }]);
    expect(replicaChangesOf([{ kind: 'signing-keys' }])).toEqual([]);
  });

  it('anything that covers everything is one "all"', () => {
    expect(replicaChangesOf([{ kind: 'api-key', id: 'K1' }, { kind: 'grants' }])).toEqual([{ kind: 'all', target: null }]);
    expect(replicaChangesOf([{ kind: 'all' }, { kind: 'owner', id: 'sa-1' }])).toEqual([{ kind: 'all', target: null }]);
  });
});

/** The revision counter and change log on the store itself (migration 0004), both dialects. */
describe.each(DIALECTS)('the replica change log on $name', ({ name, skip, create }) => {
  let db: TestDatabase;
  let h: ServiceHarness;

  beforeAll(async () => {
    if (skip) return;
    db = await create();
    h = await startServices(db);
  });
  afterAll(async () => {
    await h?.close();
  });

  const store = () => h.runtime.store.db;
  const record = (changes: Parameters<typeof recordReplicaChanges>[1], at = new Date('2026-03-01T12:00:00.000Z')) => store().transaction().execute((trx) => recordReplicaChanges(trx, changes, at));

  it.skipIf(skip)(`advances the revision by one per recording transaction, only for replica changes, and never when it rolls back (${name})`, async () => {
    const start = (await replicaLogState(store())).revision;
    expect(await record([{ kind: 'signing-keys' }])).toBeUndefined();
    expect(await record([{ kind: 'api-key', id: 'AAAAAAAAAAAAAAA1' }, { kind: 'owner', id: 'sa-aaaaaa' }])).toBe(start + 1);
    await expect(
      store().transaction().execute(async (trx) => {
        await recordReplicaChanges(trx, [{ kind: 'api-key', id: 'AAAAAAAAAAAAAAA2' }], new Date());
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await record([{ kind: 'grants', principal: 'User:sa-aaaaaa' }])).toBe(start + 2);
    expect((await replicaLogState(store())).revision).toBe(start + 2);
    const rows = await replicaChangesAfter(store(), start);
    expect(rows).toEqual([
      { revision: start + 1, kind: 'api-key', target: 'AAAAAAAAAAAAAAA1' },
      { revision: start + 1, kind: 'owner', target: 'sa-aaaaaa' },
      { revision: start + 2, kind: 'grants', target: 'User:sa-aaaaaa' },
    ]);
  });

  it.skipIf(skip)(`every management change records its revision in its own transaction (${name})`, async () => {
    const before = (await replicaLogState(store())).revision;
    const sa = await h.services.serviceAccounts.create(h.adminCtx, { name: 'log-sa', description: '' });
    expect((await replicaLogState(store())).revision).toBe(before); // a new, unbound account changes no replica
    await h.services.serviceAccounts.disable(h.adminCtx, sa.id);
    expect(await replicaChangesAfter(store(), before)).toEqual([{ revision: before + 1, kind: 'owner', target: sa.id }]);
  });

  it.skipIf(skip)(`reads whole revisions only, at most about the limit (${name})`, async () => {
    const start = (await replicaLogState(store())).revision;
    await record(Array.from({ length: 5 }, (_, i) => ({ kind: 'api-key' as const, id: `BBBBBBBBBBBBBBB${i}` })));
    await record(Array.from({ length: 5 }, (_, i) => ({ kind: 'api-key' as const, id: `CCCCCCCCCCCCCCC${i}` })));
    expect((await replicaChangesAfter(store(), start, 7))!.map((r) => r.revision)).toEqual(Array(5).fill(start + 1));
    expect(await replicaChangesAfter(store(), start, 3)).toBeUndefined(); // one revision is larger than the limit
    expect((await replicaChangesAfter(store(), start, 10))!).toHaveLength(10);
  });

  it.skipIf(skip)(`prunes by age and by count, raising the floor; the stream of a revision below it is told to resync (${name})`, async () => {
    const cluster = { id: 'lkc-nonexx', environmentId: h.admin.environment };
    const old = new Date('2026-01-01T00:00:00.000Z');
    await record([{ kind: 'api-key', id: 'DDDDDDDDDDDDDDD1' }], old);
    const afterOld = (await replicaLogState(store())).revision;
    await record([{ kind: 'api-key', id: 'DDDDDDDDDDDDDDD2' }], new Date('2026-03-01T12:00:00.000Z'));
    const latest = (await replicaLogState(store())).revision;

    // by age: everything up to the old change goes, the recent one stays
    expect(await pruneReplicaLog(store(), new Date('2026-03-01T12:00:00.000Z'), { maxAgeMs: 24 * 3600_000, maxRevisions: 100_000 })).toBe(afterOld);
    expect(await replicaLogState(store())).toEqual({ revision: latest, floor: afterOld });
    expect(await replicaChangesAfter(store(), 0)).toEqual([{ revision: latest, kind: 'api-key', target: 'DDDDDDDDDDDDDDD2' }]);
    expect(await changesSince(store(), h.admin.organization, cluster, afterOld - 1)).toEqual({ kind: 'resync', revision: latest });
    expect(await changesSince(store(), h.admin.organization, cluster, afterOld)).toMatchObject({ kind: 'change', frame: { revision: latest, deleted_keys: ['DDDDDDDDDDDDDDD2'] } });
    expect(await changesSince(store(), h.admin.organization, cluster, latest)).toEqual({ kind: 'none', revision: latest });
    expect(await changesSince(store(), h.admin.organization, cluster, latest + 1)).toEqual({ kind: 'resync', revision: latest });

    // by count: only the last revision is kept
    await record([{ kind: 'owner', id: 'sa-bbbbbb' }]);
    const now = (await replicaLogState(store())).revision;
    expect(await pruneReplicaLog(store(), new Date('2026-03-01T12:00:00.000Z'), { maxAgeMs: 365 * 24 * 3600_000, maxRevisions: 1 })).toBe(now - 1);
    expect(await replicaChangesAfter(store(), 0)).toEqual([{ revision: now, kind: 'owner', target: 'sa-bbbbbb' }]);
    // nothing to prune: the floor stays
    expect(await pruneReplicaLog(store(), new Date('2026-03-01T12:00:00.000Z'), { maxAgeMs: 365 * 24 * 3600_000, maxRevisions: 100 })).toBe(now - 1);
  });

  it.skipIf(skip)(`a change naming no principal makes every stream resync (${name})`, async () => {
    const cluster = { id: 'lkc-nonexx', environmentId: h.admin.environment };
    const before = (await replicaLogState(store())).revision;
    await record([{ kind: 'grants' }]);
    expect(await changesSince(store(), h.admin.organization, cluster, before)).toEqual({ kind: 'resync', revision: before + 1 });
  });
});

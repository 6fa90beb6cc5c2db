import { Migrator, PostgresAdapter, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/helpers/databases.js';
import { eventTarget } from '../../contract/audit-target.js';
import { migrateToLatest, openStore, type Store } from '../connect.js';
import { migrationProvider } from './index.js';

const MANAGEMENT = 'io.keyward.management';

/** A stored event of the schema before 0006 (no target column), with the given type and `data.request`. */
function legacyRow(seq: number, type: string, request: unknown, event?: string) {
  const text = event ?? JSON.stringify({ type, data: { methodName: 'm', ...(request === undefined ? {} : { request }), result: { status: 'SUCCESS' } } });
  return {
    chain: 'old/management', seq, id: `00000000-0000-7000-8000-${String(seq).padStart(12, '0')}`, time: new Date(1_700_000_000_000 + seq).toISOString(),
    type, method: 'm', principal: null, api_key: null, result: 'SUCCESS', event: text, prev_hash: 'p', hash: 'h',
  };
}

describe.each(DIALECTS)('migration 0006 (audit event target) on $name', ({ skip, create }) => {
  let db: TestDatabase | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    await db?.drop();
  });

  it.skipIf(skip)('fills the target of every stored management event by the rule the writer and verify use', async () => {
    db = await create();
    store = await openStore(db.options);
    let migrationTableSchema: string | undefined;
    if (store.db.getExecutor().adapter instanceof PostgresAdapter) {
      migrationTableSchema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db)).rows[0]?.schema;
    }
    const { error } = await new Migrator({ db: store.db, provider: migrationProvider, ...(migrationTableSchema ? { migrationTableSchema } : {}) }).migrateTo('0005_api_key_usage');
    if (error) throw error;

    const cases: Array<[type: string, request: unknown, event?: string]> = [
      [MANAGEMENT, { id: 'UTT6WDRXX7FHD2GV', owner: 'sa-abc123' }],
      [MANAGEMENT, { cluster: 'lkc-abc123', acls: [] }],
      [MANAGEMENT, { changes: {} }],
      [MANAGEMENT, { user: 'u-abc123', api_key: 'ADMINKEY00000000' }],
      [MANAGEMENT, undefined],
      [MANAGEMENT, { id: 'x'.repeat(65) }],
      [MANAGEMENT, undefined, 'not json'],
      ['io.keyward.authentication', { id: 'UTT6WDRXX7FHD2GV' }],
    ];
    // more than one batch of the migration (500 rows)
    for (let n = 0; n < 600; n++) cases.push([MANAGEMENT, { id: `sa-${String(n).padStart(6, '0')}` }]);
    const rows = cases.map(([type, request, event], i) => legacyRow(i + 1, type, request, event));
    // rows of the old schema, which the current table type (with `target`) does not describe
    for (let i = 0; i < rows.length; i += 100) await store.db.insertInto('audit_events').values(rows.slice(i, i + 100) as never).execute();

    await migrateToLatest(store.db);
    const stored = await store.db.selectFrom('audit_events').select(['seq', 'target']).orderBy('seq').execute();
    expect(stored.slice(0, 8).map((r) => r.target)).toEqual(['UTT6WDRXX7FHD2GV', 'lkc-abc123', null, 'ADMINKEY00000000', null, null, null, null]);
    expect(stored.map((r) => r.target)).toEqual(cases.map(([type, request]) => eventTarget(type, request)));
  });
});

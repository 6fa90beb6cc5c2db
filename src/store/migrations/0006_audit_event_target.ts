import type { Kysely } from 'kysely';

/**
 * `audit-log list --target ID` (DESIGN §2): the id of the object a management event is about, as a
 * column with an index on (target, time), so that "who created, rotated, disabled or deleted this
 * key" is an index look-up. The value is `data.request.id` of an `io.keyward.management` event, else
 * its `data.request.api_key` (bootstrap, recover-admin), else its `data.request.cluster` (ACL changes), when a string of at most 64 characters; null otherwise.
 * Existing management events are filled in by that same rule from their stored JSON (one that no
 * longer parses stays null; `audit-log verify` reports it). Frozen in time: it must not import
 * application code.
 */
const MANAGEMENT = 'io.keyward.management';
const MAX_TARGET = 64;
const BATCH = 500;

function targetOf(eventText: string): string | null {
  let request: unknown;
  try {
    request = (JSON.parse(eventText) as { data?: { request?: unknown } }).data?.request;
  } catch {
    return null;
  }
  if (request === null || typeof request !== 'object') return null;
  const { id, api_key: apiKey, cluster } = request as { id?: unknown; api_key?: unknown; cluster?: unknown };
  const value = typeof id === 'string' ? id : typeof apiKey === 'string' ? apiKey : typeof cluster === 'string' ? cluster : null;
  return value !== null && value.length <= MAX_TARGET ? value : null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_events').addColumn('target', 'varchar(64)').execute();
  let after: { chain: string; seq: number } | undefined;
  for (;;) {
    let query = db.selectFrom('audit_events').select(['chain', 'seq', 'event']).where('type', '=', MANAGEMENT);
    if (after) {
      const { chain, seq } = after;
      query = query.where((eb) => eb(eb.refTuple('chain', 'seq'), '>', eb.tuple(chain, seq)));
    }
    const rows: Array<{ chain: string; seq: number | string; event: string }> = await query.orderBy('chain').orderBy('seq').limit(BATCH).execute();
    for (const row of rows) {
      const target = targetOf(row.event);
      if (target !== null) await db.updateTable('audit_events').set({ target }).where('chain', '=', row.chain).where('seq', '=', row.seq).execute();
    }
    const last = rows.at(-1);
    if (!last || rows.length < BATCH) break;
    after = { chain: last.chain, seq: Number(last.seq) };
  }
  await db.schema.createIndex('audit_events_target').on('audit_events').columns(['target', 'time']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_events_target').execute();
  await db.schema.alterTable('audit_events').dropColumn('target').execute();
}

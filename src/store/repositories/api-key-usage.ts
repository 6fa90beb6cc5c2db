import { sql } from 'kysely';
import type { ApiKeyUsageTable } from '../database.js';
import type { Executor } from './executor.js';

export type ApiKeyUsageRow = ApiKeyUsageTable;

/** Minutes per bucket the sums may be grouped by: inlined in the SQL, so only these. */
const BUCKET_MINUTES: ReadonlySet<number> = new Set([1, 5, 15, 60, 360, 1440]);

export const apiKeyUsageRepo = {
  /**
   * Adds each row's count to the stored one (inserting it when absent), in one statement. The rows
   * must be distinct on (api_key, minute, outcome); callers pass them sorted by it, so that two
   * instances upserting overlapping batches lock rows in the same order and cannot deadlock.
   */
  async add(db: Executor, rows: readonly ApiKeyUsageRow[]): Promise<void> {
    if (rows.length === 0) return;
    await db
      .insertInto('api_key_usage')
      .values(rows.map((r) => ({ api_key: r.api_key, minute: r.minute, outcome: r.outcome, count: r.count })))
      .onConflict((oc) => oc.columns(['api_key', 'minute', 'outcome']).doUpdateSet({ count: (eb) => eb('api_key_usage.count', '+', eb.ref('excluded.count')) }))
      .execute();
  },

  /**
   * The key's counts in [fromMinute, toMinute), summed per outcome and bucket of `bucketMinutes`
   * (buckets counted from the epoch, so UTC-aligned); `start` is the bucket's first epoch minute.
   */
  async bucketSums(db: Executor, apiKey: string, fromMinute: number, toMinute: number, bucketMinutes: number): Promise<Array<{ start: number; outcome: string; count: number }>> {
    if (!BUCKET_MINUTES.has(bucketMinutes)) throw new Error(`unsupported bucket of ${bucketMinutes} minutes`);
    const bucket = sql<number>`${sql.ref('minute')} / ${sql.lit(bucketMinutes)}`;
    const rows = await db
      .selectFrom('api_key_usage')
      .select([bucket.as('bucket'), 'outcome', (eb) => eb.fn.sum<number | string>('count').as('n')])
      .where('api_key', '=', apiKey)
      .where('minute', '>=', fromMinute)
      .where('minute', '<', toMinute)
      .groupBy([bucket, 'outcome'])
      .execute();
    return rows.map((r) => ({ start: Number(r.bucket) * bucketMinutes, outcome: r.outcome, count: Number(r.n) }));
  },

  /**
   * Like bucketSums, for many keys in one grouped statement: each key's counts in [fromMinute,
   * toMinute) per bucket and outcome, of every key (`apiKeys` undefined) or of the keys listed. Keys
   * without counts in the window are absent.
   */
  async bucketSumsByKey(
    db: Executor,
    apiKeys: readonly string[] | undefined,
    fromMinute: number,
    toMinute: number,
    bucketMinutes: number,
  ): Promise<Array<{ apiKey: string; start: number; outcome: string; count: number }>> {
    if (!BUCKET_MINUTES.has(bucketMinutes)) throw new Error(`unsupported bucket of ${bucketMinutes} minutes`);
    if (apiKeys !== undefined && apiKeys.length === 0) return [];
    const bucket = sql<number>`${sql.ref('minute')} / ${sql.lit(bucketMinutes)}`;
    let query = db
      .selectFrom('api_key_usage')
      .select(['api_key', bucket.as('bucket'), 'outcome', (eb) => eb.fn.sum<number | string>('count').as('n')])
      .where('minute', '>=', fromMinute)
      .where('minute', '<', toMinute);
    if (apiKeys !== undefined) query = query.where('api_key', 'in', apiKeys);
    const rows = await query.groupBy(['api_key', bucket, 'outcome']).execute();
    return rows.map((r) => ({ apiKey: r.api_key, start: Number(r.bucket) * bucketMinutes, outcome: r.outcome, count: Number(r.n) }));
  },

  /** Each key's total since `fromMinute` (keys without counts are absent). */
  async totalsSince(db: Executor, apiKeys: readonly string[], fromMinute: number): Promise<Map<string, number>> {
    const totals = new Map<string, number>();
    if (apiKeys.length === 0) return totals;
    const rows = await db
      .selectFrom('api_key_usage')
      .select(['api_key', (eb) => eb.fn.sum<number | string>('count').as('n')])
      .where('api_key', 'in', apiKeys)
      .where('minute', '>=', fromMinute)
      .groupBy('api_key')
      .execute();
    for (const r of rows) totals.set(r.api_key, Number(r.n));
    return totals;
  },

  /** Removes up to `limit` rows older than `beforeMinute`; returns how many it removed. */
  async pruneBefore(db: Executor, beforeMinute: number, limit: number): Promise<number> {
    // In batches by primary key (row values: SQLite 3.15+, PostgreSQL), so a big prune is many short statements.
    const result = await sql`delete from api_key_usage where (api_key, minute, outcome) in
      (select api_key, minute, outcome from api_key_usage where minute < ${beforeMinute} limit ${Math.trunc(limit)})`.execute(db);
    return Number(result.numAffectedRows ?? 0);
  },

  /** Removes every row of the key (deleted with it, in the caller's transaction). */
  async deleteForKey(db: Executor, apiKey: string): Promise<void> {
    await db.deleteFrom('api_key_usage').where('api_key', '=', apiKey).execute();
  },

  /** Removes every row of the keys whose owner or resource is `value` (deleted with them, in the caller's transaction). */
  async deleteForKeysWhere(db: Executor, column: 'owner_id' | 'resource_id', value: string): Promise<void> {
    await db.deleteFrom('api_key_usage').where('api_key', 'in', db.selectFrom('api_keys').select('id').where(column, '=', value)).execute();
  },
};

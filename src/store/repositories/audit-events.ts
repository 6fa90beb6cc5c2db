import type { ExpressionBuilder, SelectQueryBuilder } from 'kysely';
import type { AuditEventsTable, Database } from '../database.js';
import type { Executor } from './executor.js';

export type AuditEventRow = AuditEventsTable;

/** Filters on the indexed columns. Times are ISO-8601 strings as written (UTC, milliseconds). */
export interface AuditEventFilter {
  /** The API key that authenticated (the `identifier` of the event's authentication info). */
  apiKey?: string;
  principal?: string;
  /** Full CloudEvents type, e.g. `io.keyward.management`. */
  type?: string;
  /** `success`: status SUCCESS; `failure`: any other status. */
  result?: 'success' | 'failure';
  /** Inclusive lower bound on `time`. */
  since?: string;
  /** Exclusive upper bound on `time`. */
  until?: string;
  /** Management events about this object: the `target` column, matched exactly. */
  target?: string;
}

/** Position in the (time, chain, seq) order: the keyset of pagination and export. */
export interface AuditCursor {
  time: string;
  chain: string;
  seq: number;
}

type AuditQuery = SelectQueryBuilder<Database, 'audit_events', object>;

function applyFilter(query: AuditQuery, filter: AuditEventFilter): AuditQuery {
  let q = query;
  if (filter.apiKey !== undefined) q = q.where('api_key', '=', filter.apiKey);
  if (filter.principal !== undefined) q = q.where('principal', '=', filter.principal);
  if (filter.type !== undefined) q = q.where('type', '=', filter.type);
  if (filter.result === 'success') q = q.where('result', '=', 'SUCCESS');
  if (filter.result === 'failure') q = q.where('result', '<>', 'SUCCESS');
  if (filter.since !== undefined) q = q.where('time', '>=', filter.since);
  if (filter.until !== undefined) q = q.where('time', '<', filter.until);
  if (filter.target !== undefined) q = q.where('target', '=', filter.target);
  return q;
}

function keyset(direction: '<' | '>', cursor: AuditCursor) {
  return (eb: ExpressionBuilder<Database, 'audit_events'>) =>
    eb(eb.refTuple('time', 'chain', 'seq'), direction, eb.tuple(cursor.time, cursor.chain, cursor.seq));
}

export function cursorOf(row: Pick<AuditEventRow, 'time' | 'chain' | 'seq'>): AuditCursor {
  return { time: row.time, chain: row.chain, seq: Number(row.seq) };
}

export const auditEventsRepo = {
  /** Newest first, `limit` rows strictly after `after` in that order. */
  async listNewestFirst(db: Executor, filter: AuditEventFilter, limit: number, after?: AuditCursor): Promise<AuditEventRow[]> {
    let query = applyFilter(db.selectFrom('audit_events'), filter);
    if (after) query = query.where(keyset('<', after));
    const rows = await query.selectAll().orderBy('time', 'desc').orderBy('chain', 'desc').orderBy('seq', 'desc').limit(limit).execute();
    return rows.map(normalise);
  },

  /**
   * Oldest first (time, then chain and seq), read in batches by keyset so that neither the
   * database nor the caller holds more than one batch: the reader behind export.
   */
  async *streamOldestFirst(db: Executor, filter: AuditEventFilter, batchSize = 500): AsyncGenerator<AuditEventRow> {
    let after: AuditCursor | undefined;
    for (;;) {
      let query = applyFilter(db.selectFrom('audit_events'), filter);
      if (after) query = query.where(keyset('>', after));
      const rows = await query.selectAll().orderBy('time').orderBy('chain').orderBy('seq').limit(batchSize).execute();
      for (const row of rows) yield normalise(row);
      const last = rows.at(-1);
      if (!last || rows.length < batchSize) return;
      after = cursorOf(last);
    }
  },

  /** Every chain with stored events, by name. */
  async chains(db: Executor): Promise<Array<{ chain: string; events: number }>> {
    const rows = await db
      .selectFrom('audit_events')
      .select(['chain', (eb) => eb.fn.countAll<number>().as('events')])
      .groupBy('chain')
      .orderBy('chain')
      .execute();
    return rows.map((r) => ({ chain: r.chain, events: Number(r.events) }));
  },

  /** One chain in seq order (after `afterSeq` when given), read in batches. */
  async *streamChain(db: Executor, chain: string, afterSeq?: number, batchSize = 1000): AsyncGenerator<AuditEventRow> {
    let after = afterSeq ?? Number.NEGATIVE_INFINITY;
    for (;;) {
      let query = db.selectFrom('audit_events').selectAll().where('chain', '=', chain);
      if (after !== Number.NEGATIVE_INFINITY) query = query.where('seq', '>', after);
      const rows = await query.orderBy('seq').limit(batchSize).execute();
      for (const row of rows) yield normalise(row);
      const last = rows.at(-1);
      if (!last || rows.length < batchSize) return;
      after = Number(last.seq);
    }
  },

  /**
   * The chains holding events older than the cutoff, each with the seq below which retention may
   * remove events: the chain's oldest run of events that are all older than the cutoff. Stopping
   * at the first newer event keeps every chain contiguous even if times are not monotonic, and the
   * bound is fixed now, so events appended meanwhile are never touched.
   */
  async expiredChains(db: Executor, cutoff: string): Promise<Array<{ chain: string; pruneBelow: number }>> {
    const chains = await db
      .selectFrom('audit_events')
      .select(['chain', (eb) => eb.fn.max<number>('seq').as('last_expired')])
      .where('time', '<', cutoff)
      .groupBy('chain')
      .orderBy('chain')
      .execute();
    const result: Array<{ chain: string; pruneBelow: number }> = [];
    for (const { chain, last_expired } of chains) {
      const kept = await db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.min<number>('seq').as('seq'))
        .where('chain', '=', chain)
        .where('time', '>=', cutoff)
        .executeTakeFirst();
      const firstKept = kept?.seq === null || kept?.seq === undefined ? Number.POSITIVE_INFINITY : Number(kept.seq);
      result.push({ chain, pruneBelow: Math.min(firstKept, Number(last_expired) + 1) });
    }
    return result;
  },

  /** The oldest events of a chain below `belowSeq` (exclusive), at most `limit`, in seq order. */
  async chainPrefix(db: Executor, chain: string, belowSeq: number, limit: number): Promise<Array<{ seq: number; hash: string }>> {
    const rows = await db
      .selectFrom('audit_events')
      .select(['seq', 'hash'])
      .where('chain', '=', chain)
      .where('seq', '<', belowSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ seq: Number(r.seq), hash: r.hash }));
  },

  async deleteChainThrough(db: Executor, chain: string, throughSeq: number): Promise<number> {
    const result = await db.deleteFrom('audit_events').where('chain', '=', chain).where('seq', '<=', throughSeq).executeTakeFirst();
    return Number(result.numDeletedRows);
  },
};

/** PostgreSQL's BIGINT arrives as a number through the connect.ts type parser; SQLite's as a number too. */
function normalise(row: AuditEventRow): AuditEventRow {
  return { ...row, seq: Number(row.seq) };
}

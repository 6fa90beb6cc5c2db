import { CompiledQuery, PostgresAdapter } from 'kysely';
import type { AuditChainsTable, AuditCheckpointsTable, AuditEventsTable, AuditRegistryTable } from '../database.js';
import type { Executor } from './executor.js';

export type AuditChainRow = AuditChainsTable;
export type AuditRegistryRow = AuditRegistryTable;
export type AuditCheckpointRow = AuditCheckpointsTable;

/** A head move: applied only if the stored head is still the one the writer holds. */
export interface HeadAdvance {
  name: string;
  fromSeq: number;
  fromHash: string;
  toSeq: number;
  toHash: string;
  mac: string;
}

/** Row locks exist on PostgreSQL; SQLite serialises writers on the database itself. */
function locks(db: Executor): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

function normalise(row: AuditChainRow): AuditChainRow {
  return { ...row, pid: Number(row.pid), keyed: Number(row.keyed), head_seq: Number(row.head_seq), floor_seq: Number(row.floor_seq) };
}

/** The SQL of a head move, for the SQLite batch writer thread (same statement as `advanceHead`). */
export const ADVANCE_HEAD_SQL = 'UPDATE audit_chains SET head_seq = ?, head_hash = ?, head_mac = ? WHERE name = ? AND head_seq = ? AND head_hash = ?';

/** The audit event columns in their stored order: one row of a batch is these values. */
export const AUDIT_EVENT_COLUMNS = ['chain', 'seq', 'id', 'time', 'type', 'method', 'principal', 'api_key', 'result', 'event', 'prev_hash', 'hash', 'target'] as const;

/** The SQL of one audit event row, for the SQLite batch writer thread. */
export const INSERT_AUDIT_EVENT_SQL = `INSERT INTO audit_events (${AUDIT_EVENT_COLUMNS.join(', ')}) VALUES (${AUDIT_EVENT_COLUMNS.map(() => '?').join(', ')})`;

/** Row locks exist on PostgreSQL: so do data-modifying CTEs (`insertWithHeadMove`). */
export const supportsSingleStatementBatch = locks;

const insertWithHeadMoveTexts = new Map<number, string>();

function insertWithHeadMoveSql(rows: number): string {
  let text = insertWithHeadMoveTexts.get(rows);
  if (text !== undefined) return text;
  const values: string[] = [];
  for (let i = 0, p = 7; i < rows; i++, p += AUDIT_EVENT_COLUMNS.length) {
    values.push(`(${AUDIT_EVENT_COLUMNS.map((column, c) => (column === 'seq' ? `$${p + c}::bigint` : `$${p + c}`)).join(', ')})`);
  }
  const columns = AUDIT_EVENT_COLUMNS.join(', ');
  text =
    'with moved as (update audit_chains set head_seq = $1, head_hash = $2, head_mac = $3 where name = $4 and head_seq = $5 and head_hash = $6 returning name) ' +
    `insert into audit_events (${columns}) ` +
    `select v.* from (values ${values.join(', ')}) as v (${columns}), moved`;
  if (insertWithHeadMoveTexts.size < 64) insertWithHeadMoveTexts.set(rows, text);
  return text;
}

export const auditChainsRepo = {
  /**
   * PostgreSQL: inserts a batch of events and moves the chain's head in ONE statement (one round
   * trip, atomic without a transaction): the events are inserted only if the conditional head move
   * matched. False (nothing written) when the head was not where the writer left it.
   */
  async insertWithHeadMove(db: Executor, rows: AuditEventsTable[], move: HeadAdvance): Promise<boolean> {
    // the statement's text depends on the row count only; parameters bound as they are (no query tree)
    const parameters: unknown[] = [move.toSeq, move.toHash, move.mac, move.name, move.fromSeq, move.fromHash];
    for (const r of rows) for (const column of AUDIT_EVENT_COLUMNS) parameters.push(r[column]);
    const result = await db.executeQuery(CompiledQuery.raw(insertWithHeadMoveSql(rows.length), parameters));
    return Number(result.numAffectedRows ?? 0) === rows.length;
  },

  async all(db: Executor): Promise<AuditChainRow[]> {
    return (await db.selectFrom('audit_chains').selectAll().orderBy('name').execute()).map(normalise);
  },

  async get(db: Executor, name: string, options: { lock?: boolean } = {}): Promise<AuditChainRow | undefined> {
    let query = db.selectFrom('audit_chains').selectAll().where('name', '=', name);
    if (options.lock && locks(db)) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? normalise(row) : undefined;
  },

  async insert(db: Executor, row: AuditChainRow): Promise<void> {
    await db.insertInto('audit_chains').values(row).execute();
  },

  /** False when the stored head is not the expected one (someone else moved or rewrote it). */
  async advanceHead(db: Executor, move: HeadAdvance): Promise<boolean> {
    const result = await db
      .updateTable('audit_chains')
      .set({ head_seq: move.toSeq, head_hash: move.toHash, head_mac: move.mac })
      .where('name', '=', move.name)
      .where('head_seq', '=', move.fromSeq)
      .where('head_hash', '=', move.fromHash)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },

  async setFloor(db: Executor, floor: { name: string; seq: number; hash: string; mac: string }): Promise<void> {
    await db.updateTable('audit_chains').set({ floor_seq: floor.seq, floor_hash: floor.hash, floor_mac: floor.mac }).where('name', '=', floor.name).execute();
  },

  async seal(db: Executor, name: string, macs: { head_mac: string; floor_mac: string }): Promise<void> {
    await db.updateTable('audit_chains').set(macs).where('name', '=', name).execute();
  },

  /** The registry's seal row; `lock` takes it for update on PostgreSQL (chain registration serialises on it). */
  async registry(db: Executor, options: { lock?: 'update' | 'share' } = {}): Promise<AuditRegistryRow | undefined> {
    let query = db.selectFrom('audit_registry').selectAll().where('id', '=', 1);
    if (options.lock === 'update' && locks(db)) query = query.forUpdate();
    if (options.lock === 'share' && locks(db)) query = query.forShare();
    const row = await query.executeTakeFirst();
    return row ? { ...row, chains: Number(row.chains) } : undefined;
  },

  async updateRegistry(db: Executor, row: Omit<AuditRegistryRow, 'id'>): Promise<void> {
    await db.updateTable('audit_registry').set(row).where('id', '=', 1).execute();
  },

  async insertCheckpoint(db: Executor, row: AuditCheckpointRow): Promise<void> {
    await db.insertInto('audit_checkpoints').values(row).execute();
  },

  async latestCheckpoint(db: Executor): Promise<AuditCheckpointRow | undefined> {
    return db.selectFrom('audit_checkpoints').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  },
};

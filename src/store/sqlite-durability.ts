import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { AuditEventsTable } from './database.js';
import { ADVANCE_HEAD_SQL, AUDIT_EVENT_COLUMNS, INSERT_AUDIT_EVENT_SQL, type HeadAdvance } from './repositories/audit-chains.js';
import { LAST_USED_ROWS_PER_STATEMENT, lastUsedUpdateSql } from './repositories/api-keys.js';

/**
 * The SQLite batch writer: a thread of its own with its own connection to the store, which writes
 * the data-plane audit batches and the coalesced `last_used` updates, so that neither an INSERT nor
 * a WAL checkpoint (which the committing connection runs, copying megabytes and syncing twice) ever
 * runs on the event loop. The event loop only hands the rows over (one message per batch).
 *
 * Durability (issue 8, DESIGN §9). The store's own connection runs `synchronous=FULL`: every
 * management commit is on disk when it is acknowledged, so a power loss cannot undo a revocation.
 * The writer's connection runs `synchronous=NORMAL` (an fsync per batch would cap the batch rate),
 * and fsyncs the WAL within `syncIntervalMs` after a batch; any FULL commit in between (a
 * management change) syncs them too.
 *
 * Guarantee: a data-plane audit event is written within the audit flush interval (250 ms) and on
 * disk within `syncIntervalMs` (1 s) after that; a power loss can lose at most that last ~1.25 s of
 * data-plane audit events and `last_used` moves, never an acknowledged management change or its
 * audit events. Both connections wait up to 5 s for the other's write lock; the writer's
 * transactions are one batch each (a few ms at most).
 */
export interface SqliteBatchWriter {
  /**
   * Inserts audit rows and moves their chain's registered head, in one transaction. False (nothing
   * written) when the head was not at `head.fromSeq`/`head.fromHash`.
   */
  audit(rows: AuditEventsTable[], head: HeadAdvance): Promise<boolean>;
  /** Sets each key's `last_used` to its time (ISO 8601) unless it already is at or past it. */
  lastUsed(ids: string[], times: string[]): Promise<void>;
  /** Syncs the WAL and ends the thread: call before closing the store. */
  close(): Promise<void>;
}

const AUDIT_COLUMNS = AUDIT_EVENT_COLUMNS.length;

interface Request {
  n: number;
  op: 'audit' | 'lastUsed' | 'close';
  values?: unknown[];
  head?: HeadAdvance;
  /** lastUsed: the statement for `values` (lastUsedUpdateSql), one per batch size. */
  sql?: string;
}

interface Reply {
  n: number;
  ok?: boolean;
  error?: string;
}

/**
 * The thread's program. It runs in the worker from its source text (`eval`), so it references
 * nothing but its parameters: the same source works from dist/ and under the test runner.
 */
function writerThread(
  port: { on(event: 'message', listener: (request: Request) => void): void; postMessage(reply: Reply): void },
  data: { path: string; syncIntervalMs: number; insertAuditEventSql: string; advanceHeadSql: string; auditColumns: number },
  Sqlite: new (path: string, options: { fileMustExist: boolean }) => {
    pragma(text: string): unknown;
    prepare(text: string): { run(...values: unknown[]): { changes: number } };
    transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
    close(): void;
  },
  fs: { openSync(path: string, flags: string): number; fsyncSync(fd: number): void; closeSync(fd: number): void },
): void {
  const db = new Sqlite(data.path, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  const insert = db.prepare(data.insertAuditEventSql);
  const advance = db.prepare(data.advanceHeadSql);
  const columns = data.auditColumns;
  const moved = { moved: true };
  const auditBatch = db.transaction((values: unknown[], head: HeadAdvance) => {
    for (let i = 0; i < values.length; i += columns) insert.run(...values.slice(i, i + columns));
    if (advance.run(head.toSeq, head.toHash, head.mac, head.name, head.fromSeq, head.fromHash).changes !== 1) throw moved;
  });
  // the last_used statements, prepared once per text (one per batch size)
  const updates = new Map<string, { run(...values: unknown[]): { changes: number } }>();
  const touch = (sql: string, values: unknown[]) => {
    let statement = updates.get(sql);
    if (!statement) updates.set(sql, (statement = db.prepare(sql)));
    statement.run(...values);
  };
  let dirty = false;
  const syncWal = () => {
    if (!dirty) return;
    dirty = false;
    let fd: number | undefined;
    try {
      fd = fs.openSync(`${data.path}-wal`, 'r');
      fs.fsyncSync(fd);
    } catch {
      // no WAL file: checkpointed and removed, nothing to sync
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  };
  const timer = setInterval(syncWal, data.syncIntervalMs);
  port.on('message', (request) => {
    try {
      if (request.op === 'close') {
        clearInterval(timer);
        syncWal();
        db.close();
        port.postMessage({ n: request.n, ok: true });
        return;
      }
      const values = request.values as unknown[];
      if (request.op === 'audit') {
        try {
          auditBatch(values, request.head as HeadAdvance);
        } catch (error) {
          if (error === moved) {
            port.postMessage({ n: request.n, ok: false });
            return;
          }
          throw error;
        }
      } else {
        touch(request.sql as string, values);
      }
      dirty = true;
      port.postMessage({ n: request.n, ok: true });
    } catch (error) {
      port.postMessage({ n: request.n, error: (error as Error).message ?? String(error) });
    }
  });
}

const SOURCE =
  '"use strict"; var __name = (f) => f;\n' +
  "const { parentPort, workerData } = require('node:worker_threads');\n" +
  `(${writerThread.toString()})(parentPort, workerData, require(workerData.sqliteModule), require('node:fs'));\n`;

/** Starts the batch writer thread on the store at `path` (opened by the store first: WAL mode, migrated). */
export function startSqliteBatchWriter(path: string, syncIntervalMs = 1000): SqliteBatchWriter {
  const sqliteModule = createRequire(import.meta.url).resolve('better-sqlite3');
  const pending = new Map<number, { resolve: (ok: boolean) => void; reject: (error: Error) => void }>();
  let next = 0;
  let worker: Worker | undefined;
  let closed = false;

  function failAll(error: Error): void {
    worker = undefined;
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  }

  function thread(): Worker {
    if (worker) return worker;
    const started = new Worker(SOURCE, { eval: true, workerData: { path, syncIntervalMs, sqliteModule, insertAuditEventSql: INSERT_AUDIT_EVENT_SQL, advanceHeadSql: ADVANCE_HEAD_SQL, auditColumns: AUDIT_COLUMNS } });
    started.unref();
    started.on('message', (reply: Reply) => {
      const call = pending.get(reply.n);
      if (!call) return;
      pending.delete(reply.n);
      if (pending.size === 0) started.unref();
      if (reply.error !== undefined) call.reject(new Error(reply.error));
      else call.resolve(reply.ok === true);
    });
    // a thread that died is started again by the next call; its calls fail (and are retried)
    started.on('error', (error) => {
      if (worker === started) failAll(error);
    });
    started.on('exit', (code) => {
      if (worker === started) failAll(new Error(`the SQLite batch writer thread exited (code ${code})`));
    });
    worker = started;
    return started;
  }

  function call(request: Omit<Request, 'n'>): Promise<boolean> {
    if (closed) return Promise.reject(new Error('the SQLite batch writer is closed'));
    const target = thread();
    const n = ++next;
    return new Promise((resolve, reject) => {
      pending.set(n, { resolve, reject });
      // held while an answer is awaited: a shutdown's last flush is not cut short
      target.ref();
      target.postMessage({ ...request, n });
    });
  }

  return {
    audit(rows, head) {
      const values: unknown[] = new Array(rows.length * AUDIT_COLUMNS);
      let i = 0;
      for (const r of rows) for (const column of AUDIT_EVENT_COLUMNS) values[i++] = r[column];
      return call({ op: 'audit', values, head });
    },
    async lastUsed(ids, times) {
      // one statement (and one message) per part; the thread applies them in order
      const rows = LAST_USED_ROWS_PER_STATEMENT.sqlite;
      const parts: Promise<boolean>[] = [];
      for (let start = 0; start < ids.length; start += rows) {
        const n = Math.min(rows, ids.length - start);
        const values: unknown[] = new Array(2 * n);
        for (let j = 0; j < n; j++) {
          values[2 * j] = ids[start + j];
          values[2 * j + 1] = times[start + j];
        }
        parts.push(call({ op: 'lastUsed', values, sql: lastUsedUpdateSql('sqlite', n) }));
      }
      await Promise.all(parts);
    },
    async close() {
      if (closed) return;
      if (worker) {
        const ending = worker;
        await call({ op: 'close' });
        await ending.terminate();
      }
      closed = true;
    },
  };
}

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { AuditEventsTable } from './database.js';
import type { HeadAdvance } from './repositories/audit-chains.js';

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

const AUDIT_COLUMNS = 12;

interface Request {
  n: number;
  op: 'audit' | 'lastUsed' | 'close';
  values?: unknown[];
  head?: HeadAdvance;
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
  data: { path: string; syncIntervalMs: number },
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
  const insert = db.prepare(
    'INSERT INTO audit_events (chain, seq, id, time, type, method, principal, api_key, result, event, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const advance = db.prepare('UPDATE audit_chains SET head_seq = ?, head_hash = ?, head_mac = ? WHERE name = ? AND head_seq = ? AND head_hash = ?');
  const moved = { moved: true };
  const auditBatch = db.transaction((values: unknown[], head: HeadAdvance) => {
    for (let i = 0; i < values.length; i += 12) {
      insert.run(values[i], values[i + 1], values[i + 2], values[i + 3], values[i + 4], values[i + 5], values[i + 6], values[i + 7], values[i + 8], values[i + 9], values[i + 10], values[i + 11]);
    }
    if (advance.run(head.toSeq, head.toHash, head.mac, head.name, head.fromSeq, head.fromHash).changes !== 1) throw moved;
  });
  // one statement per batch size: last_used moves forward only, a key it does not name is untouched
  const updates = new Map<number, { run(...values: unknown[]): { changes: number } }>();
  const touch = (values: unknown[]) => {
    const rows = values.length / 2;
    let statement = updates.get(rows);
    if (!statement) {
      statement = db.prepare(
        `UPDATE api_keys SET last_used = v.column2 FROM (VALUES ${new Array(rows).fill('(?, ?)').join(', ')}) AS v ` +
          'WHERE api_keys.id = v.column1 AND (api_keys.last_used IS NULL OR api_keys.last_used < v.column2)',
      );
      updates.set(rows, statement);
    }
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
        for (let i = 0; i < values.length; i += 400) touch(values.slice(i, i + 400));
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
    const started = new Worker(SOURCE, { eval: true, workerData: { path, syncIntervalMs, sqliteModule } });
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
      for (const r of rows) {
        values[i++] = r.chain;
        values[i++] = r.seq;
        values[i++] = r.id;
        values[i++] = r.time;
        values[i++] = r.type;
        values[i++] = r.method;
        values[i++] = r.principal;
        values[i++] = r.api_key;
        values[i++] = r.result;
        values[i++] = r.event;
        values[i++] = r.prev_hash;
        values[i++] = r.hash;
      }
      return call({ op: 'audit', values, head });
    },
    async lastUsed(ids, times) {
      const values: unknown[] = new Array(ids.length * 2);
      for (let i = 0; i < ids.length; i++) {
        values[2 * i] = ids[i];
        values[2 * i + 1] = times[i];
      }
      await call({ op: 'lastUsed', values });
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

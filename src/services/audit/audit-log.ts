import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/database.js';
import { buildCloudEvent, type AuditInput, type CloudEvent } from './cloud-event.js';
import { eventHash, GENESIS_HASH } from './chain.js';
import { Mutex } from './mutex.js';

type Executor = Kysely<Database>;

/**
 * One writer of one hash chain. Appends are serialised; the in-memory head moves only after the
 * rows are committed, so a rolled-back transaction leaves the chain intact.
 */
class ChainWriter {
  private seq = 0;
  private head = GENESIS_HASH;
  readonly mutex = new Mutex();

  constructor(readonly chain: string) {}

  prepare(events: ReturnType<typeof buildCloudEvent>[]): { rows: CloudEvent[]; commit: () => void } {
    let seq = this.seq;
    let prev = this.head;
    const rows: CloudEvent[] = [];
    for (const event of events) {
      seq += 1;
      // the events are fresh objects: chain them in place rather than copy them twice
      const row = event as CloudEvent;
      row.keywardchain = this.chain;
      row.keywardseq = seq;
      row.keywardprevhash = prev;
      row.keywardhash = eventHash(row);
      rows.push(row);
      prev = row.keywardhash;
    }
    return {
      rows,
      commit: () => {
        this.seq = seq;
        this.head = prev;
      },
    };
  }
}

/** The indexed columns of a stored event, derived from the event itself (verify checks them against it). */
export function toRow(event: CloudEvent) {
  const data = event.data as { methodName: string; authenticationInfo?: { principal?: string | null; metadata?: { identifier?: string } }; result: { status: string } };
  return {
    chain: event.keywardchain,
    seq: event.keywardseq,
    id: event.id,
    time: event.time,
    type: event.type,
    method: data.methodName,
    principal: data.authenticationInfo?.principal ?? null,
    api_key: data.authenticationInfo?.metadata?.identifier ?? null,
    result: data.result.status,
    event: JSON.stringify(event),
    prev_hash: event.keywardprevhash,
    hash: event.keywardhash,
  };
}

export interface AuditLogOptions {
  db: Kysely<Database>;
  source: string;
  clock: () => Date;
  /** Flush interval of the data-plane buffer in ms (default 250; events are durable within a second). */
  flushIntervalMs?: number;
  /** Flush early when this many events are buffered (default 500). */
  maxBatch?: number;
  onError?: (error: unknown) => void;
  /**
   * Writes rows synchronously (SQLite: one prepared statement, one transaction). Called while the
   * store's connection is held, so no other statement interleaves.
   */
  fastInsert?: (rows: ReturnType<typeof toRow>[]) => void;
  /** Most data-plane events held while the store cannot take them (default 100,000). */
  maxBuffered?: number;
}

/** A fast insert for SQLite: one prepared statement, one transaction per slice. */
export function sqliteAuditInsert(sqlite: { prepare(sql: string): { run(...args: unknown[]): unknown }; transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void }) {
  const statement = sqlite.prepare(
    'INSERT INTO audit_events (chain, seq, id, time, type, method, principal, api_key, result, event, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  return sqlite.transaction((rows: ReturnType<typeof toRow>[]) => {
    for (const r of rows) statement.run(r.chain, r.seq, r.id, r.time, r.type, r.method, r.principal, r.api_key, r.result, r.event, r.prev_hash, r.hash);
  });
}

export interface AuditLog {
  /** Runs a management transaction that writes its audit events, serialised per writer. */
  transaction<T>(work: (trx: Executor, record: (input: AuditInput) => void) => Promise<T>): Promise<T>;
  /** Data-plane events: buffered off the hot path and written in batches. */
  record(input: AuditInput): void;
  flush(): Promise<void>;
  close(): Promise<void>;
  readonly chains: { management: string; dataPlane: string };
}

export function createAuditLog(options: AuditLogOptions): AuditLog {
  const instance = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const management = new ChainWriter(`${instance}/management`);
  const dataPlane = new ChainWriter(`${instance}/data-plane`);
  const maxBatch = options.maxBatch ?? 500;
  const maxBuffered = options.maxBuffered ?? 100_000;
  let buffer: AuditInput[] = [];
  let closed = false;
  let dropped = 0;
  const SLICE = 100;

  async function insert(db: Executor, writer: ChainWriter, inputs: AuditInput[]): Promise<() => void> {
    if (inputs.length === 0) return () => undefined;
    const now = options.clock();
  /** Called after buffered (data-plane) events were written: `onError`'s failure is over. */
  onWritten?: () => void;
    const { rows, commit } = writer.prepare(inputs.map((input) => buildCloudEvent(options.source, input, now)));
    for (let i = 0; i < rows.length; i += 200) {
      await db.insertInto('audit_events').values(rows.slice(i, i + 200).map(toRow)).execute();
    }
    return commit;
  }

  /** Data-plane rows in slices, yielding to the event loop between them so requests keep flowing. */
  async function insertSlice(batch: AuditInput[]): Promise<void> {
    const fast = options.fastInsert;
    if (!fast) {
      (await insert(options.db, dataPlane, batch))();
      return;
    }
    const now = options.clock();
    const { rows, commit } = dataPlane.prepare(batch.map((input) => buildCloudEvent(options.source, input, now)));
    const records = rows.map(toRow);
    await options.db.connection().execute(async () => fast(records));
    commit();
  }

  async function flush(): Promise<void> {
    await dataPlane.mutex.run(async () => {
      while (buffer.length > 0) {
        const batch = buffer.slice(0, SLICE);
        try {
          await insertSlice(batch);
          buffer = buffer.slice(batch.length);
        } catch (error) {
          options.onError?.(error);
          return;
        }
        if (buffer.length > 0) await new Promise((resolve) => setImmediate(resolve));
      }
      if (dropped > 0) {
        options.onError?.(new Error(`the audit buffer was full: ${dropped} data-plane events were not recorded`));
        dropped = 0;
      }
    });
  }

  const timer = setInterval(() => {
    if (buffer.length > 0) void flush();
  }, options.flushIntervalMs ?? 250);
  timer.unref();

  return {
    chains: { management: management.chain, dataPlane: dataPlane.chain },
    transaction(work) {
      return management.mutex.run(async () => {
        let commit: () => void = () => undefined;
        const result = await options.db.transaction().execute(async (trx) => {
          const inputs: AuditInput[] = [];
          const value = await work(trx, (input) => inputs.push(input));
          commit = await insert(trx, management, inputs);
          return value;
        });
        commit();
        return result;
      });
    },
    record(input) {
      if (closed) return;
      if (buffer.length >= maxBuffered) {
        dropped++;
        return;
      }
      // the event's time is when it happened, not when the batch is written
      if (input.time === undefined) input.time = options.clock();
      buffer.push(input);
      if (buffer.length >= maxBatch) void flush();
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
      closed = true;
    },
  };
}
          options.onWritten?.();

import { hostname } from 'node:os';
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { errors } from '../../domain/errors.js';
import type { AuditEventsTable, Database } from '../../store/database.js';
import { auditChainsRepo, supportsSingleStatementBatch, type AuditChainRow, type HeadAdvance } from '../../store/repositories/audit-chains.js';
import type { AuditKey } from './audit-key.js';
import { eventTarget } from '../../contract/audit-target.js';
import { prepareEvent, type AuditInput, type CloudEvent, type PreparedEvent } from './cloud-event.js';
import { chainPrepared, GENESIS_HASH } from './chain.js';
import { headAdvance, registerChain, type ChainIdentity } from './chain-registry.js';
import { Mutex } from './mutex.js';

type Executor = Kysely<Database>;

/**
 * The writer instance's id in its chain names: 16 hex digits of a hash of host, pid and 8 random
 * bytes, so that a name's length never depends on the host name (a 63-character pod name included):
 * `<id>/management` and `<id>/data-plane` are 27 characters (the column holds 64).
 * The full host name is kept in the chain's registry row.
 */
export function chainInstanceId(host: string, pid: number): string {
  return createHash('sha256').update(`${host}\0${pid}\0`).update(randomBytes(8)).digest('hex').slice(0, 16);
}

/**
 * One writer of one hash chain. Appends are serialised; the in-memory head moves only after the
 * rows are committed, so a rolled-back transaction leaves the chain intact. The chain is
 * registered (in its own transaction) before its first event, and every batch moves the
 * registered head in the same transaction as its events.
 */
class ChainWriter {
  seq = 0;
  head = GENESIS_HASH;
  private registered: AuditChainRow | undefined;
  private readonly chainJson: string;
  readonly mutex = new Mutex();

  constructor(readonly identity: ChainIdentity, private readonly key: AuditKey) {
    this.chainJson = JSON.stringify(identity.name);
  }

  get chain(): string {
    return this.identity.name;
  }

  /** Registers the chain on first use; a failure is retried on the next write. */
  async ensureRegistered(db: Executor, now: Date): Promise<void> {
    if (this.registered) return;
    await registerChain(db, this.key, this.identity, now.toISOString());
    const row = await auditChainsRepo.get(db, this.chain);
    if (!row) throw errors.unavailable(`The audit chain ${this.chain} vanished from the registry right after it was registered`);
    this.registered = row;
  }

  /** The sealed move of the registered head from the committed head to `to`. */
  advance(to: { seq: number; hash: string }): HeadAdvance {
    if (!this.registered) throw new Error(`audit chain ${this.chain} used before it was registered`);
    return headAdvance(this.key, this.registered, { seq: this.seq, hash: this.head }, to);
  }

  /** The stored row of a prepared event placed after `prevHash` at `seq`. */
  row(event: PreparedEvent, seq: number, prevHash: string): AuditEventsTable {
    const { hash, json } = chainPrepared(this.key, event, this.chainJson, seq, prevHash);
    return {
      chain: this.identity.name, seq, id: event.id, time: event.time, type: event.type, method: event.method,
      principal: event.principal, api_key: event.apiKey, result: event.result, event: json, prev_hash: prevHash, hash, target: event.target,
    };
  }
}

/** The indexed columns of a stored event, derived from the event itself (verify checks them against it). */
export function toRow(event: CloudEvent) {
  const data = event.data as {
    methodName: string;
    authenticationInfo?: { principal?: string | null; metadata?: { identifier?: string } };
    request?: unknown;
    result: { status: string };
  };
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
    target: eventTarget(event.type, data.request),
  };
}

/**
 * Writes one batch of data-plane rows and moves the chain's registered head over them, atomically
 * (SQLite: the store's batch writer thread, src/store/sqlite-durability.ts). False, with nothing
 * written, when the registered head was not at `head.fromSeq`/`head.fromHash`.
 */
export type BatchWrite = (rows: AuditEventsTable[], head: HeadAdvance) => Promise<boolean>;

export interface AuditLogOptions {
  db: Kysely<Database>;
  /** The key of the chains and the registry seals (never stored in the database). */
  key: AuditKey;
  source: string;
  /** The host name recorded in the chains' registry rows (default `os.hostname()`). */
  host?: string;
  clock: () => Date;
  /** Flush interval of the data-plane buffer in ms (default 250; events are durable within a second). */
  flushIntervalMs?: number;
  /** Start writing at once when this many events are buffered (default 500). */
  maxBatch?: number;
  /** The most rows of one written batch (default 250: its hand-over to the store stays well under a slice). */
  batchRows?: number;
  onError?: (error: unknown) => void;
  /** Called after buffered (data-plane) events were written: `onError`'s failure is over. */
  onWritten?: () => void;
  /**
   * Writes a data-plane batch off the event loop (SQLite: the batch writer thread). Without it,
   * PostgreSQL sends one statement per batch and SQLite runs a transaction on the store's connection.
   */
  writeBatch?: BatchWrite;
  /** Most data-plane events held while the store cannot take them (default 100,000). */
  maxBuffered?: number;
  /**
   * How long the writer builds and chains events on the event loop before it yields (default
   * 0.5 ms: with the event that crosses it, a slice stays under 1 ms).
   */
  sliceBudgetMs?: number;
  /** The clock of the slice budget (default `performance.now`); tests count slices with their own. */
  sliceClock?: () => number;
}

function headMovedError(chain: string): Error {
  return errors.unavailable(`The registered head of audit chain ${chain} is not where this writer left it: the audit log was tampered with; run keyward audit-log verify`);
}

/** Lets the event loop run (I/O callbacks included) before the writer goes on. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Something that holds data-plane events until it seals them into `record()` calls. */
export interface AuditProducer {
  seal(): void;
}

export interface AuditLog {
  /** Runs a management transaction that writes its audit events, serialised per writer. */
  transaction<T>(work: (trx: Executor, record: (input: AuditInput) => void) => Promise<T>): Promise<T>;
  /** Data-plane events: buffered off the hot path and written in batches. */
  record(input: AuditInput): void;
  /**
   * Attaches a producer that holds events of its own (the data-plane aggregator's open windows):
   * `flush()` and `close()` call its `seal()` first, so that what it holds is `record()`ed and
   * written with the rest. Returns the detach function.
   */
  attach(producer: AuditProducer): () => void;
  /** Seals every attached producer, then writes every buffered data-plane event. */
  flush(): Promise<void>;
  /** Stops the timer, seals the producers and flushes; later `record()`s are ignored. */
  close(): Promise<void>;
  readonly chains: { management: string; dataPlane: string };
  /** The audit key (its material never serialises): verify and checkpoints use it. */
  readonly key: AuditKey;
}

export function createAuditLog(options: AuditLogOptions): AuditLog {
  const host = (options.host ?? hostname()).slice(0, 255);
  const instance = chainInstanceId(host, process.pid);
  const management = new ChainWriter({ name: `${instance}/management`, host, pid: process.pid }, options.key);
  const dataPlane = new ChainWriter({ name: `${instance}/data-plane`, host, pid: process.pid }, options.key);
  const maxBatch = options.maxBatch ?? 500;
  const batchRows = options.batchRows ?? 250;
  const maxBuffered = options.maxBuffered ?? 100_000;
  const budget = options.sliceBudgetMs ?? 0.5;
  const sliceClock = options.sliceClock ?? (() => performance.now());
  const writeBatch = options.writeBatch ?? (supportsSingleStatementBatch(options.db) ? postgresBatch : transactionBatch);
  // the data-plane queue: events from `start` on are waiting; the consumed prefix is cut off now and then
  let queue: AuditInput[] = [];
  let start = 0;
  let closed = false;
  let dropped = 0;
  let draining: Promise<void> | undefined;
  const producers = new Set<AuditProducer>();

  /** PostgreSQL: the events and the head that covers them in one statement, one round trip. */
  function postgresBatch(rows: AuditEventsTable[], head: HeadAdvance): Promise<boolean> {
    return auditChainsRepo.insertWithHeadMove(options.db, rows, head);
  }

  /** One transaction: the events and the head that covers them commit together. */
  async function transactionBatch(rows: AuditEventsTable[], head: HeadAdvance): Promise<boolean> {
    const moved = new Error('head moved'); // rolls the transaction back; answered as false
    try {
      await options.db.transaction().execute(async (trx) => {
        await insertRows(trx, rows);
        if (!(await auditChainsRepo.advanceHead(trx, head))) throw moved;
      });
      return true;
    } catch (error) {
      if (error === moved) return false;
      throw error;
    }
  }

  async function insertRows(db: Executor, rows: AuditEventsTable[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) await db.insertInto('audit_events').values(rows.slice(i, i + 200)).execute();
  }

  /** Management events, in the change's transaction. */
  async function insertManagement(trx: Executor, inputs: AuditInput[]): Promise<() => void> {
    if (inputs.length === 0) return () => undefined;
    const now = options.clock();
    let seq = management.seq;
    let prev = management.head;
    const rows = inputs.map((input) => {
      const row = management.row(prepareEvent(options.source, input, now), ++seq, prev);
      prev = row.hash;
      return row;
    });
    await insertRows(trx, rows);
    if (!(await auditChainsRepo.advanceHead(trx, management.advance({ seq, hash: prev })))) throw headMovedError(management.chain);
    return () => {
      management.seq = seq;
      management.head = prev;
    };
  }

  /**
   * Builds and chains the next batch from the queue, yielding whenever a slice has used its
   * budget; the events stay queued until the batch is committed.
   */
  async function nextBatch(): Promise<AuditEventsTable[]> {
    const rows: AuditEventsTable[] = [];
    const now = options.clock();
    let seq = dataPlane.seq;
    let prev = dataPlane.head;
    let sliceStart = sliceClock();
    while (rows.length < batchRows && start + rows.length < queue.length) {
      const row = dataPlane.row(prepareEvent(options.source, queue[start + rows.length] as AuditInput, now), ++seq, prev);
      rows.push(row);
      prev = row.hash;
      if (sliceClock() - sliceStart >= budget) {
        await yieldToEventLoop();
        sliceStart = sliceClock();
      }
    }
    return rows;
  }

  /**
   * Writes the queue in batches until it is empty or a write fails (then retried by the next
   * flush). Clears `draining` at the very turn it stops, so that a flush arriving later starts a loop.
   */
  async function writeQueue(): Promise<void> {
    while (start < queue.length) {
      try {
        await dataPlane.ensureRegistered(options.db, options.clock());
        const rows = await nextBatch();
        const last = rows[rows.length - 1] as AuditEventsTable;
        // the hand-over (one statement, or one message to the writer thread) gets a turn of its own
        await yieldToEventLoop();
        if (!(await writeBatch(rows, dataPlane.advance({ seq: last.seq, hash: last.hash })))) throw headMovedError(dataPlane.chain);
        dataPlane.seq = last.seq;
        dataPlane.head = last.hash;
        start += rows.length;
        if (start >= 4096 && start * 2 >= queue.length) {
          queue = queue.slice(start);
          start = 0;
        }
        options.onWritten?.();
      } catch (error) {
        draining = undefined;
        options.onError?.(error);
        return;
      }
      if (start < queue.length) await yieldToEventLoop();
    }
    draining = undefined;
    reportDropped();
  }

  function reportDropped(): void {
    if (dropped === 0) return;
    options.onError?.(new Error(`the audit buffer was full: ${dropped} data-plane events were not recorded`));
    dropped = 0;
  }

  /** Writes the queue: one loop at a time, which also takes what is recorded while it runs. */
  function drain(): Promise<void> {
    if (draining) return draining;
    if (start === queue.length) {
      reportDropped();
      return Promise.resolve();
    }
    // with events queued, writeQueue awaits before it can stop: `draining` is set before it is cleared
    draining = writeQueue();
    return draining;
  }

  function sealProducers(): void {
    for (const producer of producers) {
      try {
        producer.seal();
      } catch (error) {
        options.onError?.(error);
      }
    }
  }

  async function flush(): Promise<void> {
    sealProducers();
    await drain();
  }

  const timer = setInterval(() => {
    if (start < queue.length) void drain();
  }, options.flushIntervalMs ?? 250);
  timer.unref();

  return {
    chains: { management: management.chain, dataPlane: dataPlane.chain },
    key: options.key,
    transaction(work) {
      return management.mutex.run(async () => {
        await management.ensureRegistered(options.db, options.clock());
        let commit: () => void = () => undefined;
        const result = await options.db.transaction().execute(async (trx) => {
          const inputs: AuditInput[] = [];
          const value = await work(trx, (input) => inputs.push(input));
          commit = await insertManagement(trx, inputs);
          return value;
        });
        commit();
        return result;
      });
    },
    record(input) {
      if (closed) return;
      if (queue.length - start >= maxBuffered) {
        dropped++;
        return;
      }
      // the event's time is when it happened, not when the batch is written
      if (input.time === undefined) input.time = options.clock();
      queue.push(input);
      if (queue.length - start >= maxBatch && !draining) void drain();
    },
    attach(producer) {
      producers.add(producer);
      return () => {
        producers.delete(producer);
      };
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
      closed = true;
    },
  };
}

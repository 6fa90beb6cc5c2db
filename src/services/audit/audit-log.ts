import { hostname } from 'node:os';
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { errors } from '../../domain/errors.js';
import type { Database } from '../../store/database.js';
import { ADVANCE_HEAD_SQL, auditChainsRepo, supportsSingleStatementBatch, type AuditChainRow, type HeadAdvance } from '../../store/repositories/audit-chains.js';
import type { AuditKey } from './audit-key.js';
import { buildCloudEvent, type AuditInput, type CloudEvent } from './cloud-event.js';
import { eventHash, GENESIS_HASH } from './chain.js';
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
  private seq = 0;
  private head = GENESIS_HASH;
  private registered: AuditChainRow | undefined;
  readonly mutex = new Mutex();

  constructor(readonly identity: ChainIdentity, private readonly key: AuditKey) {}

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

  prepare(events: ReturnType<typeof buildCloudEvent>[]): { rows: CloudEvent[]; head: { seq: number; hash: string }; commit: () => void } {
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
      row.keywardhash = eventHash(this.key, row);
      rows.push(row);
      prev = row.keywardhash;
    }
    return {
      rows,
      head: { seq, hash: prev },
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
  /** The key of the chains and the registry seals (never stored in the database). */
  key: AuditKey;
  source: string;
  /** The host name recorded in the chains' registry rows (default `os.hostname()`). */
  host?: string;
  clock: () => Date;
  /** Flush interval of the data-plane buffer in ms (default 250; events are durable within a second). */
  flushIntervalMs?: number;
  /** Flush early when this many events are buffered (default 500). */
  maxBatch?: number;
  onError?: (error: unknown) => void;
  /** Called after buffered (data-plane) events were written: `onError`'s failure is over. */
  onWritten?: () => void;
  /**
   * Writes rows synchronously (SQLite: one prepared statement, one transaction). Called while the
   * store's connection is held, so no other statement interleaves.
   */
  fastInsert?: (rows: ReturnType<typeof toRow>[], head: HeadAdvance) => void;
  /** Most data-plane events held while the store cannot take them (default 100,000). */
  maxBuffered?: number;
}

function headMoved(chain: string): Error {
  return errors.unavailable(`The registered head of audit chain ${chain} is not where this writer left it: the audit log was tampered with; run keyward audit-log verify`);
}

/** A fast insert for SQLite: one prepared statement, one transaction per slice, the head moved in it. */
export function sqliteAuditInsert(sqlite: { prepare(sql: string): { run(...args: unknown[]): { changes: number } }; transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void }) {
  const statement = sqlite.prepare(
    'INSERT INTO audit_events (chain, seq, id, time, type, method, principal, api_key, result, event, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const advance = sqlite.prepare(ADVANCE_HEAD_SQL);
  return sqlite.transaction((rows: ReturnType<typeof toRow>[], head: HeadAdvance) => {
    for (const r of rows) statement.run(r.chain, r.seq, r.id, r.time, r.type, r.method, r.principal, r.api_key, r.result, r.event, r.prev_hash, r.hash);
    if (advance.run(head.toSeq, head.toHash, head.mac, head.name, head.fromSeq, head.fromHash).changes !== 1) throw headMoved(head.name);
  });
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
  const maxBuffered = options.maxBuffered ?? 100_000;
  let buffer: AuditInput[] = [];
  let closed = false;
  let dropped = 0;
  const SLICE = 100;

  async function insert(db: Executor, writer: ChainWriter, inputs: AuditInput[]): Promise<() => void> {
    if (inputs.length === 0) return () => undefined;
    const now = options.clock();
    const { rows, head, commit } = writer.prepare(inputs.map((input) => buildCloudEvent(options.source, input, now)));
    for (let i = 0; i < rows.length; i += 200) {
      await db.insertInto('audit_events').values(rows.slice(i, i + 200).map(toRow)).execute();
    }
    if (!(await auditChainsRepo.advanceHead(db, writer.advance(head)))) throw headMoved(writer.chain);
    return commit;
  }

  /** Data-plane rows in slices, yielding to the event loop between them so requests keep flowing. */
  async function insertSlice(batch: AuditInput[]): Promise<void> {
    const fast = options.fastInsert;
    const now = options.clock();
    await dataPlane.ensureRegistered(options.db, now);
    if (!fast && supportsSingleStatementBatch(options.db)) {
      // PostgreSQL: the events and the head that covers them in one statement, one round trip
      const { rows, head, commit } = dataPlane.prepare(batch.map((input) => buildCloudEvent(options.source, input, now)));
      if (!(await auditChainsRepo.insertWithHeadMove(options.db, rows.map(toRow), dataPlane.advance(head)))) throw headMoved(dataPlane.chain);
      commit();
      return;
    }
    if (!fast) {
      // one transaction: the events and the head that covers them commit together
      const commit = await options.db.transaction().execute((trx) => insert(trx, dataPlane, batch));
      commit();
      return;
    }
    const { rows, head, commit } = dataPlane.prepare(batch.map((input) => buildCloudEvent(options.source, input, now)));
    const records = rows.map(toRow);
    const move = dataPlane.advance(head);
    await options.db.connection().execute(async () => fast(records, move));
    commit();
  }

  const producers = new Set<AuditProducer>();

  function sealProducers(): void {
    for (const producer of producers) {
      try {
        producer.seal();
      } catch (error) {
        options.onError?.(error);
      }
    }
  }

  /** Writes the buffer (without sealing the producers: the timer flushes what they handed over). */
  async function drain(): Promise<void> {
    await dataPlane.mutex.run(async () => {
      while (buffer.length > 0) {
        const batch = buffer.slice(0, SLICE);
        try {
          await insertSlice(batch);
          buffer = buffer.slice(batch.length);
          options.onWritten?.();
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

  async function flush(): Promise<void> {
    sealProducers();
    await drain();
  }

  const timer = setInterval(() => {
    if (buffer.length > 0) void drain();
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
      if (buffer.length >= maxBatch) void drain();
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

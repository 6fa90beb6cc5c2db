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
      const unhashed = { ...event, keywardchain: this.chain, keywardseq: seq, keywardprevhash: prev };
      const hash = eventHash(unhashed);
      rows.push({ ...unhashed, keywardhash: hash });
      prev = hash;
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
  let buffer: AuditInput[] = [];
  let closed = false;

  async function insert(db: Executor, writer: ChainWriter, inputs: AuditInput[]): Promise<() => void> {
    if (inputs.length === 0) return () => undefined;
    const now = options.clock();
    const { rows, commit } = writer.prepare(inputs.map((input) => buildCloudEvent(options.source, input, now)));
    for (let i = 0; i < rows.length; i += 200) {
      await db.insertInto('audit_events').values(rows.slice(i, i + 200).map(toRow)).execute();
    }
    return commit;
  }

  async function flush(): Promise<void> {
    await dataPlane.mutex.run(async () => {
      while (buffer.length > 0) {
        const batch = buffer.slice(0, maxBatch);
        try {
          const commit = await insert(options.db, dataPlane, batch);
          commit();
          buffer = buffer.slice(batch.length);
        } catch (error) {
          options.onError?.(error);
          return;
        }
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

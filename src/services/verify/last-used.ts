import { CompiledQuery, PostgresAdapter, type Kysely } from 'kysely';
import type { Database } from '../../store/database.js';
import { LAST_USED_ROWS_PER_STATEMENT, lastUsedUpdateSql } from '../../store/repositories/api-keys.js';

/**
 * Sets each key's `last_used` to its time (ISO 8601) unless it already is at or past it. The
 * store's SQLite batch writer thread passes one (sqlite-durability.ts); else the recorder writes
 * on the store's connection.
 */
export type LastUsedWrite = (ids: string[], times: string[]) => Promise<void>;

export interface LastUsedOptions {
  /** The clock in ms since the epoch (default Date.now). */
  now?: () => number;
  /** A key's `last_used` is written at most this often (default one minute, DESIGN §4). */
  minIntervalMs?: number;
  /** How often the touched keys are written (default 1 s). */
  flushIntervalMs?: number;
  write?: LastUsedWrite;
  /** The longest the flush runs on the event loop before it yields (default 1 ms). */
  sliceBudgetMs?: number;
  /** The clock of the slice budget (default performance.now). */
  sliceClock?: () => number;
}

/** Keys remembered as written within the interval; beyond, the oldest are forgotten (a later touch writes again). */
const MAX_REMEMBERED = 200_000;

/** Keys per call of the writer (a message to the SQLite writer thread is cloned on the event loop). */
const WRITE_CHUNK = 1000;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Fills keys' `last_used` from successful authentications, writing at most once a minute per key.
 * `touch()` is the hot path: a map lookup for a key written within the minute, else a map entry
 * and two array slots (a number for the time: no Date, no string). The writes happen off the hot
 * path, coalesced, in multi-row statements (`UPDATE … FROM (VALUES …)`), in slices of at most
 * `sliceBudgetMs`, and never move `last_used` backwards.
 */
export class LastUsedRecorder {
  /** Key → when its write was queued, oldest first (a re-queued key moves to the end). */
  private readonly written = new Map<string, number>();
  private pendingIds: string[] = [];
  private pendingAt: number[] = [];
  private readonly now: () => number;
  private readonly minIntervalMs: number;
  private readonly budget: number;
  private readonly sliceClock: () => number;
  private readonly write: LastUsedWrite;
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly db: Kysely<Database>, options: LastUsedOptions = {}) {
    this.now = options.now ?? Date.now;
    this.minIntervalMs = options.minIntervalMs ?? 60_000;
    this.budget = options.sliceBudgetMs ?? 1;
    this.sliceClock = options.sliceClock ?? (() => performance.now());
    this.write = options.write ?? ((ids, times) => this.writeOnStore(ids, times));
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  touch(keyId: string): void {
    const now = this.now();
    const last = this.written.get(keyId);
    if (last !== undefined && now - last < this.minIntervalMs) return;
    if (last !== undefined) this.written.delete(keyId);
    this.written.set(keyId, now);
    this.pendingIds.push(keyId);
    this.pendingAt.push(now);
  }

  /** Writes every key touched so far (after any flush already running). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async writePending(): Promise<void> {
    let sliceStart = this.sliceClock();
    // keys queued longer ago than the interval suppress nothing: forgotten, and the oldest beyond the bound
    const horizon = this.now() - this.minIntervalMs;
    let forgotten = 0;
    for (const [id, t] of this.written) {
      if (t > horizon && this.written.size <= MAX_REMEMBERED) break;
      this.written.delete(id);
      if ((++forgotten & 255) === 0 && this.sliceClock() - sliceStart >= this.budget) {
        await yieldToEventLoop();
        sliceStart = this.sliceClock();
      }
    }
    if (this.pendingIds.length === 0) return;
    const ids = this.pendingIds;
    const at = this.pendingAt;
    this.pendingIds = [];
    this.pendingAt = [];
    // coalesced: one row per key, its latest time
    const latest = new Map<string, number>();
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as string;
      const t = at[i] as number;
      const seen = latest.get(id);
      if (seen === undefined || t > seen) latest.set(id, t);
      if ((i & 255) === 255 && this.sliceClock() - sliceStart >= this.budget) {
        await yieldToEventLoop();
        sliceStart = this.sliceClock();
      }
    }
    const keys: string[] = [];
    const times: string[] = [];
    let lastMs = NaN;
    let lastIso = '';
    for (const [id, t] of latest) {
      if (t !== lastMs) {
        lastMs = t;
        lastIso = new Date(t).toISOString();
      }
      keys.push(id);
      times.push(lastIso);
      if ((keys.length & 255) === 0 && this.sliceClock() - sliceStart >= this.budget) {
        await yieldToEventLoop();
        sliceStart = this.sliceClock();
      }
    }
    // handed to the writer in bounded parts, each its own turn
    for (let i = 0; i < keys.length; i += WRITE_CHUNK) {
      const part = keys.slice(i, i + WRITE_CHUNK);
      try {
        await this.write(part, times.slice(i, i + WRITE_CHUNK));
      } catch {
        // not written: the next touch of these keys queues them again
        for (const id of part) this.written.delete(id);
      }
      if (i + WRITE_CHUNK < keys.length) await yieldToEventLoop();
    }
  }

  /** The recorder's own writer: multi-row statements on the store's connection, one slice each. */
  private async writeOnStore(ids: string[], times: string[]): Promise<void> {
    const dialect = this.db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
    const rows = LAST_USED_ROWS_PER_STATEMENT[dialect];
    for (let i = 0; i < ids.length; i += rows) {
      const n = Math.min(rows, ids.length - i);
      const text = lastUsedUpdateSql(dialect, n);
      const parameters: string[] = new Array(2 * n);
      for (let j = 0; j < n; j++) {
        parameters[2 * j] = ids[i + j] as string;
        parameters[2 * j + 1] = times[i + j] as string;
      }
      await this.db.executeQuery(CompiledQuery.raw(text, parameters));
      if (i + rows < ids.length) await yieldToEventLoop();
    }
  }
}

import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { isUsageOutcome, type UsageOutcome, type UsageSink } from '../../domain/usage.js';
import { maskSecretsInText } from '../../domain/mask-secrets.js';
import { apiKeyUsageRepo, type ApiKeyUsageRow } from '../../store/repositories/api-key-usage.js';
import type { Executor } from '../../store/repositories/executor.js';

export interface UsageRecorderOptions {
  /** Between writes (default 1000 ms). */
  intervalMs?: number;
  /** Rows per statement (default 200): one statement is a short stall of the event loop on SQLite. */
  batchRows?: number;
  /** Distinct (key, minute, outcome) counts held at most while writes fail; beyond, new ones are lost and reported (default 200,000). */
  maxPending?: number;
  /** Write attempts close() makes before it gives the counts up (default 3). */
  closeAttempts?: number;
  /** Told about a failed write (its counts are kept and retried) and about counts given up. */
  onError?: (error: Error) => void;
}

/** After this many failed writes in a row, the next is tried only every 2^n intervals, at most every 32. */
const MAX_BACKOFF_INTERVALS = 32;

function reportToStderr(error: Error): void {
  process.stderr.write(`keyward: ${maskSecretsInText(error.message.split('\n', 1)[0] ?? '')}\n`);
}

const byPrimaryKey = (a: ApiKeyUsageRow, b: ApiKeyUsageRow) =>
  a.api_key < b.api_key ? -1 : a.api_key > b.api_key ? 1 : a.minute - b.minute || (a.outcome < b.outcome ? -1 : a.outcome > b.outcome ? 1 : 0);

/**
 * The usage sink: buffers the counts it is given, merged per (key, minute, outcome), and adds them to
 * `api_key_usage` every second and on flush()/close(), in sorted statements of `batchRows` rows with
 * the event loop free between them. The upsert adds (`count = count + excluded.count`), so instances
 * sharing a database add up. A failed statement's counts (and the rest of its batch) go back to the
 * buffer and are retried, less often while failures continue; the buffer is bounded by `maxPending`.
 *
 * add() after close() is accepted: those counts are written by the next flush() or close().
 */
export class UsageRecorder implements UsageSink {
  private pending = new Map<string, ApiKeyUsageRow>();
  private writing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly batchRows: number;
  private readonly maxPending: number;
  private readonly closeAttempts: number;
  private readonly onError: (error: Error) => void;
  private failures = 0;
  private skipTicks = 0;
  private lostCounts = 0;
  private lostReported = false;

  constructor(
    private readonly db: Executor,
    options: UsageRecorderOptions = {},
  ) {
    this.batchRows = Math.max(1, options.batchRows ?? 200);
    this.maxPending = options.maxPending ?? 200_000;
    this.closeAttempts = Math.max(1, options.closeAttempts ?? 3);
    this.onError = options.onError ?? reportToStderr;
    this.timer = setInterval(() => this.tick(), options.intervalMs ?? 1000);
    this.timer.unref();
  }

  add(keyId: string, minute: number, outcome: UsageOutcome, count: number): void {
    if (typeof keyId !== 'string' || keyId === '' || keyId.length > 32) throw new RangeError('usage: a key id of 1 to 32 characters');
    if (!Number.isSafeInteger(minute) || minute < 0) throw new RangeError(`usage: minute must be an epoch minute (got ${minute})`);
    if (!isUsageOutcome(outcome)) throw new RangeError(`usage: unknown outcome "${String(outcome)}"`);
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`usage: count must be a whole number (got ${count})`);
    if (count === 0) return;
    const id = `${keyId}\u0000${minute}\u0000${outcome}`;
    const row = this.pending.get(id);
    if (row) {
      row.count += count;
    } else if (this.pending.size >= this.maxPending) {
      this.lose(count, `usage counts are being lost: ${this.maxPending} are waiting to be written`);
    } else {
      this.pending.set(id, { api_key: keyId, minute, outcome, count });
    }
  }

  /** Distinct (key, minute, outcome) counts not yet written. */
  get pendingRows(): number {
    return this.pending.size;
  }

  /** Authentications given up since start (buffer full, or unwritable at close). */
  get lost(): number {
    return this.lostCounts;
  }

  /** Writes everything buffered now (after any write under way). A failure is reported and its counts kept. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.pending.size > 0) await this.write();
  }

  /** Stops the timer and writes what is buffered, trying `closeAttempts` times; what still fails is reported lost. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    for (let attempt = 1; ; attempt++) {
      await this.flush();
      if (this.pending.size === 0) return;
      if (attempt >= this.closeAttempts) break;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt).unref());
    }
    let counts = 0;
    for (const row of this.pending.values()) counts += row.count;
    this.pending = new Map();
    this.lostReported = false;
    this.lose(counts, `${counts} usage counts could not be written before shutdown and are lost`);
  }

  private tick(): void {
    if (this.writing || this.pending.size === 0) return;
    if (this.skipTicks > 0) {
      this.skipTicks--;
      return;
    }
    void this.write();
  }

  private write(): Promise<void> {
    const run = this.writeBatch().finally(() => {
      this.writing = undefined;
    });
    this.writing = run;
    return run;
  }

  private async writeBatch(): Promise<void> {
    const rows = [...this.pending.values()].sort(byPrimaryKey);
    this.pending = new Map();
    for (let start = 0; start < rows.length; start += this.batchRows) {
      if (start > 0) await yieldToLoop();
      try {
        await apiKeyUsageRepo.add(this.db, rows.slice(start, start + this.batchRows));
      } catch (error) {
        // statements before this one are committed; this one and the rest are not
        this.requeue(rows.slice(start));
        this.failures++;
        this.skipTicks = Math.min(2 ** (this.failures - 1), MAX_BACKOFF_INTERVALS) - 1;
        this.onError(new Error(`usage counts could not be written (kept, retried): ${(error as Error).message}`));
        return;
      }
    }
    this.failures = 0;
    this.skipTicks = 0;
    this.lostReported = false;
  }

  private requeue(rows: ApiKeyUsageRow[]): void {
    for (const row of rows) {
      const id = `${row.api_key}\u0000${row.minute}\u0000${row.outcome}`;
      const newer = this.pending.get(id);
      if (newer) newer.count += row.count;
      else this.pending.set(id, row);
    }
  }

  private lose(count: number, message: string): void {
    this.lostCounts += count;
    if (this.lostReported) return;
    this.lostReported = true;
    this.onError(new Error(message));
  }
}

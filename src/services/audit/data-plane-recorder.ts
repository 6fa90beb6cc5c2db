/**
 * The data-plane audit recorder (DESIGN §4): what the verifier hands every authentication to.
 *
 * - `all` (default): successes are counted per (key, method, resource, action, client address, outcome)
 *   and wall-clock-aligned window; when the window ends each tuple is one event carrying
 *   `data.count`, `data.firstTime`, `data.lastTime` and its first request's metadata. The first
 *   `individualFailures` failures from a client address in a window are events of their own; beyond,
 *   failures are aggregated the same way (a key id is a tuple member only when the key exists; for an
 *   unknown one neither it nor the resource nor the action is, so a flood of made-up ids or resources
 *   stays one tuple per method, address and outcome).
 * - `every`: one event per request. `failures`: failures only, as in `all`. `off`: none.
 * - Per-key usage is counted in every mode, for existing keys only, and handed to the sink per minute.
 *
 * A repeated success costs map lookups, `===` comparisons and two number writes: no JSON, no hashing,
 * no CRN, no Date, no allocation. Events are built when a window is sealed: by the recorder's timer
 * once the window has ended, and by `seal()` (the audit log calls it on flush and close).
 */
import { parseDuration } from '../../domain/durations.js';
import type { UsageOutcome, UsageSink } from '../../domain/usage.js';
import type { AuditLog, AuditProducer } from './audit-log.js';
import type { AuditInput } from './cloud-event.js';
import { TupleTable, type DataPlaneAttempt } from './data-plane-tuples.js';
import { UsageTally } from './usage-tally.js';

export type { DataPlaneAttempt } from './data-plane-tuples.js';

export const DATA_PLANE_AUDIT_MODES = ['all', 'every', 'failures', 'off'] as const;
export type DataPlaneAuditMode = (typeof DATA_PLANE_AUDIT_MODES)[number];

export const DEFAULT_AGGREGATE_WINDOW_MS = 60_000;
const MIN_WINDOW_MS = 1000;
const MAX_WINDOW_MS = 3_600_000;

/** `--audit-data-plane`: throws an Error naming the valid values. */
export function parseDataPlaneAuditMode(value: string): DataPlaneAuditMode {
  if ((DATA_PLANE_AUDIT_MODES as readonly string[]).includes(value)) return value as DataPlaneAuditMode;
  throw new Error(`invalid --audit-data-plane "${value}": valid values are ${DATA_PLANE_AUDIT_MODES.join(', ')}`);
}

/** `--audit-aggregate-window`: a duration from 1s to 1h, in milliseconds; throws an Error naming the range. */
export function parseAggregateWindow(value: string): number {
  let ms: number;
  try {
    ms = parseDuration(value, '--audit-aggregate-window');
  } catch {
    ms = Number.NaN;
  }
  if (!(ms >= MIN_WINDOW_MS && ms <= MAX_WINDOW_MS)) throw new Error(`invalid --audit-aggregate-window "${value}": use a duration from 1s to 1h, such as 60s, 5m or 1h`);
  return ms;
}

/** What an aggregated event accounts for. */
export interface RecordedAggregate {
  count: number;
  firstTime: Date;
  lastTime: Date;
  /** Folded because the open tuples reached their bound (no key, resource or action in it). */
  overflow: boolean;
}

/**
 * Builds the audit event of one request (no `aggregate`) or of a tuple (its first request's attempt,
 * key and decision, and the aggregate). Called off the hot path, except in mode `every` and for failures.
 */
export type DataPlaneEventBuilder<K, D> = (attempt: DataPlaneAttempt, outcome: UsageOutcome, key: K | undefined, decision: D | undefined, aggregate?: RecordedAggregate) => AuditInput;

export interface DataPlaneRecorderOptions<K, D> {
  audit: Pick<AuditLog, 'record' | 'attach'>;
  build: DataPlaneEventBuilder<K, D>;
  mode?: DataPlaneAuditMode;
  /** Aggregation window in ms, aligned to the wall clock (default 60 s). */
  windowMs?: number;
  /** Where per-key usage goes (none: usage is not counted). */
  usage?: UsageSink;
  /** Milliseconds since the epoch (default Date.now). */
  now?: () => number;
  /** Failures from one client address per window recorded as events of their own (default 20). */
  individualFailures?: number;
  /** Most open tuples, and separately most folded ones (default 50,000). */
  maxTuples?: number;
  /** Most client addresses whose failures are counted per window; failures from more are aggregated (default 50,000). */
  maxAddresses?: number;
  /** How often the timer looks for an ended window (default 1 s). */
  tickMs?: number;
  onError?: (error: unknown) => void;
}

export class DataPlaneRecorder<K, D> implements AuditProducer {
  readonly mode: DataPlaneAuditMode;
  readonly windowMs: number;
  private readonly now: () => number;
  private readonly individualFailures: number;
  private readonly maxTuples: number;
  private readonly maxAddresses: number;
  private readonly tally: UsageTally;
  private readonly aggregates: boolean;
  private tuples: TupleTable<K, D>;
  /** Individual failure events per client address in the current window. */
  private failures = new Map<string, number>();
  private windowEnd = 0;
  /** Windows that ended and are waiting for the next turn of the event loop to be sealed. */
  private ended: TupleTable<K, D>[] = [];
  private sealScheduled = false;
  private closed = false;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly detach: () => void;

  constructor(private readonly options: DataPlaneRecorderOptions<K, D>) {
    this.mode = options.mode ?? 'all';
    this.windowMs = options.windowMs ?? DEFAULT_AGGREGATE_WINDOW_MS;
    this.now = options.now ?? Date.now;
    this.individualFailures = options.individualFailures ?? 20;
    this.maxTuples = options.maxTuples ?? 50_000;
    this.maxAddresses = options.maxAddresses ?? 50_000;
    this.tally = new UsageTally(options.usage);
    this.aggregates = this.mode === 'all' || this.mode === 'failures';
    this.tuples = new TupleTable(this.maxTuples);
    this.timer = setInterval(() => this.tick(), options.tickMs ?? Math.min(1000, this.windowMs));
    this.timer.unref();
    this.detach = options.audit.attach(this);
  }

  /**
   * One authentication. `key` is the authenticated record the event names (subject, principal);
   * `keyId` the id of the key when it exists (also for a wrong secret): the usage it counts for, and a
   * member of its tuple. `decision` is the authorization decided, when one was.
   */
  count(attempt: DataPlaneAttempt, outcome: UsageOutcome, key: K | undefined, keyId: string | undefined, decision: D | undefined): void {
    if (this.closed) return;
    const now = this.now();
    if (now >= this.windowEnd) this.roll(now);
    if (keyId !== undefined) this.tally.add(keyId, outcome, now);
    if (this.mode === 'off') return;
    if (this.mode === 'every') {
      this.options.audit.record(this.options.build(attempt, outcome, key, decision));
      return;
    }
    if (outcome === 'VALID') {
      if (this.mode === 'all') this.tuples.add(attempt, outcome, keyId ?? '', key, decision, true, now);
      return;
    }
    const address = attempt.request.clientAddress;
    const recorded = this.failures.get(address);
    if (recorded === undefined ? this.failures.size < this.maxAddresses && this.individualFailures > 0 : recorded < this.individualFailures) {
      this.failures.set(address, (recorded ?? 0) + 1);
      this.options.audit.record(this.options.build(attempt, outcome, key, decision));
      return;
    }
    this.tuples.add(attempt, outcome, keyId ?? '', key, decision, keyId !== undefined, now);
  }

  /** Usage only: an authentication whose success is not audited (management and broker logins). */
  countUsage(keyId: string, outcome: UsageOutcome): void {
    if (this.closed) return;
    this.tally.add(keyId, outcome, this.now());
  }

  /** Records every open window's events and hands the usage counted so far to the sink. */
  seal(): void {
    this.sealEnded();
    if (!this.tuples.empty) {
      const open = this.tuples;
      // the window goes on (its failure counts too); what comes after this seal is another event
      this.tuples = new TupleTable(this.maxTuples);
      this.record(open);
    }
    this.tally.handOver();
  }

  /** Stops the timer, seals and detaches from the audit log; later requests are not recorded. */
  close(): void {
    if (this.closed) return;
    clearInterval(this.timer);
    this.seal();
    this.detach();
    this.closed = true;
  }

  private tick(): void {
    try {
      const now = this.now();
      if (now >= this.windowEnd) this.roll(now);
      this.sealEnded();
      this.tally.tick(now);
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  /** Starts the window `now` falls in; the one that ended is sealed on the next turn of the event loop. */
  private roll(now: number): void {
    this.windowEnd = (Math.floor(now / this.windowMs) + 1) * this.windowMs;
    this.failures = new Map();
    if (!this.aggregates || this.tuples.empty) return;
    this.ended.push(this.tuples);
    this.tuples = new TupleTable(this.maxTuples);
    if (this.sealScheduled) return;
    this.sealScheduled = true;
    setImmediate(() => {
      this.sealScheduled = false;
      try {
        this.sealEnded();
      } catch (error) {
        this.options.onError?.(error);
      }
    });
  }

  private sealEnded(): void {
    const ended = this.ended;
    this.ended = [];
    for (const table of ended) this.record(table);
  }

  private record(table: TupleTable<K, D>): void {
    for (const tuple of table.tuples()) {
      const firstTime = new Date(tuple.first);
      const aggregate: RecordedAggregate = { count: tuple.count, firstTime, lastTime: new Date(tuple.last), overflow: tuple.overflow };
      const input = this.options.build(tuple.sample, tuple.outcome, tuple.key, tuple.decision, aggregate);
      input.time = firstTime;
      input.aggregate = { count: aggregate.count, firstTime, lastTime: aggregate.lastTime };
      this.options.audit.record(input);
    }
  }
}

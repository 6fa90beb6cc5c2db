import { errors } from '../../domain/errors.js';
import { auditEventsRepo } from '../../store/repositories/audit-events.js';
import type { Executor } from '../../store/repositories/executor.js';
import { settingsRepo } from '../../store/repositories/settings.js';
import type { Clock } from '../context.js';
import type { AuditKey } from './audit-key.js';
import { raiseFloor } from './chain-registry.js';
import { pruneApiKeyUsage } from '../usage/usage-retention.js';

export const DEFAULT_AUDIT_RETENTION_DAYS = 90;
export const MAX_AUDIT_RETENTION_DAYS = 36_500;
/** The `settings` row holding the organisation's retention, in days. */
export const AUDIT_RETENTION_SETTING = 'audit.retention_days';
export const AUDIT_RETENTION_ENV = 'KEYWARD_AUDIT_RETENTION_DAYS';
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** A whole number of days from 0 (keep forever) to 36500. */
export function parseRetentionDays(value: string, source: string): number {
  const text = value.trim();
  const days = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(days) || days > MAX_AUDIT_RETENTION_DAYS) {
    throw errors.invalid(`${source} must be a whole number of days from 0 (keep forever) to ${MAX_AUDIT_RETENTION_DAYS} (got "${value}")`);
  }
  return days;
}

/**
 * The audit retention in days: `KEYWARD_AUDIT_RETENTION_DAYS` when set (the operator's override),
 * else the `audit.retention_days` settings row, else 90. 0 keeps events forever.
 */
export async function auditRetentionDays(db: Executor, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const fromEnv = env[AUDIT_RETENTION_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return parseRetentionDays(fromEnv, AUDIT_RETENTION_ENV);
  const fromSettings = await settingsRepo.get(db, AUDIT_RETENTION_SETTING);
  if (fromSettings !== undefined) return parseRetentionDays(fromSettings, `The ${AUDIT_RETENTION_SETTING} setting`);
  return DEFAULT_AUDIT_RETENTION_DAYS;
}

export interface PruneOptions {
  db: Executor;
  /** Seals the raised floors. */
  key: AuditKey;
  clock: Clock;
  days: number;
  /** Events removed per transaction (default 1000). */
  batchSize?: number;
  /** Checked between batches: stops a long prune at shutdown. */
  shouldStop?: () => boolean;
}

export interface PruneResult {
  deleted: number;
  chains: number;
  cutoff?: string;
}

/**
 * Removes events older than `days`. Each chain loses only its oldest run of expired events, a
 * batch per transaction, and each batch raises the chain's floor (the last removed event's seq
 * and hash, in its registry row, sealed under the audit key) in the same transaction, so that
 * `audit-log verify` still checks the first event kept and can tell retention from deletion.
 */
export async function pruneAuditEvents(options: PruneOptions): Promise<PruneResult> {
  if (options.days <= 0) return { deleted: 0, chains: 0 };
  const now = options.clock();
  const cutoff = new Date(now.getTime() - options.days * DAY_MS).toISOString();
  const batchSize = options.batchSize ?? 1000;
  const expired = await auditEventsRepo.expiredChains(options.db, cutoff);
  let deleted = 0;
  for (const { chain, pruneBelow } of expired) {
    for (;;) {
      if (options.shouldStop?.()) return { deleted, chains: expired.length, cutoff };
      const removed = await options.db.transaction().execute(async (trx) => {
        const prefix = await auditEventsRepo.chainPrefix(trx, chain, pruneBelow, batchSize);
        const last = prefix.at(-1);
        if (!last) return 0;
        const count = await auditEventsRepo.deleteChainThrough(trx, chain, last.seq);
        await raiseFloor(trx, options.key, chain, { seq: last.seq, hash: last.hash });
        return count;
      });
      deleted += removed;
      if (removed < batchSize) break;
    }
  }
  return { deleted, chains: expired.length, cutoff };
}

export interface RetentionOptions {
  db: Executor;
  key: AuditKey;
  clock: Clock;
  /** Days to keep, or a function read before every run (so a changed setting applies without a restart). */
  days: number | (() => Promise<number>);
  /** Between runs (default one hour). */
  intervalMs?: number;
  onError?: (error: unknown) => void;
  onPruned?: (result: PruneResult) => void;
}

/**
 * Prunes events and usage counts now (in the background: start-up does not wait) and then every interval, on an
 * `unref`'d timer. Returns a stop function that cancels the timer and waits for a running prune
 * to reach the end of its current batch.
 */
export function startRetention(options: RetentionOptions): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> | undefined;

  const run = () => {
    if (stopped || running) return;
    running = (async () => {
      try {
        const days = typeof options.days === 'number' ? options.days : await options.days();
        const result = await pruneAuditEvents({ db: options.db, key: options.key, clock: options.clock, days, shouldStop: () => stopped });
        if (result.deleted > 0) options.onPruned?.(result);
        // per-key usage counts are kept as long as the events they summarise
        await pruneApiKeyUsage({ db: options.db, clock: options.clock, days, shouldStop: () => stopped });
      } catch (error) {
        if (!stopped) options.onError?.(error);
      } finally {
        running = undefined;
      }
    })();
  };

  const first = setImmediate(run);
  const timer = setInterval(run, options.intervalMs ?? HOUR_MS);
  timer.unref();
  first.unref();

  return async () => {
    stopped = true;
    clearImmediate(first);
    clearInterval(timer);
    await running;
  };
}

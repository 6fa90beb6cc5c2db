import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { epochMinute } from '../../domain/usage.js';
import { apiKeyUsageRepo } from '../../store/repositories/api-key-usage.js';
import type { Executor } from '../../store/repositories/executor.js';
import type { Clock } from '../context.js';

const DAY_MS = 86_400_000;

/**
 * Removes usage counts older than `days` (the audit retention; 0 keeps them forever), `batchSize`
 * rows per statement with the event loop free between statements. Returns how many rows it removed.
 */
export async function pruneApiKeyUsage(options: { db: Executor; clock: Clock; days: number; batchSize?: number; shouldStop?: () => boolean }): Promise<number> {
  if (options.days <= 0) return 0;
  const before = epochMinute(options.clock().getTime() - options.days * DAY_MS);
  const batchSize = options.batchSize ?? 1000;
  let deleted = 0;
  for (;;) {
    if (options.shouldStop?.()) return deleted;
    const removed = await apiKeyUsageRepo.pruneBefore(options.db, before, batchSize);
    deleted += removed;
    if (removed < batchSize) return deleted;
    await yieldToLoop();
  }
}

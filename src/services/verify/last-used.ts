import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../../store/database.js';

/**
 * Fills keys' `last_used` from successful authentications, writing at most once a minute per key,
 * in batches off the hot path.
 */
export class LastUsedRecorder {
  private readonly written = new Map<string, number>();
  private pending = new Map<string, string>();
  private update?: CompiledQuery;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date,
    private readonly minIntervalMs = 60_000,
    flushIntervalMs = 1000,
  ) {
    this.timer = setInterval(() => void this.flush(), flushIntervalMs);
    this.timer.unref();
  }

  touch(keyId: string): void {
    const now = this.clock();
    const last = this.written.get(keyId);
    if (last !== undefined && now.getTime() - last < this.minIntervalMs) return;
    this.written.set(keyId, now.getTime());
    if (this.written.size > 200_000) this.written.delete(this.written.keys().next().value as string);
    this.pending.set(keyId, now.toISOString());
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      // compiled once; parameters in order: last_used, id, last_used again
      this.update ??= this.db
        .updateTable('api_keys')
        .set({ last_used: '?' })
        .where('id', '=', '?')
        .where((eb) => eb.or([eb('last_used', 'is', null), eb('last_used', '<', '?')]))
        .compile();
      const sql = this.update.sql;
      await this.db.transaction().execute(async (trx) => {
        for (const [id, at] of batch) await trx.executeQuery(CompiledQuery.raw(sql, [at, id, at]));
      });
    } catch {
      for (const [id] of batch) this.written.delete(id);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

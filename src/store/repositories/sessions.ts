import type { ConsoleSessionsTable } from '../database.js';
import type { Executor } from './executor.js';

export type ConsoleSessionRow = ConsoleSessionsTable;

/** The web console's sessions (migration 0009). */
export const sessionsRepo = {
  async insert(db: Executor, row: ConsoleSessionRow): Promise<void> {
    await db.insertInto('console_sessions').values(row).execute();
  },
  async findByTokenHash(db: Executor, tokenHash: string): Promise<ConsoleSessionRow | undefined> {
    return db.selectFrom('console_sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  },
  /** The key's sessions, newest first. */
  async ofKey(db: Executor, apiKeyId: string): Promise<Array<Pick<ConsoleSessionRow, 'id' | 'created_at'>>> {
    return db.selectFrom('console_sessions').select(['id', 'created_at']).where('api_key_id', '=', apiKeyId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  },
  /** The sessions of these keys, and of every key of these owners. */
  async ofKeysOrOwners(db: Executor, apiKeyIds: readonly string[], ownerIds: readonly string[]): Promise<Array<Pick<ConsoleSessionRow, 'id' | 'api_key_id' | 'owner_id'>>> {
    if (apiKeyIds.length === 0 && ownerIds.length === 0) return [];
    return db
      .selectFrom('console_sessions')
      .select(['id', 'api_key_id', 'owner_id'])
      .where((eb) => eb.or([...(apiKeyIds.length > 0 ? [eb('api_key_id', 'in', apiKeyIds)] : []), ...(ownerIds.length > 0 ? [eb('owner_id', 'in', ownerIds)] : [])]))
      .execute();
  },
  async touch(db: Executor, id: string, lastSeenAt: string): Promise<void> {
    await db.updateTable('console_sessions').set({ last_seen_at: lastSeenAt }).where('id', '=', id).execute();
  },
  /** True when this call removed the row (another instance may have ended the session first). */
  async delete(db: Executor, id: string): Promise<boolean> {
    const result = await db.deleteFrom('console_sessions').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  },
  async deleteMany(db: Executor, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await db.deleteFrom('console_sessions').where('id', 'in', ids).execute();
  },
  /** Sessions past their absolute expiry or idle since `idleBefore`: how many were removed. */
  async deleteEnded(db: Executor, now: string, idleBefore: string): Promise<number> {
    const result = await db
      .deleteFrom('console_sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleBefore)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  },
};

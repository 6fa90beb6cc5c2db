import type { Insertable, Selectable, Updateable } from 'kysely';
import type { ApiKeysTable } from '../database.js';
import type { Executor, Page } from './executor.js';
import { apiKeyUsageRepo } from './api-key-usage.js';

export type ApiKeyRow = Selectable<ApiKeysTable>;

export interface ApiKeyFilter {
  ownerId?: string;
  resourceId?: string;
  resourceIds?: string[];
  status?: 'active' | 'disabled' | 'expired';
  now?: string;
}

export const apiKeysRepo = {
  async find(db: Executor, id: string): Promise<ApiKeyRow | undefined> {
    return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  },
  async findByHash(db: Executor, secretHash: string): Promise<ApiKeyRow | undefined> {
    return db.selectFrom('api_keys').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
  },
  async list(db: Executor, filter: ApiKeyFilter, page: Page): Promise<{ rows: ApiKeyRow[]; total: number }> {
    let query = db.selectFrom('api_keys');
    if (filter.ownerId !== undefined) query = query.where('owner_id', '=', filter.ownerId);
    if (filter.resourceId !== undefined) query = query.where('resource_id', '=', filter.resourceId);
    if (filter.resourceIds !== undefined) {
      const ids = filter.resourceIds;
      query = ids.length === 0 ? query.where('id', '=', '') : query.where('resource_id', 'in', ids);
    }
    const now = filter.now ?? new Date().toISOString();
    if (filter.status === 'disabled') query = query.where('status', '=', 'DISABLED');
    if (filter.status === 'active') {
      query = query.where('status', '=', 'ACTIVE').where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
    }
    if (filter.status === 'expired') query = query.where('expires_at', 'is not', null).where('expires_at', '<=', now);
    const rows = await query.selectAll().orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute();
    const { n } = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { rows, total: Number(n) };
  },
  async countForOwnerResource(db: Executor, ownerId: string, resourceId: string): Promise<number> {
    const { n } = await db
      .selectFrom('api_keys')
      .where('owner_id', '=', ownerId)
      .where('resource_id', '=', resourceId)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  },
  async idsByOwner(db: Executor, ownerId: string): Promise<string[]> {
    const rows = await db.selectFrom('api_keys').select('id').where('owner_id', '=', ownerId).execute();
    return rows.map((r) => r.id);
  },
  async idsByResource(db: Executor, resourceId: string): Promise<string[]> {
    const rows = await db.selectFrom('api_keys').select('id').where('resource_id', '=', resourceId).execute();
    return rows.map((r) => r.id);
  },
  async insert(db: Executor, row: Insertable<ApiKeysTable>): Promise<void> {
    await db.insertInto('api_keys').values(row).execute();
  },
  async update(db: Executor, id: string, patch: Updateable<ApiKeysTable>): Promise<void> {
    await db.updateTable('api_keys').set(patch).where('id', '=', id).execute();
  },
  /** Deleting keys deletes their usage counts too (the audit log keeps what happened). */
  async delete(db: Executor, id: string): Promise<void> {
    await apiKeyUsageRepo.deleteForKey(db, id);
    await db.deleteFrom('api_keys').where('id', '=', id).execute();
  },
  async deleteByOwner(db: Executor, ownerId: string): Promise<number> {
    await apiKeyUsageRepo.deleteForKeysWhere(db, 'owner_id', ownerId);
    const result = await db.deleteFrom('api_keys').where('owner_id', '=', ownerId).executeTakeFirst();
    return Number(result.numDeletedRows);
  },
  async deleteByResource(db: Executor, resourceId: string): Promise<number> {
    await apiKeyUsageRepo.deleteForKeysWhere(db, 'resource_id', resourceId);
    const result = await db.deleteFrom('api_keys').where('resource_id', '=', resourceId).executeTakeFirst();
    return Number(result.numDeletedRows);
  },
};

/** Keys per last_used statement: SQLite binds up to 32,766 parameters, PostgreSQL 65,535. */
export const LAST_USED_ROWS_PER_STATEMENT = { sqlite: 200, postgres: 1000 } as const;

/**
 * Sets `rows` keys' `last_used` (parameters: id, time, id, time, …) unless it already is at or past
 * the time given: one statement for the recorder on the store's connection and for the SQLite batch
 * writer thread.
 */
export function lastUsedUpdateSql(dialect: 'sqlite' | 'postgres', rows: number): string {
  const memo = LAST_USED_SQL[dialect];
  let text = memo.get(rows);
  if (text !== undefined) return text;
  if (dialect === 'postgres') {
    const values = Array.from({ length: rows }, (_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
    text = `UPDATE api_keys SET last_used = v.at FROM (VALUES ${values}) AS v (id, at) WHERE api_keys.id = v.id AND (api_keys.last_used IS NULL OR api_keys.last_used < v.at)`;
  } else {
    text =
      `UPDATE api_keys SET last_used = v.column2 FROM (VALUES ${new Array(rows).fill('(?, ?)').join(', ')}) AS v ` +
      'WHERE api_keys.id = v.column1 AND (api_keys.last_used IS NULL OR api_keys.last_used < v.column2)';
  }
  if (memo.size < 64) memo.set(rows, text);
  return text;
}

/** The statements' texts by row count, per dialect (the usual sizes: a full batch and a few remainders). */
const LAST_USED_SQL = { sqlite: new Map<number, string>(), postgres: new Map<number, string>() };

import type { Selectable, Updateable } from 'kysely';
import type { ServiceAccountsTable } from '../database.js';
import type { Executor } from './executor.js';

export type ServiceAccountRow = Selectable<ServiceAccountsTable>;

export const serviceAccountsRepo = {
  async find(db: Executor, id: string): Promise<ServiceAccountRow | undefined> {
    return db.selectFrom('service_accounts').selectAll().where('id', '=', id).executeTakeFirst();
  },
  async findByName(db: Executor, name: string): Promise<ServiceAccountRow | undefined> {
    return db.selectFrom('service_accounts').selectAll().where('name', '=', name).executeTakeFirst();
  },
  async findMany(db: Executor, ids: string[]): Promise<ServiceAccountRow[]> {
    if (ids.length === 0) return [];
    return db.selectFrom('service_accounts').selectAll().where('id', 'in', ids).execute();
  },
  /** Every service account (with this name, if given), oldest first. */
  async all(db: Executor, filter: { name?: string } = {}): Promise<ServiceAccountRow[]> {
    let query = db.selectFrom('service_accounts').selectAll();
    if (filter.name !== undefined) query = query.where('name', '=', filter.name);
    return query.orderBy('created_at').orderBy('id').execute();
  },
  async insert(db: Executor, row: ServiceAccountRow): Promise<void> {
    await db.insertInto('service_accounts').values(row).execute();
  },
  async update(db: Executor, id: string, patch: Updateable<ServiceAccountsTable>): Promise<void> {
    await db.updateTable('service_accounts').set(patch).where('id', '=', id).execute();
  },
  async delete(db: Executor, id: string): Promise<void> {
    await db.deleteFrom('service_accounts').where('id', '=', id).execute();
  },
};

import type { Selectable, Updateable } from 'kysely';
import type { UsersTable } from '../database.js';
import type { Executor } from './executor.js';

export type UserRow = Selectable<UsersTable>;

export const usersRepo = {
  async find(db: Executor, id: string): Promise<UserRow | undefined> {
    return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  },
  async findByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
    return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  },
  async findMany(db: Executor, ids: string[]): Promise<UserRow[]> {
    if (ids.length === 0) return [];
    return db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
  },
  /** Every user, oldest first (the service pages what the caller may see). */
  async all(db: Executor): Promise<UserRow[]> {
    return db.selectFrom('users').selectAll().orderBy('created_at').orderBy('id').execute();
  },
  async insert(db: Executor, row: UserRow): Promise<void> {
    await db.insertInto('users').values(row).execute();
  },
  async update(db: Executor, id: string, patch: Updateable<UsersTable>): Promise<void> {
    await db.updateTable('users').set(patch).where('id', '=', id).execute();
  },
  async delete(db: Executor, id: string): Promise<void> {
    await db.deleteFrom('users').where('id', '=', id).execute();
  },
};

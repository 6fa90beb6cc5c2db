import type { Selectable, Updateable } from 'kysely';
import type { EnvironmentsTable } from '../database.js';
import type { Executor } from './executor.js';

export type EnvironmentRow = Selectable<EnvironmentsTable>;

export const environmentsRepo = {
  async find(db: Executor, id: string): Promise<EnvironmentRow | undefined> {
    return db.selectFrom('environments').selectAll().where('id', '=', id).executeTakeFirst();
  },
  async findByName(db: Executor, name: string): Promise<EnvironmentRow | undefined> {
    return db.selectFrom('environments').selectAll().where('name', '=', name).executeTakeFirst();
  },
  /** Every environment, oldest first (the service pages what the caller may see). */
  async all(db: Executor): Promise<EnvironmentRow[]> {
    return db.selectFrom('environments').selectAll().orderBy('created_at').orderBy('id').execute();
  },
  async insert(db: Executor, row: EnvironmentRow): Promise<void> {
    await db.insertInto('environments').values(row).execute();
  },
  async update(db: Executor, id: string, patch: Updateable<EnvironmentsTable>): Promise<void> {
    await db.updateTable('environments').set(patch).where('id', '=', id).execute();
  },
  async delete(db: Executor, id: string): Promise<void> {
    await db.deleteFrom('environments').where('id', '=', id).execute();
  },
};

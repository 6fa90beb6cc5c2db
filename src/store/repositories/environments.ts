import type { Selectable, Updateable } from 'kysely';
import type { EnvironmentsTable } from '../database.js';
import type { Executor, Page } from './executor.js';

export type EnvironmentRow = Selectable<EnvironmentsTable>;

export const environmentsRepo = {
  async find(db: Executor, id: string): Promise<EnvironmentRow | undefined> {
    return db.selectFrom('environments').selectAll().where('id', '=', id).executeTakeFirst();
  },
  async findByName(db: Executor, name: string): Promise<EnvironmentRow | undefined> {
    return db.selectFrom('environments').selectAll().where('name', '=', name).executeTakeFirst();
  },
  async list(db: Executor, page: Page): Promise<{ rows: EnvironmentRow[]; total: number }> {
    const rows = await db.selectFrom('environments').selectAll().orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute();
    const { n } = await db.selectFrom('environments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { rows, total: Number(n) };
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

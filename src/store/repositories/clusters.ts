import type { Selectable, Updateable } from 'kysely';
import type { ClustersTable } from '../database.js';
import type { Executor, Page } from './executor.js';

export type ClusterRow = Selectable<ClustersTable>;
export type ClusterKind = ClustersTable['kind'];

export const clustersRepo = {
  async find(db: Executor, id: string): Promise<ClusterRow | undefined> {
    return db.selectFrom('clusters').selectAll().where('id', '=', id).executeTakeFirst();
  },
  async list(db: Executor, kind: ClusterKind, filter: { environmentId?: string }, page: Page): Promise<{ rows: ClusterRow[]; total: number }> {
    let query = db.selectFrom('clusters').where('kind', '=', kind);
    if (filter.environmentId) query = query.where('environment_id', '=', filter.environmentId);
    const rows = await query.selectAll().orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute();
    const { n } = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { rows, total: Number(n) };
  },
  async countInEnvironment(db: Executor, environmentId: string): Promise<number> {
    const { n } = await db.selectFrom('clusters').where('environment_id', '=', environmentId).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(n);
  },
  async insert(db: Executor, row: ClusterRow): Promise<void> {
    await db.insertInto('clusters').values(row).execute();
  },
  async update(db: Executor, id: string, patch: Updateable<ClustersTable>): Promise<void> {
    await db.updateTable('clusters').set(patch).where('id', '=', id).execute();
  },
  async delete(db: Executor, id: string): Promise<void> {
    await db.deleteFrom('clusters').where('id', '=', id).execute();
  },
};

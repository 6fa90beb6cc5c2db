import type { Selectable, Updateable } from 'kysely';
import type { ClustersTable } from '../database.js';
import type { Executor } from './executor.js';

export type ClusterRow = Selectable<ClustersTable>;
export type ClusterKind = ClustersTable['kind'];

export const clustersRepo = {
  async find(db: Executor, id: string): Promise<ClusterRow | undefined> {
    return db.selectFrom('clusters').selectAll().where('id', '=', id).executeTakeFirst();
  },
  /** Every cluster of this kind (in this environment, if given), oldest first. */
  async all(db: Executor, kind: ClusterKind, filter: { environmentId?: string } = {}): Promise<ClusterRow[]> {
    let query = db.selectFrom('clusters').selectAll().where('kind', '=', kind);
    if (filter.environmentId) query = query.where('environment_id', '=', filter.environmentId);
    return query.orderBy('created_at').orderBy('id').execute();
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

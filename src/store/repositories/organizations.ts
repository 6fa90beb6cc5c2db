import type { Executor } from './executor.js';
import type { OrganizationsTable } from '../database.js';

export const organizationsRepo = {
  async get(db: Executor): Promise<OrganizationsTable | undefined> {
    return db.selectFrom('organizations').selectAll().orderBy('created_at').executeTakeFirst();
  },
  async insert(db: Executor, row: OrganizationsTable): Promise<void> {
    await db.insertInto('organizations').values(row).execute();
  },
};

import type { Selectable } from 'kysely';
import type { AclsTable, RoleBindingsTable } from '../database.js';
import type { Executor } from './executor.js';

export type RoleBindingRow = Selectable<RoleBindingsTable>;
export type AclRow = Selectable<AclsTable>;

export const roleBindingsRepo = {
  async insert(db: Executor, row: RoleBindingRow): Promise<void> {
    await db.insertInto('role_bindings').values(row).execute();
  },
  async byPrincipal(db: Executor, principal: string): Promise<RoleBindingRow[]> {
    return db.selectFrom('role_bindings').selectAll().where('principal', '=', principal).execute();
  },
  async deleteByPrincipal(db: Executor, principal: string): Promise<number> {
    const result = await db.deleteFrom('role_bindings').where('principal', '=', principal).executeTakeFirst();
    return Number(result.numDeletedRows);
  },
};

export const aclsRepo = {
  async deleteByPrincipal(db: Executor, principal: string): Promise<number> {
    const result = await db.deleteFrom('acls').where('principal', '=', principal).executeTakeFirst();
    return Number(result.numDeletedRows);
  },
  async deleteByCluster(db: Executor, clusterId: string): Promise<number> {
    const result = await db.deleteFrom('acls').where('cluster_id', '=', clusterId).executeTakeFirst();
    return Number(result.numDeletedRows);
  },
};

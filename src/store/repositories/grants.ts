import { sql, type Selectable } from 'kysely';
import type { AclsTable, RoleBindingsTable } from '../database.js';
import type { Executor, Page } from './executor.js';

/** `crn_pattern` starts with `prefix`, literally (no LIKE wildcards), on SQLite and PostgreSQL alike. */
const startsWith = (prefix: string) => sql<boolean>`substr(crn_pattern, 1, ${prefix.length}) = ${prefix}`;

export type RoleBindingRow = Selectable<RoleBindingsTable>;
export type AclRow = Selectable<AclsTable>;

export interface RoleBindingFilter {
  principal?: string;
  roleName?: string;
  /** Bindings whose pattern starts with this CRN (an environment's or a cluster's). */
  crnPrefix?: string;
}

export const roleBindingsRepo = {
  async insert(db: Executor, row: RoleBindingRow): Promise<void> {
    await db.insertInto('role_bindings').values(row).execute();
  },
  async find(db: Executor, id: string): Promise<RoleBindingRow | undefined> {
    return db.selectFrom('role_bindings').selectAll().where('id', '=', id).executeTakeFirst();
  },
  async findSame(db: Executor, principal: string, roleName: string, crnPattern: string): Promise<RoleBindingRow | undefined> {
    return db.selectFrom('role_bindings').selectAll().where('principal', '=', principal).where('role_name', '=', roleName).where('crn_pattern', '=', crnPattern).executeTakeFirst();
  },
  async byPrincipal(db: Executor, principal: string): Promise<RoleBindingRow[]> {
    return db.selectFrom('role_bindings').selectAll().where('principal', '=', principal).execute();
  },
  async all(db: Executor): Promise<RoleBindingRow[]> {
    return db.selectFrom('role_bindings').selectAll().orderBy('created_at').orderBy('id').execute();
  },
  async list(db: Executor, filter: RoleBindingFilter, page: Page): Promise<RoleBindingRow[]> {
    let query = db.selectFrom('role_bindings').selectAll();
    if (filter.principal !== undefined) query = query.where('principal', '=', filter.principal);
    if (filter.roleName !== undefined) query = query.where('role_name', '=', filter.roleName);
    if (filter.crnPrefix !== undefined) query = query.where(startsWith(filter.crnPrefix));
    return query.orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute();
  },
  async delete(db: Executor, id: string): Promise<void> {
    await db.deleteFrom('role_bindings').where('id', '=', id).execute();
  },
  /** Deletes the bindings on a resource and on everything inside it. */
  async deleteUnder(db: Executor, crn: string): Promise<number> {
    const inside = `${crn}/`;
    const result = await db.deleteFrom('role_bindings').where((eb) => eb.or([eb('crn_pattern', '=', crn), startsWith(inside)])).executeTakeFirst();
    return Number(result.numDeletedRows);
  },
  async deleteByPrincipal(db: Executor, principal: string): Promise<number> {
    const result = await db.deleteFrom('role_bindings').where('principal', '=', principal).executeTakeFirst();
    return Number(result.numDeletedRows);
  },
};

export interface AclFilter {
  clusterId: string;
  principal?: string;
  permission?: string;
  operation?: string;
  resourceType?: string;
  resourceName?: string;
  patternType?: string;
}

export const aclsRepo = {
  async insert(db: Executor, row: AclRow): Promise<void> {
    await db.insertInto('acls').values(row).execute();
  },
  async all(db: Executor): Promise<AclRow[]> {
    return db.selectFrom('acls').selectAll().orderBy('created_at').orderBy('id').execute();
  },
  async list(db: Executor, filter: AclFilter): Promise<AclRow[]> {
    let query = db.selectFrom('acls').selectAll().where('cluster_id', '=', filter.clusterId);
    if (filter.principal !== undefined) query = query.where('principal', '=', filter.principal);
    if (filter.permission !== undefined) query = query.where('permission', '=', filter.permission);
    if (filter.operation !== undefined) query = query.where('operation', '=', filter.operation);
    if (filter.resourceType !== undefined) query = query.where('resource_type', '=', filter.resourceType);
    if (filter.resourceName !== undefined) query = query.where('resource_name', '=', filter.resourceName);
    if (filter.patternType !== undefined) query = query.where('pattern_type', '=', filter.patternType);
    return query.orderBy('created_at').orderBy('id').execute();
  },
  async deleteIds(db: Executor, ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) await db.deleteFrom('acls').where('id', 'in', ids.slice(i, i + 500)).execute();
  },
  /** Every ACL naming exactly this principal, on any cluster (not those of `User:*`). */
  async byPrincipal(db: Executor, principal: string): Promise<AclRow[]> {
    return db.selectFrom('acls').selectAll().where('principal', '=', principal).orderBy('created_at').orderBy('id').execute();
  },
  async deleteByPrincipal(db: Executor, principal: string): Promise<number> {
    const result = await db.deleteFrom('acls').where('principal', '=', principal).executeTakeFirst();
    return Number(result.numDeletedRows);
  },
  async deleteByCluster(db: Executor, clusterId: string): Promise<number> {
    const result = await db.deleteFrom('acls').where('cluster_id', '=', clusterId).executeTakeFirst();
    return Number(result.numDeletedRows);
  },
};

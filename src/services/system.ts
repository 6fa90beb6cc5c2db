import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import type { DialectName } from '../store/connect.js';
import { roleBindingsRepo } from '../store/repositories/grants.js';

/** What the system routes ask of the store: whether it answers, which it is, and a principal's roles. */
export function createSystemService(deps: { db: Kysely<Database>; dialect: DialectName }) {
  return {
    dialect: deps.dialect,
    /** True when the database answers a trivial query. */
    async databaseReachable(): Promise<boolean> {
      try {
        await sql`select 1`.execute(deps.db);
        return true;
      } catch {
        return false;
      }
    },
    /** The names of the roles bound to `principal`, sorted, each once (whoami). */
    async roleNamesOf(principal: string): Promise<string[]> {
      return [...new Set((await roleBindingsRepo.byPrincipal(deps.db, principal)).map((b) => b.role_name))].sort();
    },
  };
}

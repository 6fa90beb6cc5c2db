import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

/**
 * Kysely's SQLite driver, except that a transaction begins with `BEGIN IMMEDIATE`: it takes the
 * write lock at once (waiting up to the connection's busy_timeout) instead of at its first write.
 * The store has a second writing connection, the batch writer thread (sqlite-durability.ts); with a
 * deferred `BEGIN`, a transaction that reads and then writes fails with SQLITE_BUSY_SNAPSHOT
 * whenever that thread committed in between, and SQLite does not retry that case.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** The store's dialect for a writable SQLite database (a read-only one keeps Kysely's). */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

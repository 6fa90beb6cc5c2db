import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresAdapter, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { errors } from '../domain/errors.js';
import type { Database } from './database.js';
import { migrationProvider } from './migrations/index.js';
import { ImmediateSqliteDialect } from './sqlite-immediate.js';

export type DialectName = 'sqlite' | 'postgres';

export interface StoreOptions {
  /** Directory for the embedded SQLite database (default `./keyward-data`). */
  dataDir?: string;
  /** `postgres://` URL; when given, PostgreSQL is used instead of SQLite. */
  databaseUrl?: string;
  /** Take the single-process lock on the SQLite file (servers do; read-only tools do not). */
  lock?: boolean;
  /** Open SQLite read-only (backups). */
  readonly?: boolean;
  /** Told about every lost PostgreSQL connection (they are handled; this is for the log). */
  onConnectionError?: (error: Error) => void;
}

export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  /** The PostgreSQL URL, for a dedicated LISTEN connection; undefined on SQLite. */
  databaseUrl?: string;
  /** The SQLite file path; undefined on PostgreSQL. */
  sqlitePath?: string;
  sqlite?: SQLite.Database;
  close(): Promise<void>;
}

// PostgreSQL returns BIGINT as a string by default; our counters fit comfortably in a double.
pg.types.setTypeParser(20, (value: string) => Number(value));

export const SQLITE_FILE = 'keyward.db';
const LOCK_FILE = 'keyward.lock';

/**
 * Client settings of every PostgreSQL connection keyward opens: the pool's and the LISTEN
 * connection's. `application_name` is `keyward` unless the URL names one, so an operator (or a
 * test) can tell keyward's backends apart in pg_stat_activity; connecting gives up after 5 s, so an
 * unreachable database fails requests (503) instead of holding them.
 */
export function postgresConnectionConfig(databaseUrl: string): pg.ClientConfig {
  return { connectionString: databaseUrl, fallback_application_name: 'keyward', connectionTimeoutMillis: 5000, keepAlive: true };
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  '57P01', // admin_shutdown (pg_terminate_backend, fast shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, recovery)
  '53300', // too_many_connections
  '25006', // read_only_sql_transaction (a failover landed on a standby)
  'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR',
]);
const CONNECTION_ERROR_MESSAGES = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Connection ended|Cannot use a pool after calling end|driver has already been destroyed|The database connection is not open)/i;

/**
 * True when a driver error means "the database cannot be reached or cannot take the work now"
 * (lost or refused connection, server shutting down, SQLite busy beyond its timeout, disk full):
 * the request is answered 503 and may be retried, never 500. Looks through wrapped causes.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== 'object' || depth > 3) return false;
  const { code, message, cause, errors: inner } = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && (CONNECTION_ERROR_CODES.has(code) || code.startsWith('08') || code.startsWith('SQLITE_IOERR'))) return true;
  if (typeof message === 'string' && CONNECTION_ERROR_MESSAGES.test(message)) return true;
  if (Array.isArray(inner) && inner.some((e) => isDatabaseUnavailable(e, depth + 1))) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}

function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One SQLite file is served by one process: a lock file holding the owner's pid guards it. */
function acquireLock(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) {
        throw errors.unavailable(
          `The data directory ${dataDir} is in use by another keyward server (pid ${owner}). ` +
            'One SQLite store serves one process; use PostgreSQL (--database-url) to run several instances.',
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw errors.unavailable(`Could not lock the data directory ${dataDir}`);
}

/** The read-only connection of each SQLite store, by the store's Kysely instance (see `sqliteReader`). */
const readers = new WeakMap<Kysely<Database>, () => SQLite.Database>();

/**
 * A read-only connection of its own to the SQLite store whose Kysely this is, opened on the first
 * call and closed with the store; undefined for a PostgreSQL store or a Kysely that no `openStore`
 * made. In WAL mode it reads beside the store's connection: committed rows only, never those of a
 * transaction still open on the store's connection, and it never waits for that connection. For
 * the data plane's key lookups (key-record.ts): a prepared statement run synchronously.
 */
export function sqliteReader(db: Kysely<Database>): (() => SQLite.Database) | undefined {
  return readers.get(db);
}

function openReader(path: string): SQLite.Database {
  const reader = new SQLite(path, { readonly: true, fileMustExist: true });
  try {
    reader.pragma('busy_timeout = 5000');
    // 64 MiB of pages (default 2 MiB): the B-tree pages above a million keys' rows stay in memory
    reader.pragma('cache_size = -65536');
  } catch (error) {
    reader.close();
    throw error;
  }
  return reader;
}

export async function openStore(options: StoreOptions = {}): Promise<Store> {
  if (options.databaseUrl !== undefined && options.databaseUrl !== '') {
    if (!isPostgresUrl(options.databaseUrl)) {
      throw errors.invalid('The database URL must start with postgres:// or postgresql://');
    }
    const pool = new pg.Pool({ ...postgresConnectionConfig(options.databaseUrl), max: 10, idleTimeoutMillis: 30_000 });
    // A connection the server ends (pg_terminate_backend, failover, restart, idle timeout) emits
    // `error` on its client; unhandled, that event ends the process. The pool handles it for idle
    // clients; a client checked out by Kysely (a query, a transaction) has no listener of its own,
    // so every client gets one for its whole life. The query in flight fails with the error (which
    // the HTTP layer answers 503) and the pool discards the dead client.
    const reportError = (error: Error) => options.onConnectionError?.(error);
    pool.on('error', reportError);
    pool.on('connect', (client) => client.on('error', reportError));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    try {
      await pool.query('select 1');
    } catch {
      await db.destroy();
      throw errors.unavailable('Cannot connect to the PostgreSQL database at the given URL');
    }
    return { db, dialect: 'postgres', databaseUrl: options.databaseUrl, close: () => db.destroy() };
  }

  const dataDir = resolve(options.dataDir ?? 'keyward-data');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const release = options.lock ? acquireLock(dataDir) : () => undefined;
  const path = join(dataDir, SQLITE_FILE);
  let sqlite: SQLite.Database;
  try {
    sqlite = new SQLite(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    if (!options.readonly) {
      sqlite.pragma('journal_mode = WAL');
      // FULL: a commit is on disk when it is acknowledged, so a power loss cannot undo a revocation.
      // (NORMAL in WAL mode may lose the last commits before a checkpoint.)
      sqlite.pragma('synchronous = FULL');
    }
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
  } catch {
    release();
    throw errors.unavailable(`Cannot open the SQLite database in ${dataDir}`);
  }
  const db = new Kysely<Database>({ dialect: options.readonly ? new SqliteDialect({ database: sqlite }) : new ImmediateSqliteDialect({ database: sqlite }) });
  let reader: SQLite.Database | undefined;
  let closed = false;
  readers.set(db, () => {
    if (closed) throw errors.unavailable('The store is closed');
    return (reader ??= openReader(path));
  });
  return {
    db,
    dialect: 'sqlite',
    sqlitePath: path,
    sqlite,
    close: async () => {
      closed = true;
      reader?.close();
      await db.destroy();
      release();
    },
  };
}

export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  // On PostgreSQL, name the schema we migrate: without it Kysely takes migration tables found in
  // *any* schema of the database for ours, and a store in a second schema never gets its own
  // (`relation "kysely_migration_lock" does not exist`).
  let migrationTableSchema: string | undefined;
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    migrationTableSchema = rows[0]?.schema ?? undefined;
  }
  const migrator = new Migrator({ db, provider: migrationProvider, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
  for (let attempt = 1; ; attempt++) {
    const { error } = await migrator.migrateToLatest();
    if (!error) return;
    // Kysely introspects every schema of the database; one dropped meanwhile (by another tenant or
    // test suite) fails that query with invalid_schema_name. Migrating again is safe: it is idempotent.
    if (attempt < 3 && (error as { code?: unknown }).code === '3F000') continue;
    throw error;
  }
}

/** True for a unique-constraint violation from either driver. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

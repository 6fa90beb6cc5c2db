import { CompiledQuery, DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, sql } from 'kysely';
import { sqliteReader } from '../../store/connect.js';
import type { Database } from '../../store/database.js';

/** Everything verification needs about a key, in one row: what the cache holds. */
export interface KeyRecord {
  id: string;
  secretHash: string;
  status: string;
  expiresAt: string | null;
  ownerId: string;
  ownerKind: 'user' | 'service-account';
  ownerStatus: string;
  resourceId: string;
  resourceKind: 'cloud' | 'kafka' | 'schema-registry';
  environment: string | null;
}

/**
 * Always exactly one row: the id asked for, left-joined with its key, owner and resource. An id
 * that does not exist then costs the driver what an existing one costs (a row of nulls instead of
 * no row), so the time of a failed check does not tell whether the key id exists.
 */
function keyRecordQuery(db: Kysely<Database>, id: string) {
  return db
    .selectFrom(db.selectNoFrom(sql<string>`cast(${id} as text)`.as('id')).as('q'))
    .leftJoin('api_keys as k', 'k.id', 'q.id')
    .leftJoin('users as u', 'u.id', 'k.owner_id')
    .leftJoin('service_accounts as s', 's.id', 'k.owner_id')
    .leftJoin('clusters as c', 'c.id', 'k.resource_id')
    .select(['k.id', 'k.secret_hash', 'k.status', 'k.expires_at', 'k.owner_id', 'k.owner_kind', 'k.resource_id', 'k.resource_kind', 'u.status as user_status', 's.status as sa_status', 'c.environment_id']);
}

type JoinedRow = NonNullable<Awaited<ReturnType<ReturnType<typeof keyRecordQuery>['executeTakeFirst']>>>;
/** The key's own columns are null only in the row of an id that does not exist. */
type KeyColumn = 'id' | 'secret_hash' | 'status' | 'owner_id' | 'owner_kind' | 'resource_id' | 'resource_kind';
type KeyRecordRow = Omit<JoinedRow, KeyColumn> & { [C in KeyColumn]: NonNullable<JoinedRow[C]> };

/** Finds the record of a key id: synchronously on SQLite (the store's reader connection), else a promise. */
export type KeyLookup = (id: string) => KeyRecord | undefined | Promise<KeyRecord | undefined>;

/** The lookup is compiled once per store: a cache miss then costs the database, not the query builder. */
const compiled = new WeakMap<Kysely<Database>, CompiledQuery>();

/** One round trip through the store's Kysely: the key joined with its owner and its resource's environment. */
export async function loadKeyRecord(db: Kysely<Database>, id: string): Promise<KeyRecord | undefined> {
  let query = compiled.get(db);
  if (!query) compiled.set(db, (query = keyRecordQuery(db, '?').compile()));
  const { rows } = await db.executeQuery<JoinedRow>(CompiledQuery.raw(query.sql, [id]));
  return toKeyRecord(rows[0]);
}

/** The same query compiled for SQLite without a connection, for the reader connection's prepared statement. */
function sqliteKeyRecordSql(): string {
  const compiler = new Kysely<Database>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  });
  return keyRecordQuery(compiler, '?').compile().sql;
}

/**
 * The data plane's key lookup. On a SQLite store with a file, one prepared statement on the store's
 * read-only connection (connect.ts), run synchronously: no promise, no wait behind the store
 * connection's mutex (a management transaction), and it reads committed rows only. Elsewhere
 * (PostgreSQL: its pool) the store's Kysely. Both run the same one-row query.
 */
export function createKeyLookup(db: Kysely<Database>): KeyLookup {
  const reader = sqliteReader(db);
  if (!reader) return (id) => loadKeyRecord(db, id);
  let statement: { get(id: string): unknown } | undefined;
  return (id) => {
    // prepared on first use: the reader connection opens then, not with every store
    statement ??= reader().prepare(sqliteKeyRecordSql());
    return toKeyRecord(statement.get(id) as JoinedRow | undefined);
  };
}

function toKeyRecord(joined: JoinedRow | undefined): KeyRecord | undefined {
  if (!joined || joined.id === null) return undefined;
  const row = joined as KeyRecordRow;
  const ownerStatus = (row.owner_kind === 'user' ? row.user_status : row.sa_status) ?? 'DELETED';
  return {
    id: row.id,
    secretHash: row.secret_hash,
    status: row.status,
    expiresAt: row.expires_at,
    ownerId: row.owner_id,
    ownerKind: row.owner_kind,
    ownerStatus,
    resourceId: row.resource_id,
    resourceKind: row.resource_kind,
    environment: row.environment_id ?? null,
  };
}

/** Field by field: the cache need not be rewritten with a record it already holds. */
export function sameKeyRecord(a: KeyRecord, b: KeyRecord): boolean {
  return (
    a.id === b.id &&
    a.secretHash === b.secretHash &&
    a.status === b.status &&
    a.expiresAt === b.expiresAt &&
    a.ownerId === b.ownerId &&
    a.ownerKind === b.ownerKind &&
    a.ownerStatus === b.ownerStatus &&
    a.resourceId === b.resourceId &&
    a.resourceKind === b.resourceKind &&
    a.environment === b.environment
  );
}

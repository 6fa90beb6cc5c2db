import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { StoreOptions } from '../../src/store/connect.js';

/**
 * Where the PostgreSQL suites run: KEYWARD_TEST_DATABASE_URL (CI sets it to a fresh database), else
 * the local default. Each suite gets its own schema, dropped afterwards.
 */
export const POSTGRES_URL = process.env.KEYWARD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const postgresAvailable = await reachable(POSTGRES_URL);
if (!postgresAvailable) {
  if (process.env.KEYWARD_REQUIRE_POSTGRES === '1') throw new Error(`PostgreSQL is required (KEYWARD_REQUIRE_POSTGRES=1) but ${POSTGRES_URL} is not reachable`);
  process.stderr.write(`\n*** PostgreSQL at ${POSTGRES_URL} is not reachable: the PostgreSQL suites are SKIPPED ***\n\n`);
}

export type DialectName = 'sqlite' | 'postgres';

export interface TestDatabase {
  dialect: DialectName;
  options: StoreOptions;
  drop(): Promise<void>;
}

export async function createPostgresSchema(): Promise<TestDatabase> {
  const schema = `kw_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    dialect: 'postgres',
    options: { databaseUrl: url.toString() },
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

export async function createSqliteDir(): Promise<TestDatabase> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'keyward-test-'));
  return { dialect: 'sqlite', options: { dataDir: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** The dialects every store and service test loops over. */
export const DIALECTS: Array<{ name: DialectName; skip: boolean; create: () => Promise<TestDatabase> }> = [
  { name: 'sqlite', skip: false, create: createSqliteDir },
  { name: 'postgres', skip: !postgresAvailable, create: createPostgresSchema },
];

/** The `server start` flags that open this test store. */
export function storeArgs(db: TestDatabase): string[] {
  return db.options.databaseUrl ? ['--database-url', db.options.databaseUrl] : ['--data-dir', db.options.dataDir as string];
}

/**
 * Runs one statement with one `?` parameter against the store behind the server's back, as an
 * attacker (or an operator) with database access would.
 */
export async function runOnStore(db: TestDatabase, statement: string, value: string): Promise<void> {
  if (db.options.databaseUrl) {
    const client = new pg.Client({ connectionString: db.options.databaseUrl });
    await client.connect();
    try {
      await client.query(statement.replace('?', '$1'), [value]);
    } finally {
      await client.end();
    }
    return;
  }
  const sqlite = new SQLite(join(db.options.dataDir as string, 'keyward.db'));
  try {
    sqlite.pragma('busy_timeout = 5000');
    sqlite.prepare(statement).run(value);
  } finally {
    sqlite.close();
  }
}

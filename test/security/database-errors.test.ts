import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/store/connect.js';
import { createSqliteDir, postgresAvailable, POSTGRES_URL } from '../helpers/databases.js';
import { startTestServer, type TestServer } from '../helpers/runtime.js';
import { freePort } from './database-support.js';

/**
 * Connection-class driver errors are 503 (retryable, the error body), never 500 (issue 8). The
 * errors are real ones, produced by the drivers against real databases.
 */

async function rejection(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('isDatabaseUnavailable on real driver errors', () => {
  it('a refused PostgreSQL connection (closed loopback port)', async () => {
    const port = await freePort();
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    expect(isDatabaseUnavailable(await rejection(() => client.connect()))).toBe(true);
  });

  it.skipIf(!postgresAvailable)('a terminated backend (57P01) and the query after it', async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    const emitted: Error[] = [];
    client.on('error', (error) => emitted.push(error));
    await client.connect();
    const terminated = await rejection(() => client.query('select pg_terminate_backend(pg_backend_pid())'));
    expect(isDatabaseUnavailable(terminated)).toBe(true);
    const after = await rejection(() => client.query('select 1'));
    expect(isDatabaseUnavailable(after)).toBe(true);
    for (const error of emitted) expect(isDatabaseUnavailable(error)).toBe(true);
    await client.end().catch(() => undefined);
  });

  it.skipIf(!postgresAvailable)('not for errors of the request itself (syntax, constraint)', async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      expect(isDatabaseUnavailable(await rejection(() => client.query('selec 1')))).toBe(false);
      expect(isDatabaseUnavailable(await rejection(() => client.query('select 1/0')))).toBe(false);
    } finally {
      await client.end();
    }
  });

  it('SQLite busy beyond the busy timeout', async () => {
    const db = await createSqliteDir();
    const path = join(db.options.dataDir as string, 'x.db');
    const holder = new SQLite(path);
    const other = new SQLite(path);
    try {
      holder.pragma('journal_mode = WAL');
      holder.exec('create table t (x)');
      other.pragma('busy_timeout = 50');
      holder.exec('begin immediate');
      holder.exec('insert into t values (1)');
      const busy = await rejection(async () => other.exec('insert into t values (2)'));
      expect((busy as { code?: string }).code).toMatch(/^SQLITE_BUSY/);
      expect(isDatabaseUnavailable(busy)).toBe(true);
      expect(isDatabaseUnavailable(await rejection(async () => other.exec('insert into nope values (1)')))).toBe(false);
    } finally {
      holder.close();
      other.close();
      await db.drop();
    }
  });
});

describe('a SQLite store held by another writer answers 503 with the error body', () => {
  let server: TestServer;
  let holder: SQLite.Database;

  beforeAll(async () => {
    server = await startTestServer(await createSqliteDir());
    server.runtime.store.sqlite?.pragma('busy_timeout = 200'); // the store's is 5000 ms: shortened to keep the test quick
    holder = new SQLite(server.runtime.store.sqlitePath as string);
  });
  afterAll(async () => {
    holder.close();
    await server.close();
  });

  it('a management write waits out the busy timeout, then 503 service_unavailable, never 500 or a driver message', async () => {
    holder.exec('begin immediate');
    try {
      const response = await server.call({ method: 'POST', url: '/iam/v2/service-accounts', payload: { display_name: 'busy', description: 'd' } });
      expect(response.statusCode).toBe(503);
      const body = response.json() as { errors: Array<{ code: string; status: string; detail: string }> };
      expect(body.errors[0]?.code).toBe('service_unavailable');
      expect(body.errors[0]?.status).toBe('503');
      expect(body.errors[0]?.detail).not.toMatch(/SQLITE|locked|busy/i);
      expect(response.headers['retry-after']).toBe('1');
    } finally {
      holder.exec('rollback');
    }
    const after = await server.call({ method: 'POST', url: '/iam/v2/service-accounts', payload: { display_name: 'busy', description: 'd' } });
    expect(after.statusCode).toBe(201);
  });
});

/**
 * The PostgreSQL store of the PostgreSQL scenarios: a fresh database per run on the server at
 * BENCH_POSTGRES_URL (default: the local one, user postgres, as the tests use), created by the
 * bench and dropped by it when the run ends (also on failure and on Ctrl-C), and the server
 * processes that work for that database, for their CPU time.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { cleanup } from './processes.js';

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Undefined when the server answers; else why the PostgreSQL scenarios are skipped. */
export async function postgresUnavailable(adminUrl: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL not reachable at ${redacted(adminUrl)} (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The URL without its password, for messages. */
function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

async function withAdmin<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface BenchDatabase {
  name: string;
  /** The database's URL, for `keyward server start --database-url`. */
  url: string;
  /** Pids of the server processes working for this database now, and of PostgreSQL's writers. */
  serverPids(): Promise<number[]>;
}

/** `CREATE DATABASE keyward_bench_<random>`; dropped (WITH FORCE) when the run's cleanup runs. */
export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `keyward_bench_${randomBytes(5).toString('hex')}`;
  await withAdmin(adminUrl, (c) => c.query(`create database ${name}`));
  cleanup.onCleanup(() => withAdmin(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    serverPids: () =>
      withAdmin(adminUrl, async (c) => {
        const result = await c.query<{ pid: number }>(
          "select pid from pg_stat_activity where (datname = $1 and pid <> pg_backend_pid()) or backend_type in ('walwriter', 'checkpointer', 'background writer')",
          [name],
        );
        return result.rows.map((r) => r.pid);
      }),
  };
}

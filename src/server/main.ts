import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { openStore, migrateToLatest, SQLITE_FILE } from '../store/connect.js';
import { createAuditLog } from '../services/audit/audit-log.js';
import { initializeStore, type BootstrapResult } from '../services/bootstrap.js';
import { errors } from '../domain/errors.js';
import { createRuntime } from './runtime.js';

export interface StartOptions {
  host: string;
  port: number;
  dataDir?: string;
  databaseUrl?: string;
  publicUrl?: string;
  tokenTtlSeconds?: number;
  auditDataPlane?: 'all' | 'failures' | 'off';
  onBootstrap?: (result: BootstrapResult, url: string) => void;
}

/** Runs the server until SIGINT/SIGTERM; on shutdown the audit buffer is flushed before exit. */
async function freePort(host: string): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startServer(requested: StartOptions): Promise<void> {
  // Port 0 means "any free port": pick it first so that links and the saved context name it.
  const options = requested.port === 0 ? { ...requested, port: await freePort(requested.host) } : requested;
  const displayHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const provisionalUrl = (options.publicUrl ?? `http://${displayHost}:${options.port}`).replace(/\/+$/, '');
  const runtime = await createRuntime({
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl,
    lock: true,
    bootstrap: true,
    publicUrl: provisionalUrl,
    tokenTtlSeconds: options.tokenTtlSeconds,
    dataPlane: { audit: options.auditDataPlane },
    masterKey: process.env.KEYWARD_MASTER_KEY || undefined,
    logger: {
      level: process.env.KEYWARD_LOG_LEVEL ?? 'info',
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.body'], censor: '[redacted]' },
    },
  });
  let address: string;
  try {
    address = await runtime.app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await runtime.close();
    const code = (error as NodeJS.ErrnoException).code;
    throw errors.unavailable(code === 'EADDRINUSE' ? `Port ${options.port} on ${options.host} is already in use` : `Cannot listen on ${options.host}:${options.port} (${code ?? 'error'})`);
  }
  const url = options.publicUrl ?? address.replace('0.0.0.0', '127.0.0.1');
  if (runtime.bootstrapped) options.onBootstrap?.(runtime.bootstrapped, url);
  process.stderr.write(`keyward listening on ${address} (${runtime.store.dialect})\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`keyward: ${signal} received, shutting down\n`);
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

/** `keyward server init`: initializes an empty store and returns the admin credentials once. */
export async function initStore(options: { dataDir?: string; databaseUrl?: string }): Promise<BootstrapResult> {
  const store = await openStore({ ...options, lock: true });
  try {
    await migrateToLatest(store.db);
    const clock = () => new Date();
    const audit = createAuditLog({ db: store.db, source: 'crn://keyward', clock });
    const result = await initializeStore(store.db, audit, clock);
    await audit.close();
    return result;
  } finally {
    await store.close();
  }
}

/** Consistent online backup through SQLite's backup API; works while a server holds the store. */
export async function backupStore(dataDir: string, out: string): Promise<number> {
  const path = join(resolve(dataDir), SQLITE_FILE);
  if (!existsSync(path)) throw errors.invalid(`No keyward store in ${resolve(dataDir)}`);
  if (existsSync(out)) throw errors.invalid(`${out} already exists; choose another file`);
  const db = new SQLite(path, { readonly: true, fileMustExist: true });
  try {
    const result = await db.backup(out);
    return result.totalPages;
  } finally {
    db.close();
  }
}

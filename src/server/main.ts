import { closeSync, existsSync, fchmodSync, openSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { openStore, migrateToLatest, SQLITE_FILE } from '../store/connect.js';
import { createAuditLog } from '../services/audit/audit-log.js';
import { AUDIT_KEY_FILE_ENV, auditKeySourceFromEnv, resolveAuditKey } from '../services/audit/audit-key.js';
import { ensureAuditRegistry } from '../services/audit/chain-registry.js';
import { initializeStore, organizationId, recoverAdmin, type BootstrapResult, type RecoveryResult } from '../services/bootstrap.js';
import { errors, isKeywardError } from '../domain/errors.js';
import { userInfo } from 'node:os';
import { createRuntime } from './runtime.js';
import { organizationCrn } from '../domain/crn.js';
import { loggerOptions } from './logging.js';
import type { DataPlaneAuditMode } from '../services/audit/data-plane-recorder.js';

export interface StartOptions {
  host: string;
  port: number;
  dataDir?: string;
  databaseUrl?: string;
  publicUrl?: string;
  tokenTtlSeconds?: number;
  auditDataPlane?: DataPlaneAuditMode;
  /** `--audit-aggregate-window` in ms (validated by the CLI). */
  auditAggregateWindowMs?: number;
  /** `--trust-proxy`: CIDR ranges (validated by the CLI) whose X-Forwarded-For / X-Real-IP are believed. */
  trustProxy?: readonly string[];
  onBootstrap?: (result: BootstrapResult, url: string) => void;
}

/** A port the OS says is free on `host` (for `--port 0`). */
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

function listenError(error: unknown, host: string, port: number) {
  const code = (error as NodeJS.ErrnoException).code;
  return errors.unavailable(code === 'EADDRINUSE' ? `Port ${port} on ${host} is already in use` : `Cannot listen on ${host}:${port} (${code ?? 'error'})`);
}

/** Binds the port (and holds it) before the store is touched, so that a busy port changes nothing. */
async function reservePort(host: string, port: number): Promise<{ release(): Promise<void> }> {
  const { createServer } = await import('node:net');
  // A client knocking meanwhile (a broker retrying) is turned away at once: an accepted connection left
  // open would hold close() (and so the start) until that client gave up.
  const reservation = createServer((socket) => socket.destroy());
  await new Promise<void>((resolveListen, reject) => {
    reservation.once('error', (error) => reject(listenError(error, host, port)));
    reservation.listen({ host, port, exclusive: true }, () => resolveListen());
  });
  return { release: () => new Promise<void>((resolveClose) => reservation.close(() => resolveClose())) };
}

/** Runs the server until SIGINT/SIGTERM; on shutdown the audit buffer is flushed before exit. */
export async function startServer(requested: StartOptions): Promise<void> {
  // Port 0 means "any free port": pick it first so that links and the saved context name it.
  const options = requested.port === 0 ? { ...requested, port: await freePort(requested.host) } : requested;
  const displayHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const provisionalUrl = (options.publicUrl ?? `http://${displayHost}:${options.port}`).replace(/\/+$/, '');
  // Bootstrap only once the server can serve: a first start on a busy port must not initialize the
  // store and lose the admin secret with the failed listen. The port is held while the store is
  // opened and bootstrapped, and handed to the server right after.
  const reservation = await reservePort(options.host, options.port);
  const runtime = await createRuntime({
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl,
    lock: true,
    bootstrap: true,
    publicUrl: provisionalUrl,
    tokenTtlSeconds: options.tokenTtlSeconds,
    dataPlane: { audit: options.auditDataPlane, auditWindowMs: options.auditAggregateWindowMs },
    masterKey: process.env.KEYWARD_MASTER_KEY || undefined,
    auditKeyFile: process.env[AUDIT_KEY_FILE_ENV] || undefined,
    edge: { trustProxy: options.trustProxy },
    logger: loggerOptions(process.env.KEYWARD_LOG_LEVEL ?? 'info'),
  }).finally(() => reservation.release());
  let address: string;
  try {
    address = await runtime.app.listen({ host: options.host, port: options.port });
  } catch (error) {
    // Only if another process took the port in the instant between release and listen: the store
    // is initialized by now, so its admin credentials are shown rather than lost.
    if (runtime.bootstrapped) options.onBootstrap?.(runtime.bootstrapped, provisionalUrl);
    await runtime.close();
    throw listenError(error, options.host, options.port);
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
    const key = resolveAuditKey(auditKeySourceFromEnv(options.dataDir));
    await ensureAuditRegistry(store.db, key, clock().toISOString());
    const audit = createAuditLog({ db: store.db, key, source: 'crn://keyward', clock });
    const result = await initializeStore(store.db, audit, clock);
    await audit.close();
    return result;
  } finally {
    await store.close();
  }
}

/** The operator running a command on this machine, for the audit log (`System:<OS user>`). */
function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? `uid-${process.getuid?.() ?? 'unknown'}`;
  }
}

/**
 * `keyward server recover-admin`: break-glass for an operator with access to the store. Works
 * while PostgreSQL servers run; a running SQLite server holds the store's lock, so it must be
 * stopped first.
 */
export async function recoverAdminStore(options: { dataDir?: string; databaseUrl?: string }): Promise<RecoveryResult> {
  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    store = await openStore({ ...options, lock: true });
  } catch (error) {
    if (isKeywardError(error) && !options.databaseUrl) throw errors.unavailable(`${error.message} Stop that server, then run keyward server recover-admin again.`);
    throw error;
  }
  try {
    await migrateToLatest(store.db);
    const clock = () => new Date();
    const key = resolveAuditKey(auditKeySourceFromEnv(options.dataDir));
    await ensureAuditRegistry(store.db, key, clock().toISOString());
    const org = await organizationId(store.db);
    const audit = createAuditLog({ db: store.db, key, source: org ? organizationCrn(org) : 'crn://keyward', clock });
    try {
      return await recoverAdmin(store.db, audit, clock, { dialect: store.dialect, operator: operatorName() });
    } finally {
      await audit.close();
    }
  } finally {
    await store.close();
  }
}

/**
 * Consistent online backup through SQLite's backup API; works while a server holds the store.
 * A backup is the whole store (key hashes, signing keys, the audit log): its file is created empty
 * with mode 0600 before SQLite writes a byte into it, so it is never readable by others, and an
 * existing file is never overwritten (`wx` fails atomically if it exists).
 */
export async function backupStore(dataDir: string, out: string): Promise<number> {
  const path = join(resolve(dataDir), SQLITE_FILE);
  if (!existsSync(path)) throw errors.invalid(`No keyward store in ${resolve(dataDir)}`);
  let fd: number;
  try {
    fd = openSync(out, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw errors.invalid(code === 'EEXIST' ? `${out} already exists; choose another file` : `Cannot create ${out} (${code ?? 'error'})`);
  }
  try {
    fchmodSync(fd, 0o600); // whatever the umask
  } finally {
    closeSync(fd);
  }
  const db = new SQLite(path, { readonly: true, fileMustExist: true });
  try {
    const result = await db.backup(out);
    return result.totalPages;
  } catch (error) {
    rmSync(out, { force: true });
    throw error;
  } finally {
    db.close();
  }
}

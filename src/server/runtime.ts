import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { openStore, migrateToLatest, type Store, type StoreOptions } from '../store/connect.js';
import { createAuditLog, type AuditLog } from '../services/audit/audit-log.js';
import { createChangeBus, type ChangeBus } from '../services/changes.js';
import { initializeStore, organizationId, type BootstrapResult } from '../services/bootstrap.js';
import { createServices, type Services } from '../services/index.js';
import { organizationCrn } from '../domain/crn.js';
import { buildApp, type AppOptions } from './app.js';
import { scrub } from './errors.js';
import { startPostgresRelay } from '../services/postgres-change-relay.js';
import { auditRetentionDays, startRetention } from '../services/audit/retention.js';
import { resolveAuditKey, type AuditKey } from '../services/audit/audit-key.js';
import { ensureAuditRegistry } from '../services/audit/chain-registry.js';
import type { DataPlaneOptions } from '../services/index.js';
import { randomUUID } from 'node:crypto';
import { createHealthRegistry, type HealthRegistry } from './health.js';
import { startSqliteBatchWriter, type SqliteBatchWriter } from '../store/sqlite-durability.js';

export interface RuntimeOptions extends StoreOptions {
  publicUrl: string;
  logger?: FastifyServerOptions['logger'];
  clock?: () => Date;
  /** Bootstrap an empty store (server start does; tests may too). */
  bootstrap?: boolean;
  dataPlane?: Omit<DataPlaneOptions, 'cacheTrusted'>;
  /** Lifetime of OAuth access tokens in seconds (default 900). */
  tokenTtlSeconds?: number;
  /** Encrypts signing keys at rest (KEYWARD_MASTER_KEY); the audit key is derived from it when set. */
  masterKey?: string;
  /** The audit key file when there is no master key (KEYWARD_AUDIT_KEY_FILE; default `<data dir>/audit.key`). */
  auditKeyFile?: string;
  /** The audit key itself (tests); else from `masterKey` or the key file. */
  auditKey?: AuditKey;
  /** The host name recorded in the audit chain registry (default os.hostname()). */
  auditHost?: string;
  /** The network edge: trusted proxies and slow-client limits (app.ts). */
  edge?: Pick<AppOptions, 'trustProxy' | 'limits'>;
}

export interface Runtime {
  app: FastifyInstance;
  store: Store;
  services: Services;
  audit: AuditLog;
  /** The change bus: announces changes to other instances and publishes them to this process's caches. */
  changes: ChangeBus;
  bootstrapped?: BootstrapResult;
  /** Failing components, as `/readyz` reports them. */
  health: HealthRegistry;
  close(): Promise<void>;
}

/** Opens the store, migrates, bootstraps when asked, and builds the app: everything but listen. */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const clock = options.clock ?? (() => new Date());
  const health = createHealthRegistry();
  // The log exists once the app is built; until then problems go to stderr.
  let log: { warn(message: string): void; error(message: string): void } = {
    warn: (message) => process.stderr.write(`keyward: ${message}\n`),
    error: (message) => process.stderr.write(`keyward: ${message}\n`),
  };
  let batchWriter: SqliteBatchWriter | undefined;
  const store = await openStore({ ...options, onConnectionError: (error) => log.warn(`database connection lost: ${scrub(error.message)}`) });
  try {
    await migrateToLatest(store.db);
    // The audit key is not in the database; a key that does not match the registry's stops start-up.
    const auditKey = options.auditKey ?? resolveAuditKey({ masterKey: options.masterKey, keyFile: options.auditKeyFile, dataDir: options.dataDir });
    await ensureAuditRegistry(store.db, auditKey, clock().toISOString());
    let orgId = await organizationId(store.db);
    let bootstrapped: BootstrapResult | undefined;
    if (!orgId) {
      if (!options.bootstrap) throw new Error('The store is not initialized: run keyward server init');
      const bootstrapAudit = createAuditLog({ db: store.db, key: auditKey, host: options.auditHost, source: 'crn://keyward', clock });
      bootstrapped = await initializeStore(store.db, bootstrapAudit, clock);
      await bootstrapAudit.close();
      orgId = bootstrapped.organization;
    }
    // Management commits are durable on acknowledgement (synchronous=FULL); data-plane audit batches
    // and last_used are written by a thread of their own and synced within a second (sqlite-durability.ts).
    batchWriter = store.sqlitePath && !options.readonly ? startSqliteBatchWriter(store.sqlitePath) : undefined;
    const writer = batchWriter;
    // A data-plane audit write that fails is retried with the next flush; while it keeps failing
    // /readyz is red (naming the audit log) and every failure is logged at error level.
    const audit = createAuditLog({
      db: store.db,
      key: auditKey,
      host: options.auditHost,
      source: organizationCrn(orgId),
      clock,
      writeBatch: writer ? (rows, head) => writer.audit(rows, head) : undefined,
      onError: (error) => {
        health.fail('audit log', 'audit events cannot be written');
        log.error(`audit write failed: ${scrub((error as Error).message)}`);
      },
      onWritten: () => health.ok('audit log'),
    });
    const changes = createChangeBus();
    // On PostgreSQL other instances may change keys: caches are trusted only while the
    // LISTEN connection that carries their invalidations is up.
    let cacheTrusted = store.dialect === 'sqlite';
    const relay = store.databaseUrl
      ? await startPostgresRelay({
          databaseUrl: store.databaseUrl,
          bus: changes,
          instanceId: randomUUID(),
          onHealth: (healthy) => {
            cacheTrusted = healthy;
            if (healthy) health.ok('change relay');
            else health.fail('change relay', 'cross-instance cache invalidation is down (caches bypassed)');
          },
          log: (message) => log.warn(scrub(message)),
        })
      : undefined;
    const services = createServices(
      { db: store.db, dialect: store.dialect, clock, audit, changes, organizationId: orgId },
      // a test's clock drives the aggregation windows too; the real one is read as Date.now()
      {
        ...options.dataPlane,
        cacheTrusted: () => cacheTrusted,
        now: options.clock ? () => clock().getTime() : undefined,
        lastUsedWrite: writer ? (ids, times) => writer.lastUsed(ids, times) : undefined,
      },
      { issuer: options.publicUrl, ttlSeconds: options.tokenTtlSeconds, masterKey: options.masterKey },
    );
    const app = await buildApp({ services, publicUrl: options.publicUrl, logger: options.logger, health, ...options.edge });
    log = { warn: (message) => app.log.warn(message), error: (message) => app.log.error(message) };
    const stopRetention = startRetention({
      db: store.db,
      key: auditKey,
      clock,
      days: await auditRetentionDays(store.db),
      onError: (error) => app.log.error({ err: { message: (error as Error).message } }, 'audit retention failed'),
    });
    return {
      app,
      store,
      services,
      audit,
      changes,
      bootstrapped,
      health,
      async close() {
        await stopRetention();
        await app.close();
        await relay?.stop();
        await services.close();
        await audit.close();
        await writer?.close();
        await store.close();
      },
    };
  } catch (error) {
    await batchWriter?.close();
    await store.close();
    throw error;
  }
}

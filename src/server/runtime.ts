import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { openStore, migrateToLatest, type Store, type StoreOptions } from '../store/connect.js';
import { createAuditLog, sqliteAuditInsert, type AuditLog } from '../services/audit/audit-log.js';
import { createChangeBus } from '../services/changes.js';
import { initializeStore, organizationId, type BootstrapResult } from '../services/bootstrap.js';
import { createServices, type Services } from '../services/index.js';
import { organizationCrn } from '../domain/crn.js';
import { buildApp } from './app.js';
import { startPostgresRelay } from '../services/postgres-change-relay.js';
import { auditRetentionDays, startRetention } from '../services/audit/retention.js';
import type { DataPlaneOptions } from '../services/index.js';
import { randomUUID } from 'node:crypto';

export interface RuntimeOptions extends StoreOptions {
  publicUrl: string;
  logger?: FastifyServerOptions['logger'];
  clock?: () => Date;
  /** Bootstrap an empty store (server start does; tests may too). */
  bootstrap?: boolean;
  dataPlane?: Omit<DataPlaneOptions, 'cacheTrusted'>;
  /** Lifetime of OAuth access tokens in seconds (default 900). */
  tokenTtlSeconds?: number;
  /** Encrypts signing keys at rest (KEYWARD_MASTER_KEY). */
  masterKey?: string;
}

export interface Runtime {
  app: FastifyInstance;
  store: Store;
  services: Services;
  audit: AuditLog;
  bootstrapped?: BootstrapResult;
  close(): Promise<void>;
}

/** Opens the store, migrates, bootstraps when asked, and builds the app: everything but listen. */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const clock = options.clock ?? (() => new Date());
  const store = await openStore(options);
  try {
    await migrateToLatest(store.db);
    let orgId = await organizationId(store.db);
    let bootstrapped: BootstrapResult | undefined;
    if (!orgId) {
      if (!options.bootstrap) throw new Error('The store is not initialized: run keyward server init');
      const bootstrapAudit = createAuditLog({ db: store.db, source: 'crn://keyward', clock });
      bootstrapped = await initializeStore(store.db, bootstrapAudit, clock);
      await bootstrapAudit.close();
      orgId = bootstrapped.organization;
    }
    let reportAuditError: (error: unknown) => void = (error) => {
      process.stderr.write(`keyward: audit write failed: ${(error as Error).message}\n`);
    };
    const audit = createAuditLog({
      db: store.db,
      source: organizationCrn(orgId),
      clock,
      fastInsert: store.sqlite ? sqliteAuditInsert(store.sqlite) : undefined,
      onError: (error) => reportAuditError(error),
    });
    const changes = createChangeBus();
    // On PostgreSQL other instances may change keys: caches are trusted only while the
    // LISTEN connection that carries their invalidations is up.
    let cacheTrusted = store.dialect === 'sqlite';
    const relay = store.databaseUrl
      ? await startPostgresRelay({ databaseUrl: store.databaseUrl, bus: changes, instanceId: randomUUID(), onHealth: (healthy) => (cacheTrusted = healthy) })
      : undefined;
    const services = createServices(
      { db: store.db, dialect: store.dialect, clock, audit, changes, organizationId: orgId },
      { ...options.dataPlane, cacheTrusted: () => cacheTrusted },
      { issuer: options.publicUrl, ttlSeconds: options.tokenTtlSeconds, masterKey: options.masterKey },
    );
    const app = await buildApp({ services, publicUrl: options.publicUrl, logger: options.logger });
    reportAuditError = (error) => app.log.error({ err: { message: (error as Error).message } }, 'audit write failed');
    const stopRetention = startRetention({
      db: store.db,
      clock,
      days: await auditRetentionDays(store.db),
      onError: (error) => app.log.error({ err: { message: (error as Error).message } }, 'audit retention failed'),
    });
    return {
      app,
      store,
      services,
      audit,
      bootstrapped,
      async close() {
        await stopRetention();
        await app.close();
        await relay?.stop();
        await services.close();
        await audit.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * The servers the scenarios run against, each started on first use and stopped once no remaining
 * scenario needs it. Every server is a real child process on a free loopback port.
 */
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createBenchDatabase, type BenchDatabase } from './postgres.js';
import { cleanup, runCli, startBaseline, startKeyward, type Child, type KeywardServer } from './processes.js';
import { seedKeys, type Credentials } from './seed-million.js';
import { seedGrants } from './seed-grants.js';

export interface Settings {
  /** Measured seconds per scenario. */
  duration: number;
  /** Warm-up seconds before each measurement. */
  warmup: number;
  connections: number;
  /** Keys created through the API for the warm-cache scenarios. */
  keys: number;
  /** Keys seeded for the cold-cache scenario. */
  millionKeys: number;
  skipMillion: boolean;
  /** The PostgreSQL server the PostgreSQL scenarios create their database on; `skip` says why they do not run. */
  postgres: { adminUrl: string; skip?: string };
  /** The failure flood: its length and rate, and the other client's rate (bench/flood.ts). */
  flood: { seconds: number; floodRate: number; floodConnections: number; floodAddresses: number; clientRate: number; clientConnections: number };
}

export interface KeywardFixture {
  server: KeywardServer;
  cluster: string;
  keys: Credentials[];
  /** Extra facts for the report (seed time, file size…). */
  info: Record<string, unknown>;
  /** The SQLite store's directory, for a probe that reads it after the server stopped. */
  dataDir?: string;
  /** PostgreSQL's processes working for this store, for their CPU time. */
  databasePids?: () => Promise<number[]>;
}

export interface MillionFixture extends KeywardFixture {
  /** Keys for the warm-up; never presented in the measurement. */
  warmupKeys: Credentials[];
}

export type FixtureName =
  | 'baseline'
  | 'keyward'
  | 'keyward-audit-off'
  | 'keyward-audit-every'
  | 'keyward-million'
  | 'keyward-grants'
  | 'keyward-proxied'
  | 'keyward-flood'
  | 'postgres'
  | 'postgres-second'
  | 'postgres-audit-off'
  | 'postgres-audit-every';

/** The server's default data-plane audit mode: the fixtures that measure it pass no flag. */
const DEFAULT_AUDIT = 'default (all)';

export class Fixtures {
  private readonly started = new Map<FixtureName, Promise<unknown>>();
  private readonly stops = new Map<FixtureName, () => Promise<void>>();
  private snapshot?: string;
  private keysCreated?: { cluster: string; keys: Credentials[] };
  private keywardDataDir?: string;
  private postgresStore?: { database: BenchDatabase; auditKeyFile: string; cluster: string; keys: Credentials[] };

  constructor(
    private readonly settings: Settings,
    private readonly log: (line: string) => void,
  ) {}

  private once<T>(name: FixtureName, start: () => Promise<T>): Promise<T> {
    let p = this.started.get(name) as Promise<T> | undefined;
    if (!p) {
      p = start();
      this.started.set(name, p);
    }
    return p;
  }

  baseline(): Promise<Child> {
    return this.once('baseline', async () => {
      const child = await startBaseline();
      this.stops.set('baseline', () => child.stop());
      this.log(`baseline server on ${child.url} (pid ${child.pid})`);
      return child;
    });
  }

  /**
   * The first server's store into `dataDir`, with its audit key file (mode 0600 kept): the audit
   * chains of the copy are keyed with it, so another key would refuse to write them.
   */
  private copySnapshot(dataDir: string): void {
    if (!this.snapshot || !this.keywardDataDir) throw new Error('no snapshot of the keyward store');
    copyFileSync(this.snapshot, join(dataDir, 'keyward.db'));
    const auditKey = join(this.keywardDataDir, 'audit.key');
    if (existsSync(auditKey)) copyFileSync(auditKey, join(dataDir, 'audit.key'));
  }

  /** keyward with the default data-plane audit mode and `settings.keys` keys made through its API. */
  keyward(): Promise<KeywardFixture> {
    return this.once('keyward', async () => {
      const dataDir = cleanup.tempDir('data');
      this.keywardDataDir = dataDir;
      const server = await startKeyward(dataDir);
      this.stops.set('keyward', () => server.stop());
      if (!server.admin) throw new Error('the keyward server did not print its bootstrap key');
      this.log(`keyward (default audit) on ${server.url} (pid ${server.pid}); creating ${this.settings.keys} keys through the API`);
      const created = await createKeys(server.url, server.admin, this.settings.keys);
      this.keysCreated = created;
      // The audit-off server starts from a copy of this store taken now, before any load.
      const snapshotDir = cleanup.tempDir('snapshot');
      this.snapshot = join(snapshotDir, 'keyward.db');
      await runCli(['server', 'backup', '--data-dir', dataDir, '--out', this.snapshot], server.home);
      return { server, ...created, info: { audit: DEFAULT_AUDIT, keys: created.keys.length } };
    });
  }

  /** A server on a copy of the first one's store (same keys), started with these flags. */
  private onSnapshot(name: FixtureName, flags: string[], describe: string, info: Record<string, unknown>): Promise<KeywardFixture> {
    return this.once(name, async () => {
      await this.keyward();
      if (!this.snapshot || !this.keysCreated) throw new Error('no snapshot of the keyward store');
      const dataDir = cleanup.tempDir(name);
      this.copySnapshot(dataDir);
      const server = await startKeyward(dataDir, flags);
      this.stops.set(name, () => server.stop());
      this.log(`keyward (${describe}, same store) on ${server.url} (pid ${server.pid})`);
      return { server, ...this.keysCreated, dataDir, info: { keys: this.keysCreated.keys.length, ...info } };
    });
  }

  /** `--audit-data-plane off` on a copy of the first server's store. */
  keywardAuditOff(): Promise<KeywardFixture> {
    return this.onSnapshot('keyward-audit-off', ['--audit-data-plane', 'off'], 'audit off', { audit: 'off' });
  }

  /** `--audit-data-plane every` (one event per request) on a copy of the first server's store. */
  keywardAuditEvery(): Promise<KeywardFixture> {
    return this.onSnapshot('keyward-audit-every', ['--audit-data-plane', 'every'], 'audit every request', { audit: 'every' });
  }

  /**
   * The default audit mode and window, trusting 127.0.0.1 as a proxy (the flood's clients are named
   * by X-Forwarded-For), on a copy of the first server's store.
   */
  keywardFlood(): Promise<KeywardFixture> {
    return this.onSnapshot('keyward-flood', ['--trust-proxy', '127.0.0.1/32'], 'default audit, trusting 127.0.0.1 as a proxy', { audit: DEFAULT_AUDIT, trustProxy: '127.0.0.1/32' });
  }

  /**
   * The first server's store (a copy) served with `--trust-proxy 127.0.0.1/32`, so that a probe can
   * give every request its own client address (X-Forwarded-For) and never meet the brute-force guard.
   */
  keywardProxied(): Promise<KeywardFixture> {
    return this.onSnapshot('keyward-proxied', ['--trust-proxy', '127.0.0.1/32'], 'default audit, trusting 127.0.0.1 as a proxy', { audit: DEFAULT_AUDIT, trustProxy: '127.0.0.1/32' });
  }

  /**
   * A third server (audit all) on a copy of the first one's store with 10,000 ACLs and 10,000 role
   * bindings added, for verify with an action.
   */
  keywardGrants(): Promise<KeywardFixture> {
    return this.once('keyward-grants', async () => {
      await this.keyward();
      if (!this.snapshot || !this.keysCreated) throw new Error('no snapshot of the keyward store');
      const dataDir = cleanup.tempDir('data-grants');
      this.copySnapshot(dataDir);
      const seeded = seedGrants(dataDir, this.keysCreated.cluster, { acls: 10_000, roleBindings: 10_000 });
      const server = await startKeyward(dataDir);
      this.stops.set('keyward-grants', () => server.stop());
      this.log(`keyward (default audit, ${seeded.acls} ACLs, ${seeded.roleBindings} role bindings) on ${server.url} (pid ${server.pid})`);
      return { server, ...this.keysCreated, info: { audit: DEFAULT_AUDIT, keys: this.keysCreated.keys.length, ...seeded } };
    });
  }

  /**
   * A store with `settings.millionKeys` keys seeded before the server starts, so its key cache is
   * cold. Secrets are kept for enough distinct keys that nearly every request is a cache miss.
   */
  million(): Promise<MillionFixture> {
    return this.once('keyward-million', async () => {
      const dataDir = cleanup.tempDir('data-million');
      const home = cleanup.tempDir('home-million');
      const perSecond = 30_000; // more distinct keys than the server can verify per second from a cold cache
      const measured = Math.min(this.settings.millionKeys - 1, Math.ceil(perSecond * this.settings.duration));
      const warm = Math.min(Math.max(0, this.settings.millionKeys - 1 - measured), Math.ceil(perSecond * this.settings.warmup));
      this.log(`seeding ${this.settings.millionKeys} keys into ${dataDir} (keeping ${measured + warm} secrets)`);
      const seeded = await seedKeys(dataDir, home, this.settings.millionKeys, measured + warm, this.log);
      this.log(`  ${seeded.rows} keys in ${seeded.seconds.toFixed(1)} s, store ${(seeded.fileBytes / 1e6).toFixed(0)} MB`);
      cleanup.removeDir(home);
      const server = await startKeyward(dataDir);
      this.stops.set('keyward-million', () => server.stop());
      this.log(`keyward (default audit, ${seeded.rows} keys, cold cache) on ${server.url} (pid ${server.pid})`);
      return {
        server,
        cluster: seeded.cluster,
        keys: seeded.kept.slice(0, measured),
        warmupKeys: seeded.kept.slice(measured),
        info: { audit: DEFAULT_AUDIT, keysInStore: seeded.rows, seedSeconds: Number(seeded.seconds.toFixed(1)), storeBytes: seeded.fileBytes, distinctKeysAvailable: measured },
      };
    });
  }

  /**
   * keyward on a fresh PostgreSQL database (created now, dropped when the run ends) with the default
   * audit mode, and `settings.keys` keys made through its API. Every PostgreSQL instance of the run
   * shares this database and one audit key file (the chains of one store are keyed alike).
   */
  postgres(): Promise<KeywardFixture> {
    return this.once('postgres', async () => {
      const database = await createBenchDatabase(this.settings.postgres.adminUrl);
      const auditKeyFile = join(cleanup.tempDir('pg-audit-key'), 'audit.key');
      const server = await this.startOnPostgres('postgres', database, auditKeyFile, []);
      if (!server.admin) throw new Error('the keyward server did not print its bootstrap key');
      this.log(`keyward (default audit, PostgreSQL database ${database.name}) on ${server.url} (pid ${server.pid}); creating ${this.settings.keys} keys through the API`);
      const created = await createKeys(server.url, server.admin, this.settings.keys);
      this.postgresStore = { database, auditKeyFile, ...created };
      return { server, ...created, databasePids: database.serverPids, info: { audit: DEFAULT_AUDIT, store: 'postgres', keys: created.keys.length } };
    });
  }

  private startOnPostgres(name: FixtureName, database: BenchDatabase, auditKeyFile: string, flags: string[]): Promise<KeywardServer> {
    return startKeyward(cleanup.tempDir(name), ['--database-url', database.url, ...flags], { KEYWARD_AUDIT_KEY_FILE: auditKeyFile }).then((server) => {
      this.stops.set(name, () => server.stop());
      return server;
    });
  }

  /** One more instance on the first PostgreSQL instance's database, started with these flags. */
  private onPostgres(name: FixtureName, flags: string[], describe: string, info: Record<string, unknown>): Promise<KeywardFixture> {
    return this.once(name, async () => {
      await this.postgres();
      const store = this.postgresStore;
      if (!store) throw new Error('no PostgreSQL store');
      const server = await this.startOnPostgres(name, store.database, store.auditKeyFile, flags);
      this.log(`keyward (${describe}, the same PostgreSQL database) on ${server.url} (pid ${server.pid})`);
      return { server, cluster: store.cluster, keys: store.keys, databasePids: store.database.serverPids, info: { store: 'postgres', keys: store.keys.length, ...info } };
    });
  }

  /** A second instance with the default audit mode, for two instances on one database. */
  postgresSecond(): Promise<KeywardFixture> {
    return this.onPostgres('postgres-second', [], 'default audit, second instance', { audit: DEFAULT_AUDIT });
  }

  postgresAuditOff(): Promise<KeywardFixture> {
    return this.onPostgres('postgres-audit-off', ['--audit-data-plane', 'off'], 'audit off', { audit: 'off' });
  }

  postgresAuditEvery(): Promise<KeywardFixture> {
    return this.onPostgres('postgres-audit-every', ['--audit-data-plane', 'every'], 'audit every request', { audit: 'every' });
  }

  /** Stops the fixtures not in `keep`. */
  async release(keep: Set<FixtureName>): Promise<void> {
    for (const [name, stop] of [...this.stops]) {
      if (keep.has(name)) continue;
      this.stops.delete(name);
      await stop();
    }
  }
}

async function api<T>(url: string, admin: Credentials, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`${admin.key}:${admin.secret}`).toString('base64')}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as T };
}

/**
 * One Kafka cluster and `count` keys for it, owned by service accounts of at most 10 keys each (a
 * per-owner, per-resource quota may apply), all through the management API.
 */
async function createKeys(url: string, admin: Credentials, count: number): Promise<{ cluster: string; keys: Credentials[] }> {
  const must = <T>(r: { status: number; json: T }, what: string): T => {
    if (r.status !== 201) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  };
  const cluster = must(await api<{ id: string }>(url, admin, 'POST', '/cmk/v2/clusters', { spec: { display_name: 'bench', cloud: 'aws', region: 'us-east-1' } }), 'create cluster').id;
  const keys: Credentials[] = [];
  let owner = '';
  for (let i = 0; i < count; i++) {
    if (i % 10 === 0) {
      owner = must(await api<{ id: string }>(url, admin, 'POST', '/iam/v2/service-accounts', { display_name: `bench-${i / 10}`, description: 'keyward benchmark' }), 'create service account').id;
    }
    const key = must(
      await api<{ id: string; spec: { secret: string } }>(url, admin, 'POST', '/iam/v2/api-keys', { spec: { resource: { id: cluster }, owner: { id: owner }, display_name: `bench-${i}` } }),
      'create API key',
    );
    keys.push({ key: key.id, secret: key.spec.secret });
  }
  return { cluster, keys };
}

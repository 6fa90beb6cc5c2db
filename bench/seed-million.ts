/**
 * Seeds a data directory with many API keys directly through better-sqlite3, before any server
 * starts on it: `keyward server init` bootstraps the store (organization, environment, admin), then
 * one service account, one Kafka cluster and COUNT keys for it go in one transaction through one
 * prepared statement. Every key gets a real secret (generateSecret) stored as its SHA-256
 * (hashSecret); only the secrets of the keys the benchmark will present are kept in memory.
 */
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { generateSecret, hashSecret } from '../src/domain/secrets.js';
import { newApiKeyId, newId } from '../src/domain/ids.js';
import { runCli } from './processes.js';

export interface Credentials {
  key: string;
  secret: string;
}

export interface SeedResult {
  admin: Credentials;
  environment: string;
  cluster: string;
  serviceAccount: string;
  /** Keys whose secrets were kept, in a random order of the store's keys. */
  kept: Credentials[];
  rows: number;
  seconds: number;
  fileBytes: number;
}

interface InitOutput {
  key: string;
  secret: string;
  organization: string;
  environment: string;
}

export async function seedKeys(dataDir: string, home: string, count: number, keep: number, log: (line: string) => void): Promise<SeedResult> {
  const started = performance.now();
  const init = JSON.parse(await runCli(['server', 'init', '--data-dir', dataDir, '-o', 'json'], home)) as InitOutput;

  const db = new SQLite(join(dataDir, 'keyward.db'));
  try {
    // Speed over durability while seeding a throw-away store; the server opens it in its own modes.
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    const now = new Date().toISOString();
    const serviceAccount = newId('serviceAccount');
    const cluster = newId('kafkaCluster');
    db.prepare('INSERT INTO service_accounts (id, name, description, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(serviceAccount, 'bench-million', 'keyward benchmark: owner of the seeded keys', 'ACTIVE', now, now);
    db.prepare(
      'INSERT INTO clusters (id, kind, environment_id, name, provider, region, type, availability, endpoint, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(cluster, 'kafka', init.environment, 'bench-million', 'aws', 'us-east-1', 'basic', 'single-zone', null, 'UP', now, now);

    const insert = db.prepare(
      `INSERT INTO api_keys (id, secret_hash, owner_id, owner_kind, resource_id, resource_kind, display_name, description, status, created_at, updated_at, expires_at, last_used, replaces, replaced_by)
       VALUES (?, ?, ?, 'service-account', ?, 'kafka', '', 'bench', 'ACTIVE', ?, ?, NULL, NULL, NULL, NULL)`,
    );
    // Keep the secrets of `keep` keys spread evenly over the insertion order.
    const every = Math.max(1, Math.floor(count / Math.max(1, keep)));
    const kept: Credentials[] = [];
    const seen = new Set<string>();
    const insertAll = db.transaction(() => {
      for (let i = 0; i < count; i++) {
        let id = newApiKeyId();
        while (seen.has(id)) id = newApiKeyId();
        seen.add(id);
        const secret = generateSecret();
        insert.run(id, hashSecret(secret), serviceAccount, cluster, now, now);
        if (i % every === 0 && kept.length < keep) kept.push({ key: id, secret });
        if ((i + 1) % 200_000 === 0) log(`  seeded ${i + 1} keys (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      }
    });
    insertAll();
    db.pragma('wal_checkpoint(TRUNCATE)');
    const rows = (db.prepare('SELECT count(*) AS n FROM api_keys').get() as { n: number }).n;
    const pages = db.pragma('page_count', { simple: true }) as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    // Present the kept keys in a random order so consecutive requests hit unrelated B-tree pages.
    for (let i = kept.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [kept[i], kept[j]] = [kept[j] as Credentials, kept[i] as Credentials];
    }
    return {
      admin: { key: init.key, secret: init.secret },
      environment: init.environment,
      cluster,
      serviceAccount,
      kept,
      rows,
      seconds: (performance.now() - started) / 1000,
      fileBytes: pages * pageSize,
    };
  } finally {
    db.close();
  }
}

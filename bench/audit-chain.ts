/**
 * What the keyed audit chain costs on the data-plane path (issue 8 §4):
 *   1. hashing an event: unkeyed sha256 (the legacy chain) vs HMAC-SHA256 under the audit key;
 *   2. the batched writer end to end on SQLite (fast insert: one transaction per 100-event slice,
 *      the registry head moved by one extra UPDATE in it) and on PostgreSQL when reachable.
 *
 * Run: npx tsc -p tsconfig.build.json && node dist/bench/audit-chain.js
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { auditKeyFromMasterKey } from '../src/services/audit/audit-key.js';
import { createAuditLog, sqliteAuditInsert } from '../src/services/audit/audit-log.js';
import { buildCloudEvent, type AuditInput } from '../src/services/audit/cloud-event.js';
import { eventHash, GENESIS_HASH, legacyEventHash } from '../src/services/audit/chain.js';
import { migrateToLatest, openStore, type StoreOptions } from '../src/store/connect.js';

const key = auditKeyFromMasterKey('bench master key');
const input = (i: number): AuditInput => ({
  type: 'io.keyward.authentication', method: 'keyward.Verify', subject: 'crn://keyward/organization=o/environment=env-x/cloud-cluster=lkc-x',
  principal: 'User:sa-abc123', apiKey: 'UTT6WDRXX7FHD2GV', mechanism: 'VERIFY_API',
  request: { clientAddress: '127.0.0.1', requestId: `req-${i}`, userAgent: 'bench' }, status: 'SUCCESS',
});

function hashing(n: number): void {
  const events = Array.from({ length: n }, (_, i) => ({ ...buildCloudEvent('crn://keyward/organization=o', input(i), new Date()), keywardchain: 'c', keywardseq: i + 1, keywardprevhash: GENESIS_HASH }));
  for (const [label, hash] of [['sha256 (legacy)', legacyEventHash], ['HMAC-SHA256 (keyed)', (e: (typeof events)[number]) => eventHash(key, e)]] as const) {
    for (const e of events.slice(0, 2000)) hash(e); // warm up
    const start = process.hrtime.bigint();
    for (const e of events) hash(e);
    const ns = Number(process.hrtime.bigint() - start) / n;
    process.stdout.write(`${label.padEnd(22)} ${(ns / 1000).toFixed(2)} µs/event\n`);
  }
}

async function writer(label: string, options: StoreOptions, n: number): Promise<void> {
  const store = await openStore(options);
  try {
    await migrateToLatest(store.db);
    const audit = createAuditLog({
      db: store.db, key, source: 'crn://keyward/organization=o', clock: () => new Date(), flushIntervalMs: 60_000, maxBatch: 1_000_000,
      fastInsert: store.sqlite ? sqliteAuditInsert(store.sqlite) : undefined,
    });
    for (let i = 0; i < 1000; i++) audit.record(input(i));
    await audit.flush(); // warm up, and registers the chain
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) audit.record(input(i));
    await audit.flush();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    process.stdout.write(`${label.padEnd(22)} ${n} events in ${ms.toFixed(0)} ms: ${Math.round(n / (ms / 1000))} events/s\n`);
    await audit.close();
  } finally {
    await store.close();
  }
}

hashing(100_000);
const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-audit-'));
try {
  await writer('writer, SQLite', { dataDir: dir }, 50_000);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const url = process.env.KEYWARD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `kw_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: url });
try {
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const target = new URL(url);
  target.searchParams.set('options', `-c search_path=${schema}`);
  await writer('writer, PostgreSQL', { databaseUrl: target.toString() }, 20_000);
} catch (error) {
  process.stdout.write(`PostgreSQL skipped: ${(error as Error).message}\n`);
} finally {
  await admin.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
  await admin.end().catch(() => undefined);
}

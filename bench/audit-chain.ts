/**
 * What the data-plane audit writer costs (issue 8 §4, issue 10):
 *   1. per event on the event loop: building its canonical JSON (prepareEvent) and chaining it
 *      (HMAC-SHA256 under the audit key, the stored JSON spliced from the same text);
 *   2. the writer end to end: events/s through record() + flush(), and the longest the event loop
 *      was held while it ran (measured by a setImmediate ticker beside it: the longest gap between
 *      two of its turns), on SQLite with the batch writer thread, on SQLite's connection (no thread),
 *      and on PostgreSQL when reachable;
 *   3. last_used: 200,000 distinct keys touched, then flushed, with the same ticker.
 *
 * Run: npm run build && node dist/bench/audit-chain.js
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { auditKeyFromMasterKey } from '../src/services/audit/audit-key.js';
import { createAuditLog } from '../src/services/audit/audit-log.js';
import { ensureAuditRegistry } from '../src/services/audit/chain-registry.js';
import { prepareEvent, type AuditInput } from '../src/services/audit/cloud-event.js';
import { chainPrepared, GENESIS_HASH } from '../src/services/audit/chain.js';
import { LastUsedRecorder } from '../src/services/verify/last-used.js';
import { migrateToLatest, openStore, type Store, type StoreOptions } from '../src/store/connect.js';
import { startSqliteBatchWriter } from '../src/store/sqlite-durability.js';

const key = auditKeyFromMasterKey('bench master key');
const input = (i: number): AuditInput => ({
  type: 'io.keyward.authentication', method: 'keyward.Verify', subject: 'crn://keyward/organization=o/environment=env-x/cloud-cluster=lkc-x',
  principal: 'User:sa-abc123', apiKey: 'UTT6WDRXX7FHD2GV', mechanism: 'VERIFY_API',
  request: { clientAddress: '127.0.0.1', requestId: `req-${i}`, userAgent: 'autocannon' }, status: 'SUCCESS',
});

function line(label: string, text: string): void {
  process.stdout.write(`${label.padEnd(34)} ${text}\n`);
}

/** The longest gap between two turns of a setImmediate loop while `work` runs: the longest synchronous slice. */
async function longestSlice<T>(work: () => Promise<T>): Promise<{ result: T; longestMs: number }> {
  let running = true;
  let last = performance.now();
  let longestMs = 0;
  const tick = () => {
    const t = performance.now();
    longestMs = Math.max(longestMs, t - last);
    last = t;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  try {
    const result = await work();
    return { result, longestMs };
  } finally {
    running = false;
  }
}

function perEvent(n: number): void {
  const source = 'crn://keyward/organization=o';
  const now = new Date();
  const inputs = Array.from({ length: n }, (_, i) => ({ ...input(i), time: now }));
  const chain = JSON.stringify('0123456789abcdef/data-plane');
  for (let i = 0; i < 2000; i++) chainPrepared(key, prepareEvent(source, inputs[i] as AuditInput, now), chain, i + 1, GENESIS_HASH); // warm up
  let start = performance.now();
  const prepared = inputs.map((x) => prepareEvent(source, x, now));
  const build = (performance.now() - start) / n;
  start = performance.now();
  let prev = GENESIS_HASH;
  for (let i = 0; i < n; i++) prev = chainPrepared(key, prepared[i] as ReturnType<typeof prepareEvent>, chain, i + 1, prev).hash;
  const hash = (performance.now() - start) / n;
  line('per event: canonical JSON', `${(build * 1000).toFixed(2)} µs`);
  line('per event: HMAC chain + stored JSON', `${(hash * 1000).toFixed(2)} µs`);
}

async function writer(label: string, store: Store, n: number, threaded: boolean): Promise<void> {
  const thread = threaded && store.sqlitePath ? startSqliteBatchWriter(store.sqlitePath) : undefined;
  try {
    await ensureAuditRegistry(store.db, key, new Date().toISOString());
    const audit = createAuditLog({
      db: store.db, key, source: 'crn://keyward/organization=o', clock: () => new Date(), flushIntervalMs: 60_000, maxBuffered: 1_000_000,
      writeBatch: thread ? (rows, head) => thread.audit(rows, head) : undefined,
    });
    for (let i = 0; i < 2000; i++) audit.record(input(i));
    await audit.flush(); // warm up, and registers the chain
    const { longestMs, result: ms } = await longestSlice(async () => {
      const start = performance.now();
      // recorded as requests would: a few at a time, the event loop turning in between
      for (let i = 0; i < n; i++) {
        audit.record(input(i));
        if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
      }
      await audit.flush();
      return performance.now() - start;
    });
    line(label, `${n} events in ${ms.toFixed(0)} ms: ${Math.round(n / (ms / 1000))} events/s, longest synchronous slice ${longestMs.toFixed(2)} ms`);
    // a steady 10,000 events/s for 2 s (the `every` mode's stress case), recorded in 1 ms ticks
    const paced = await longestSlice(async () => {
      const start = performance.now();
      let sent = 0;
      while (sent < 20_000) {
        const due = Math.min(20_000, Math.floor((performance.now() - start) * 10));
        for (; sent < due; sent++) audit.record(input(sent));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      await audit.flush();
      return performance.now() - start;
    });
    line(`${label}, 10k/s for 2 s`, `done in ${paced.result.toFixed(0)} ms, longest synchronous slice ${paced.longestMs.toFixed(2)} ms (the recording ticks included)`);
    await audit.close();
  } finally {
    await thread?.close();
  }
}

async function lastUsed(label: string, store: Store, n: number, threaded: boolean): Promise<void> {
  const thread = threaded && store.sqlitePath ? startSqliteBatchWriter(store.sqlitePath) : undefined;
  try {
    const ids = Array.from({ length: n }, (_, i) => `BENCH${String(i).padStart(11, '0')}`);
    const recorder = new LastUsedRecorder(store.db, { flushIntervalMs: 3_600_000, write: thread ? (k, t) => thread.lastUsed(k, t) : undefined });
    const touchStart = performance.now();
    for (const id of ids) recorder.touch(id);
    const touchUs = ((performance.now() - touchStart) * 1000) / n;
    const { longestMs, result: ms } = await longestSlice(async () => {
      const start = performance.now();
      await recorder.flush();
      return performance.now() - start;
    });
    line(label, `touch ${touchUs.toFixed(3)} µs/key; ${n} keys written in ${ms.toFixed(0)} ms, longest synchronous slice ${longestMs.toFixed(2)} ms`);
    await recorder.close();
  } finally {
    await thread?.close();
  }
}

async function withStore(options: StoreOptions, run: (store: Store) => Promise<void>): Promise<void> {
  const store = await openStore(options);
  try {
    await migrateToLatest(store.db);
    await run(store);
  } finally {
    await store.close();
  }
}

perEvent(100_000);
for (const threaded of [true, false]) {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-audit-'));
  try {
    await withStore({ dataDir: dir }, async (store) => {
      await writer(threaded ? 'writer, SQLite (thread)' : 'writer, SQLite (event loop)', store, 50_000, threaded);
      await lastUsed(threaded ? 'last_used, SQLite (thread)' : 'last_used, SQLite (event loop)', store, 200_000, threaded);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const url = process.env.KEYWARD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `kw_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: url });
try {
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const target = new URL(url);
  target.searchParams.set('options', `-c search_path=${schema}`);
  await withStore({ databaseUrl: target.toString() }, async (store) => {
    await writer('writer, PostgreSQL', store, 20_000, false);
    await lastUsed('last_used, PostgreSQL', store, 200_000, false);
  });
} catch (error) {
  process.stdout.write(`PostgreSQL skipped: ${(error as Error).message}\n`);
} finally {
  await admin.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
  await admin.end().catch(() => undefined);
}

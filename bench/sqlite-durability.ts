/**
 * The price of durable management commits on SQLite (issue 8): creates API keys through the HTTP
 * API (app.inject, no network) with `synchronous=FULL` (what keyward runs) and, for comparison,
 * `synchronous=NORMAL` (what it ran before: a power loss could undo acknowledged commits).
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/sqlite-durability.js [count] [dir]
 *
 * `dir` should be on the disk the store will live on (default: a temp dir).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../src/server/runtime.js';
import type { BootstrapResult } from '../src/services/bootstrap.js';

async function measure(mode: 'FULL' | 'NORMAL', count: number, parent: string): Promise<number[]> {
  const dir = mkdtempSync(join(parent, 'keyward-durability-'));
  const runtime = await createRuntime({ dataDir: dir, publicUrl: 'http://bench', bootstrap: true, lock: true, masterKey: 'bench-master-key' });
  try {
    runtime.store.sqlite?.pragma(`synchronous = ${mode}`);
    const admin = runtime.bootstrapped as BootstrapResult;
    const authorization = 'Basic ' + Buffer.from(`${admin.key}:${admin.secret}`).toString('base64');
    const call = (method: 'POST' | 'PATCH', url: string, payload: unknown) => runtime.app.inject({ method, url, payload: payload as object, headers: { authorization, 'content-type': 'application/json' } });
    await call('PATCH', '/keyward/v1/policy', { max_keys_per_owner_resource: 1000 });
    const sa = (await call('POST', '/iam/v2/service-accounts', { display_name: 'bench', description: 'd' })).json() as { id: string };
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const start = process.hrtime.bigint();
      const response = await call('POST', '/iam/v2/api-keys', { spec: { resource: { id: 'cloud' }, owner: { id: sa.id } } });
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (response.statusCode !== 201) throw new Error(`create answered ${response.statusCode}: ${response.body}`);
    }
    return times.sort((a, b) => a - b);
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const count = Number(process.argv[2] ?? 300);
const parent = process.argv[3] ?? tmpdir();
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]?.toFixed(2);
for (const mode of ['NORMAL', 'FULL'] as const) {
  const times = await measure(mode, count, parent);
  process.stdout.write(`synchronous=${mode}: ${count} key creations, median ${pct(times, 50)} ms, p95 ${pct(times, 95)} ms, p99 ${pct(times, 99)} ms\n`);
}

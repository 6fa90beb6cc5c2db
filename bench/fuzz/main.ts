/**
 * `npm run fuzz -- --requests N --seed S [--concurrency C] [--database-url U | --url URL]`:
 * fuzzes every operation of /openapi.json of a real server and prints the requests sent and the
 * responses by status class; exits 1 on any response >= 500, any error body not as documented, or
 * any request left unanswered. Without --url it starts keyward in-process on 127.0.0.1 with a fresh
 * SQLite store (or --database-url, which must be an empty database or schema); with --url it fuzzes
 * that server, authenticating with KEYWARD_API_KEY / KEYWARD_API_SECRET (an OrganizationAdmin).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRuntime } from '../../src/server/runtime.js';
import { formatReport, runFuzz } from './fuzz.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '16' },
    'database-url': { type: 'string' },
    url: { type: 'string' },
  },
});

function integer(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} ${text}: use an integer from ${min} to ${max}`);
  return n;
}

const requests = integer('requests', values.requests, 1, 10_000_000);
const seed = integer('seed', values.seed, 0, 2 ** 31 - 1);
const concurrency = integer('concurrency', values.concurrency, 1, 256);

async function main(): Promise<boolean> {
  if (values.url) {
    const key = process.env.KEYWARD_API_KEY;
    const secret = process.env.KEYWARD_API_SECRET;
    if (!key || !secret) throw new Error('--url needs KEYWARD_API_KEY and KEYWARD_API_SECRET of an OrganizationAdmin cloud key');
    const report = await runFuzz({ baseUrl: values.url.replace(/\/+$/, ''), admin: { key, secret }, requests, seed, concurrency });
    console.log(formatReport(report));
    return report.findings.length === 0;
  }
  const dataDir = values['database-url'] ? undefined : mkdtempSync(join(tmpdir(), 'keyward-fuzz-'));
  const runtime = await createRuntime({ dataDir, databaseUrl: values['database-url'], publicUrl: 'http://127.0.0.1', bootstrap: true, lock: true });
  try {
    if (!runtime.bootstrapped) throw new Error('The store is not empty: fuzz a fresh store, or a running server with --url');
    const address = await runtime.app.listen({ host: '127.0.0.1', port: 0 });
    const started = Date.now();
    const report = await runFuzz({ baseUrl: address, admin: { key: runtime.bootstrapped.key, secret: runtime.bootstrapped.secret }, requests, seed, concurrency });
    console.log(formatReport(report));
    console.log(`(${runtime.store.dialect}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return report.findings.length === 0;
  } finally {
    await runtime.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (clean) => process.exit(clean ? 0 : 1),
  (error: unknown) => {
    console.error(`fuzz: ${(error as Error).message}`);
    process.exit(2);
  },
);

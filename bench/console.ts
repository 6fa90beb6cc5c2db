/**
 * `npm run bench:console`: the web console's keys page with 1,000 API keys, in Debian's Chromium.
 * One keyward server (SQLite) seeded as the README's seed workflow does; the time from navigation to
 * /console/api-keys until the table shows its first rows, and until the page has counted every key,
 * median of BENCH_CONSOLE_RUNS runs (default 7, after one warm-up) — first with 10 keys (the
 * baseline, same process, same browser), then with 1,000 (BENCH_CONSOLE_KEYS); the ratio is what to
 * compare between machines. Also the console's bundle (dist/console/assets/*: bytes and gzip bytes).
 * Prints a table and writes bench/results/console.json. No timed assertions: it reports.
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { launchChromium, signedInPage } from './console-browser.js';
import { call, createKey, seedWorkflow, type Credentials } from './console-seed.js';
import { cleanup, runMain, startKeyward } from './processes.js';

const RESULTS = resolve(import.meta.dirname, '../../bench/results');
const ASSETS = resolve(import.meta.dirname, '../console/assets');
const RUNS = Number(process.env.BENCH_CONSOLE_RUNS ?? 7);
const KEYS = Math.min(Number(process.env.BENCH_CONSOLE_KEYS ?? 1000), 1000);
const BASELINE_KEYS = 10;

const log = (line: string) => console.error(line);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function keyCount(url: string, admin: Credentials): Promise<number> {
  return (await call<{ metadata: { total_size: number } }>(url, admin, 'GET', '/iam/v2/api-keys?page_size=1')).metadata.total_size;
}

/** Creates keys (app1's, on the cluster) until the organization has `total`, `parallel` requests at a time. */
async function fillKeys(url: string, admin: Credentials, owner: string, resource: string, total: number, parallel = 16): Promise<void> {
  let missing = total - (await keyCount(url, admin));
  let n = 0;
  while (missing > 0) {
    const batch = Math.min(parallel, missing);
    await Promise.all(Array.from({ length: batch }, () => createKey(url, admin, resource, `bench key ${++n}`, owner)));
    missing -= batch;
  }
}

/** One navigation to the keys page: ms until the first row's key link shows, and until "N API keys." is shown. */
async function loadKeysPage(page: Page, total: number): Promise<{ firstRowsMs: number; allMs: number }> {
  await page.goto('about:blank');
  const start = performance.now();
  await page.goto('/console/api-keys');
  await page.getByRole('link', { name: /^[A-Z0-9]{16}$/ }).first().waitFor();
  const firstRowsMs = performance.now() - start;
  await page.getByText(`${total} API keys.`, { exact: true }).waitFor();
  return { firstRowsMs, allMs: performance.now() - start };
}

async function measure(page: Page, total: number): Promise<{ keys: number; firstRowsMs: number; allMs: number; runs: Array<{ firstRowsMs: number; allMs: number }> }> {
  await loadKeysPage(page, total); // warm-up: the assets are cached, the server's statements prepared
  const runs: Array<{ firstRowsMs: number; allMs: number }> = [];
  for (let i = 0; i < RUNS; i++) runs.push(await loadKeysPage(page, total));
  return { keys: total, firstRowsMs: median(runs.map((r) => r.firstRowsMs)), allMs: median(runs.map((r) => r.allMs)), runs };
}

function bundle(): { files: Array<{ file: string; bytes: number; gzipBytes: number }>; bytes: number; gzipBytes: number } {
  const files = readdirSync(ASSETS).map((file) => {
    const content = readFileSync(join(ASSETS, file));
    return { file, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
  });
  return { files, bytes: files.reduce((a, f) => a + f.bytes, 0), gzipBytes: files.reduce((a, f) => a + f.gzipBytes, 0) };
}

async function main(): Promise<void> {
  const server = await startKeyward(cleanup.tempDir('console'));
  if (server.admin === undefined) throw new Error('the server printed no admin key');
  const admin = server.admin;
  const seed = await seedWorkflow(server.url, admin);
  // the default policy allows 10 keys per owner and resource (at most 1,000: app1's keys on the cluster)
  await call(server.url, admin, 'PATCH', '/keyward/v1/policy', { max_keys_per_owner_resource: 1000 });
  const browser = await launchChromium();
  try {
    const page = await signedInPage(browser, server.url, admin, 60_000);

    await fillKeys(server.url, admin, seed.app1.id, seed.cluster.id, BASELINE_KEYS);
    log(`measuring the keys page with ${BASELINE_KEYS} keys (${RUNS} runs)`);
    const baseline = await measure(page, BASELINE_KEYS);
    const filling = performance.now();
    await fillKeys(server.url, admin, seed.app1.id, seed.cluster.id, KEYS);
    log(`created ${KEYS - BASELINE_KEYS} keys in ${((performance.now() - filling) / 1000).toFixed(1)} s; measuring with ${KEYS} keys (${RUNS} runs)`);
    const loaded = await measure(page, KEYS);
    const assets = bundle();

    const rows = [
      ['keys page', `${BASELINE_KEYS} keys (baseline)`, `${KEYS} keys`, 'ratio'],
      ['first rows shown (median ms)', baseline.firstRowsMs.toFixed(0), loaded.firstRowsMs.toFixed(0), `${(loaded.firstRowsMs / baseline.firstRowsMs).toFixed(2)}×`],
      ['all keys loaded and counted (median ms)', baseline.allMs.toFixed(0), loaded.allMs.toFixed(0), `${(loaded.allMs / baseline.allMs).toFixed(2)}×`],
    ];
    const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => (r[c] as string).length)));
    for (const row of rows) process.stdout.write(`${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join('  ')}\n`);
    process.stdout.write(`\nconsole bundle (dist/console/assets): ${assets.bytes} bytes, ${assets.gzipBytes} bytes gzip\n`);
    for (const f of assets.files) process.stdout.write(`  ${f.file}: ${f.bytes} bytes, ${f.gzipBytes} gzip\n`);

    mkdirSync(RESULTS, { recursive: true });
    const file = join(RESULTS, 'console.json');
    writeFileSync(
      file,
      `${JSON.stringify({ date: new Date().toISOString(), chromium: browser.version(), runs: RUNS, baseline, loaded, ratio: { firstRows: loaded.firstRowsMs / baseline.firstRowsMs, all: loaded.allMs / baseline.allMs }, bundle: assets }, null, 2)}\n`,
    );
    log(`wrote ${file}`);
  } finally {
    await browser.close();
    await cleanup.all();
  }
}

runMain(main);

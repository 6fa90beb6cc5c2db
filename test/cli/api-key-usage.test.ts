import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase, storeArgs } from '../helpers/databases.js';
import { runCli, startServerProcess, type ServerProcess } from '../helpers/cli.js';
import { USAGE_OUTCOMES } from '../../src/domain/usage.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SPARK = /^[ ▁▂▃▄▅▆▇█]+$/;

interface Key {
  key: string;
  secret: string;
}

interface UsageJson {
  key: string;
  since: string;
  until: string;
  bucket: string;
  totals: Record<string, number>;
  series: Array<{ time: string; outcome: string; count: number }>;
}

/**
 * `keyward api-key usage` and the "Last 24h" column of `api-key list`, through the real binary
 * against a real server whose aggregation window is 1 s, fed by real verifies.
 */
describe.each(DIALECTS)('api-key usage through the keyward binary on $name', ({ skip, create }) => {
  let db: TestDatabase;
  let server: ServerProcess;
  let lkc: string;
  let busy: Key;
  let idle: Key;

  const kw = (...args: string[]) => runCli(args, server.env);
  const json = async <T>(...args: string[]): Promise<T> => {
    const result = await kw(...args, '-o', 'json');
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as T;
  };
  const verify = async (payload: object): Promise<string> => {
    const res = await fetch(`${server.url}/keyward/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    return ((await res.json()) as { code: string }).code;
  };

  beforeAll(async () => {
    if (skip) return;
    db = await create();
    server = await startServerProcess([...storeArgs(db), '--audit-aggregate-window', '1s']);
    lkc = (await json<{ id: string }>('kafka', 'cluster', 'create', 'orders', '--cloud', 'aws', '--region', 'us-east-1')).id;
    const sa = (await json<{ id: string }>('iam', 'service-account', 'create', 'orders-app', '--description', 'Orders')).id;
    busy = await json<Key>('api-key', 'create', '--resource', lkc, '--service-account', sa, '--description', 'busy');
    idle = await json<Key>('api-key', 'create', '--resource', lkc, '--service-account', sa, '--description', 'idle');
    for (let i = 0; i < 12; i++) expect(await verify({ ...busy, resource: lkc })).toBe('VALID');
    const wrong = { key: busy.key, secret: busy.secret.slice(0, -1) + (busy.secret.endsWith('a') ? 'b' : 'a') };
    for (let i = 0; i < 2; i++) expect(await verify(wrong)).toBe('INVALID_CREDENTIALS');
    // the data plane hands a minute's counts to the rollup once that minute has ended (then the
    // recorder writes within a second): up to ~61 s after the verifies
    for (let i = 0; i < 90; i++) {
      const usage = await json<UsageJson>('api-key', 'usage', busy.key, '--since', '1h', '--bucket', '5m');
      if (usage.totals.VALID === 12 && usage.totals.INVALID_CREDENTIALS === 2) break;
      await sleep(1000);
    }
  }, 150_000);
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it.skipIf(skip)('JSON: every bucket and outcome, zeros included, with the totals', async () => {
    const usage = await json<UsageJson>('api-key', 'usage', busy.key, '--since', '1h', '--bucket', '5m');
    expect(Object.keys(usage)).toEqual(['key', 'since', 'until', 'bucket', 'totals', 'series']);
    expect(usage).toMatchObject({ key: busy.key, bucket: '5m' });
    expect(usage.since).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:[0-5][05]:00Z$/);
    expect(usage.totals).toEqual({ VALID: 12, INVALID_CREDENTIALS: 2, EXPIRED: 0, DISABLED: 0, WRONG_RESOURCE: 0, FORBIDDEN: 0, RATE_LIMITED: 0 });
    expect(usage.series).toHaveLength(12 * USAGE_OUTCOMES.length);
    expect(usage.series.slice(0, USAGE_OUTCOMES.length).map((s) => s.outcome)).toEqual([...USAGE_OUTCOMES]);
    expect(usage.series.filter((s) => s.outcome === 'VALID').reduce((n, s) => n + s.count, 0)).toBe(12);
    expect(usage.series.every((s, i) => i === 0 || s.time >= (usage.series[i - 1] as { time: string }).time)).toBe(true);
    expect(usage.series[0]?.time).toBe(usage.since);

    const yaml = await kw('api-key', 'usage', busy.key, '-o', 'yaml');
    expect(yaml.code, yaml.stderr).toBe(0);
    expect(yaml.stdout).toContain(`key: ${busy.key}`);
    expect(yaml.stdout).toContain('bucket: 1h');
  });

  it.skipIf(skip)('human: a sparkline per outcome that occurred with its total, and the overall total', async () => {
    const result = await kw('api-key', 'usage', busy.key, '--since', '2h', '--bucket', '15m');
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^API key ${busy.key}: 8 buckets of 15m from \\S+Z to \\S+Z \\(UTC\\)$`));
    expect(lines).toHaveLength(4);
    // label column as wide as the longest outcome shown, then the 8-bucket sparkline, then the total
    const width = 'INVALID_CREDENTIALS'.length;
    const row = (line = '') => [line.slice(0, width).trim(), line.slice(width + 2, width + 10), line.slice(width + 12).trim()];
    const [label, spark, total] = row(lines[1]);
    expect(label).toBe('VALID');
    expect(spark).toMatch(SPARK);
    expect(spark).toContain('█'); // the quarter hour holding most of the counts
    expect(total).toBe('12');
    expect(row(lines[2])).toEqual(['INVALID_CREDENTIALS', expect.stringMatching(SPARK), '2']);
    expect(lines[3]).toMatch(/^Total\s+14$/);
    for (const absent of ['EXPIRED', 'DISABLED', 'FORBIDDEN', 'RATE_LIMITED', 'WRONG_RESOURCE']) expect(result.stdout).not.toContain(absent);

    const none = await kw('api-key', 'usage', idle.key);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toMatch(new RegExp(`^API key ${idle.key}: 24 buckets of 1h from \\S+ to \\S+ \\(UTC\\)\\nNo authentications in this window.\\n$`));
  });

  it.skipIf(skip)('refuses bad flags with exit 2 naming the valid values; an unknown key is exit 1', async () => {
    const bucket = await kw('api-key', 'usage', busy.key, '--bucket', '2h');
    expect(bucket.code).toBe(2);
    expect(bucket.stderr).toContain('invalid --bucket "2h": valid values are 1m, 5m, 15m, 1h, 6h, 1d');
    const since = await kw('api-key', 'usage', busy.key, '--since', 'yesterday');
    expect(since.code).toBe(2);
    expect(since.stderr).toContain('invalid --since "yesterday": valid values are durations back from now from 1m to 90d, such as 24h or 7d, or RFC 3339 times');
    const tooMany = await kw('api-key', 'usage', busy.key, '--since', '90d', '--bucket', '1h');
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('Error: --since "90d" with --bucket 1h makes 2160 buckets; at most 1440 are allowed');
    const unknown = await kw('api-key', 'usage', 'ZZZZZZZZZZZZZZZZ');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('Error: API key "ZZZZZZZZZZZZZZZZ" not found\n');
    expect(unknown.stdout).toBe('');
  });

  it.skipIf(skip)('api-key list: a "Last 24h" column in human output only', async () => {
    const result = await kw('api-key', 'list', '--resource', lkc, '--wide');
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    const cells = (line: string) => line.split('│').map((c) => c.trim()).filter((_, i, all) => i > 0 && i < all.length - 1);
    const head = cells(lines.find((l) => l.includes('Key') && l.includes('Last Used')) as string);
    expect(head).toEqual(['Key', 'Description', 'Owner', 'Owner Email', 'Resource Type', 'Resource', 'Created', 'Last Used', 'Last 24h', 'Status']);
    const rowOf = (key: string) => cells(lines.find((l) => l.includes(key)) as string);
    expect(rowOf(busy.key)[8]).toBe('14');
    expect(rowOf(idle.key)[8]).toBe('0');

    const listed = await json<Array<Record<string, unknown>>>('api-key', 'list', '--resource', lkc);
    expect(Object.keys(listed[0] as object)).toEqual(['key', 'description', 'owner', 'owner_email', 'resource_type', 'resource_id', 'created', 'status', 'expires_at', 'last_used']);

    const help = await kw('api-key', 'list', '--help');
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('"Last 24h" counts each key\'s authentications of every outcome (successes and failures) in the current hour and the 23 before it');
  });
});

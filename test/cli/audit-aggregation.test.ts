import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase, storeArgs } from '../helpers/databases.js';
import { runCli, startServerProcess, type ServerProcess } from '../helpers/cli.js';

/** The real binary: `--audit-aggregate-window`, the aggregated event in `audit-log list`, shutdown sealing the open window. */

interface ListedEvent {
  type: string;
  time: string;
  data: { methodName: string; count?: number; firstTime?: string; lastTime?: string; requestMetadata?: { requestId: string | null }; result: { status: string } };
}

const N = 7;

async function verifyTimes(server: ServerProcess, key: { key: string; secret: string }, times: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < times; i++) {
    const res = await fetch(`${server.url}/keyward/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(key) });
    expect(((await res.json()) as { code: string }).code).toBe('VALID');
    ids.push(res.headers.get('x-request-id') as string);
  }
  return ids;
}

describe('server start refuses bad audit flags with exit 2, naming the valid values', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-audit-flags-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
    [['--audit-data-plane', 'some'], {}, /invalid --audit-data-plane "some": valid values are all, every, failures, off/],
    [[], { KEYWARD_AUDIT_DATA_PLANE: 'most' }, /invalid --audit-data-plane "most": valid values are all, every, failures, off/],
    [['--audit-aggregate-window', '2h'], {}, /invalid --audit-aggregate-window "2h": use a duration from 1s to 1h/],
    [[], { KEYWARD_AUDIT_AGGREGATE_WINDOW: 'soon' }, /invalid --audit-aggregate-window "soon": use a duration from 1s to 1h/],
  ];
  it.each(cases)('%j %j', async (flags, env, message) => {
    const result = await runCli(['server', 'start', '--port', '0', '--data-dir', join(dir, 'store'), ...flags], { KEYWARD_HOME: dir, ...env });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});

describe.each(DIALECTS)('aggregated audit events through the binary on $name', ({ name, skip, create }) => {
  let db: TestDatabase;
  let home: string;
  let server: ServerProcess | undefined;
  let key: { key: string; secret: string };
  let admin: { key: string; secret: string };
  // the saved context names the first server's port: the same store restarted on another port is
  // reached through KEYWARD_URL, with the administrator's key given too (a saved key goes only to its own URL)
  const kw = (...args: string[]) => runCli(args, { ...(server as ServerProcess).env, KEYWARD_URL: (server as ServerProcess).url, KEYWARD_API_KEY: admin.key, KEYWARD_API_SECRET: admin.secret });
  const json = async <T>(...args: string[]): Promise<T> => {
    const result = await kw(...args, '-o', 'json');
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as T;
  };
  const verifies = async () => (await json<ListedEvent[]>('audit-log', 'list', '--api-key', key.key, '--type', 'authentication', '--limit', '1000')).filter((e) => e.data.methodName === 'keyward.Verify');

  beforeAll(async () => {
    if (skip) return;
    db = await create();
    home = mkdtempSync(join(tmpdir(), 'keyward-home-'));
    server = await startServerProcess([...storeArgs(db), '--audit-aggregate-window', '1s'], {}, { home });
    admin = { key: server.key, secret: server.secret };
    const cluster = await json<{ id: string }>('kafka', 'cluster', 'create', 'counted', '--cloud', 'aws', '--region', 'us-east-1');
    const sa = (await json<{ id: string }>('iam', 'service-account', 'create', 'counted-app', '--description', 'd')).id;
    const created = await json<{ key: string; secret: string }>('api-key', 'create', '--service-account', sa, '--resource', cluster.id);
    key = { key: created.key, secret: created.secret };
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it.skipIf(skip)(`with --audit-aggregate-window 1s the successes show up as aggregated events once their window ends (${name})`, async () => {
    const ids = await verifyTimes(server as ServerProcess, key, N);
    // sealed by the server's own timer within about a second of the window's end (requests may straddle two windows)
    await expect.poll(async () => (await verifies()).reduce((sum, e) => sum + (e.data.count ?? 0), 0), { timeout: 15_000, interval: 250 }).toBe(N);
    const events = await verifies();
    expect(events.length).toBeLessThanOrEqual(2);
    for (const e of events) {
      expect(e.data.result.status).toBe('SUCCESS');
      expect(e.time).toBe(e.data.firstTime);
      expect(ids).toContain(e.data.requestMetadata?.requestId);
    }
    const verified = await kw('audit-log', 'verify', '-o', 'json');
    expect(verified.code, verified.stderr + verified.stdout).toBe(0);
  });

  it.skipIf(skip)(`a shutdown writes the window still open (${name})`, async () => {
    const counted = (events: ListedEvent[]) => events.reduce((sum, e) => sum + (e.data.count ?? 0), 0);
    const before = counted(await verifies());
    await (server as ServerProcess).stop();
    // a window of an hour never ends during the test: only the shutdown can write its event
    server = await startServerProcess([...storeArgs(db), '--audit-aggregate-window', '1h'], {}, { home });
    await verifyTimes(server, key, N);
    await server.stop();
    server = await startServerProcess(storeArgs(db), {}, { home });
    expect(counted(await verifies())).toBe(before + N);
    const verified = await kw('audit-log', 'verify', '-o', 'json');
    expect(verified.code, verified.stderr + verified.stdout).toBe(0);
  });
});

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase, storeArgs, runOnStore } from '../helpers/databases.js';
import { runCli, startServerProcess, type ServerProcess } from '../helpers/cli.js';

interface CloudEvent {
  id: string;
  type: string;
  time: string;
  keywardchain: string;
  keywardseq: number;
  data: { methodName: string; authenticationInfo?: { principal: string | null; metadata: { identifier?: string } }; result: { status: string; reason?: string } };
}

describe.each(DIALECTS)('keyward audit-log on $name', ({ name, skip, create }) => {
  let db: TestDatabase;
  let server: ServerProcess;
  let out: string;
  let sa: string;
  const kw = (...args: string[]) => runCli(args, server.env);
  const json = async <T = CloudEvent[]>(...args: string[]): Promise<T> => {
    const result = await kw(...args, '-o', 'json');
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as T;
  };

  beforeAll(async () => {
    if (skip) return;
    db = await create();
    server = await startServerProcess(storeArgs(db));
    out = mkdtempSync(join(tmpdir(), 'keyward-audit-out-'));
    const cluster = await json<{ id: string }>('kafka', 'cluster', 'create', 'orders', '--cloud', 'aws', '--region', 'us-east-1');
    sa = (await json<{ id: string }>('iam', 'service-account', 'create', 'orders-app', '--description', 'orders')).id;
    await json<{ key: string }>('api-key', 'create', '--service-account', sa, '--resource', cluster.id);
    const doomed = (await json<{ key: string }>('api-key', 'create', '--service-account', sa, '--resource', cluster.id)).key;
    expect((await kw('api-key', 'delete', doomed, '--force')).code).toBe(0);
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it.skipIf(skip)(`lists CloudEvents newest first, as JSON and as a table (${name})`, async () => {
    const events = await json('audit-log', 'list');
    expect(events[0]?.data.methodName).toBe('iam.DeleteAPIKey');
    expect(events.map((e) => e.data.methodName)).toEqual(expect.arrayContaining(['iam.CreateAPIKey', 'iam.CreateServiceAccount', 'keyward.Bootstrap']));
    for (const e of events) expect(Object.keys(e)).toContain('keywardhash');
    const times = events.map((e) => e.time);
    expect([...times].sort().reverse()).toEqual(times);

    const two = await json('audit-log', 'list', '--type', 'management', '--limit', '2');
    expect(two.map((e) => e.id)).toEqual(events.filter((e) => e.type === 'io.keyward.management').slice(0, 2).map((e) => e.id));

    const human = await kw('audit-log', 'list', '--type', 'management', '--wide');
    expect(human.code).toBe(0);
    const [header, newest] = human.stdout.split('\n');
    expect(header?.split(/\s{2,}/)).toEqual(['TIME (UTC)', 'WHO', 'WHAT', 'TARGET', 'RESULT', 'FROM']);
    expect(newest).toContain('iam.DeleteAPIKey');
    expect(newest).toContain('SUCCESS');
    expect(newest).toContain('127.0.0.1');

    const yaml = await kw('audit-log', 'list', '--limit', '1', '-o', 'yaml');
    expect(yaml.stdout).toMatch(/^- specversion: "?1\.0"?/);
  });

  it.skipIf(skip)(`filters by principal, api key, type and result (${name})`, async () => {
    const bad = await runCli(['iam', 'service-account', 'list'], { ...server.env, KEYWARD_API_KEY: server.key, KEYWARD_API_SECRET: 'kw_' + 'x'.repeat(61) });
    expect(bad.code).toBe(1);
    await expect
      .poll(async () => (await json('audit-log', 'list', '--type', 'authentication', '--result', 'failure')).map((e) => e.data.methodName), { timeout: 5000 })
      .toContain('keyward.ManagementLogin');
    const failures = await json('audit-log', 'list', '--type', 'authentication', '--result', 'failure', '--api-key', server.key);
    expect(failures[0]).toMatchObject({ type: 'io.keyward.authentication', data: { methodName: 'keyward.ManagementLogin', result: { status: 'UNAUTHENTICATED' } } });

    const adminUser = /Admin user:\s+(u-[a-z0-9]{6})/.exec(server.stderr())?.[1] as string;
    const byAdmin = await json('audit-log', 'list', '--principal', adminUser);
    expect(byAdmin.length).toBeGreaterThanOrEqual(4);
    for (const e of byAdmin) expect(e.data.authenticationInfo?.principal).toBe(`User:${adminUser}`);
    expect((await json('audit-log', 'list', '--principal', `User:${adminUser}`)).map((e) => e.id)).toEqual(byAdmin.map((e) => e.id));
    expect(await json('audit-log', 'list', '--principal', sa)).toEqual([]); // the service account has not acted

    const byKey = await json('audit-log', 'list', '--api-key', server.key, '--type', 'management', '--since', '1h');
    expect(byKey.length).toBeGreaterThanOrEqual(4);
    for (const e of byKey) expect(e.data.authenticationInfo?.metadata.identifier).toBe(server.key);
    expect(await json('audit-log', 'list', '--until', '2000-01-01T00:00:00Z')).toEqual([]);
  });

  it.skipIf(skip)(`refuses invalid flag values with exit 2, naming the valid values (${name})`, async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--type', 'login'], /valid values are authentication, authorization, management/],
      [['--result', 'ok'], /valid values are success, failure/],
      [['--limit', '0'], /--limit "0"/],
      [['--since', 'yesterday'], /invalid --since "yesterday": valid values are durations back from now, such as 24h or 7d, or ISO-8601 times/],
      [['-o', 'xml'], /valid values are human, json, yaml/],
    ];
    for (const [flags, message] of cases) {
      const result = await kw('audit-log', 'list', ...flags);
      expect(result.code, flags.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    }
  });

  it.skipIf(skip)(`exports JSON lines, oldest first, to stdout or a file (${name})`, async () => {
    const listed = await json('audit-log', 'list', '--limit', '1000');
    const exported = await kw('audit-log', 'export');
    expect(exported.code, exported.stderr).toBe(0);
    const lines = exported.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as CloudEvent);
    // events may have been added (failed logins) between the two calls: compare the common prefix
    expect(lines.slice(0, listed.length).map((e) => e.id).sort()).toEqual(listed.map((e) => e.id).sort());
    const times = lines.map((e) => e.time);
    expect([...times].sort()).toEqual(times);
    expect(exported.stderr).toBe(`Exported ${lines.length} audit events.\n`);

    const file = join(out, 'audit.jsonl');
    const toFile = await kw('audit-log', 'export', '--since', '24h', '--out', file);
    expect(toFile.code, toFile.stderr).toBe(0);
    expect(toFile.stdout).toBe('');
    const content = readFileSync(file, 'utf8');
    const count = content.trimEnd().split('\n').length;
    expect(toFile.stderr).toBe(`Exported ${count} audit events to ${file}.\n`);
    expect(count).toBeGreaterThanOrEqual(lines.length - 1); // the bootstrap event is as recent as the rest
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(out)).toEqual(['audit.jsonl']);

    const refused = await kw('audit-log', 'export', '--until', 'later', '--out', join(out, 'x.jsonl'));
    expect(refused.code).toBe(2);
    expect(existsSync(join(out, 'x.jsonl'))).toBe(false);
  });

  it.skipIf(skip)(`writes a signed checkpoint to stdout or a new 0600 file, and verifies against it (${name})`, async () => {
    const printed = await kw('audit-log', 'checkpoint');
    expect(printed.code, printed.stderr).toBe(0);
    const checkpoint = JSON.parse(printed.stdout) as { kind: string; chains: Array<{ name: string; head_seq: number }>; signature: string };
    expect(checkpoint).toMatchObject({ kind: 'AuditCheckpoint', signature: expect.any(String) });
    expect(checkpoint.chains.length).toBeGreaterThanOrEqual(2);
    const file = join(out, 'checkpoint.json');
    const written = await kw('audit-log', 'checkpoint', '--out', file);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stderr).toMatch(/^Wrote the checkpoint of .+ to .+checkpoint\.json\.\n$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await kw('audit-log', 'checkpoint', '--out', file)).stderr).toContain('already exists');
    const anchored = await kw('audit-log', 'verify', '--anchor', file);
    expect(anchored.code, anchored.stderr).toBe(0);
    expect(anchored.stdout).toMatch(/and the \d+ chain heads of the checkpoint of .+: every chain is intact\.\n$/);
    const forged = join(out, 'forged.json');
    const document = JSON.parse(readFileSync(file, 'utf8')) as { chains: Array<{ head_seq: number }> };
    document.chains[0]!.head_seq += 1;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(forged, JSON.stringify(document));
    const refused = await kw('audit-log', 'verify', '--anchor', forged);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/signature does not verify/);
    expect((await kw('audit-log', 'verify', '--anchor', join(out, 'missing.json'))).stderr).toMatch(/Cannot read the anchor/);
  });

  it.skipIf(skip)(`verifies the chains, then names an edited event (${name})`, async () => {
    const ok = await kw('audit-log', 'verify');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^Verified \d+ audit events in \d+ chains: every chain is intact\.\n$/);
    const summary = await json<{ ok: boolean; events: number; chains: number }>('audit-log', 'verify');
    expect(summary).toMatchObject({ ok: true });

    const [target] = await json('audit-log', 'list', '--type', 'management', '--limit', '1');
    await runOnStore(db, "update audit_events set event = replace(event, 'SUCCESS', 'FAILURE') where id = ?", target!.id);
    const broken = await kw('audit-log', 'verify');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/: 1 broken\.\n$/);
    expect(broken.stderr).toContain(`audit event ${target!.id} (chain ${target!.keywardchain}, seq ${target!.keywardseq}`);
    expect(broken.stderr).toMatch(/modified/);
    const brokenJson = await kw('audit-log', 'verify', '-o', 'json');
    expect(brokenJson.code).toBe(1);
    expect(JSON.parse(brokenJson.stdout)).toMatchObject({ ok: false, first_broken: { id: target!.id } });
  });
});

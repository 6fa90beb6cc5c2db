import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase, storeArgs, runOnStore } from '../helpers/databases.js';
import { runCli, startServerProcess, type ServerProcess } from '../helpers/cli.js';

interface CloudEvent {
  id: string;
  type: string;
  data: {
    methodName: string;
    authenticationInfo?: { principal: string | null; metadata: { identifier?: string } };
    request?: { id?: string; new_key?: string; replaces?: string };
  };
}

/**
 * `audit-log list --target ID`: the management events about one object (who created, disabled,
 * enabled, rotated and deleted a key; who created and disabled a service account), whichever key
 * authenticated them, matched exactly; and the human lines of `audit-log list`.
 */
describe.each(DIALECTS)('keyward audit-log list --target on $name', ({ name, skip, create }) => {
  let db: TestDatabase;
  let server: ServerProcess;
  let sa: string;
  let ops: { key: string; secret: string };
  let key: string;
  let replacement: string;
  let adminUser: string;
  const kw = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { ...server.env, ...env });
  const json = async <T>(args: string[], env: NodeJS.ProcessEnv = {}): Promise<T> => {
    const result = await kw([...args, '-o', 'json'], env);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as T;
  };
  const about = (target: string) => json<CloudEvent[]>(['audit-log', 'list', '--target', target]);
  /** The ops service account's cloud key: changes it makes are authenticated by another key than the admin's. */
  const asOps = () => ({ KEYWARD_API_KEY: ops.key, KEYWARD_API_SECRET: ops.secret });

  beforeAll(async () => {
    if (skip) return;
    db = await create();
    server = await startServerProcess(storeArgs(db));
    adminUser = /Admin user:\s+(u-[a-z0-9]{6})/.exec(server.stderr())?.[1] as string;
    const cluster = (await json<{ id: string }>(['kafka', 'cluster', 'create', 'orders', '--cloud', 'aws', '--region', 'us-east-1'])).id;
    sa = (await json<{ id: string }>(['iam', 'service-account', 'create', 'orders-app', '--description', 'orders'])).id;
    const opsAccount = (await json<{ id: string }>(['iam', 'service-account', 'create', 'ops', '--description', 'operations'])).id;
    await json(['iam', 'rbac', 'role-binding', 'create', '--principal', `User:${opsAccount}`, '--role', 'AccountAdmin']);
    ops = await json<{ key: string; secret: string }>(['api-key', 'create', '--resource', 'cloud', '--service-account', opsAccount]);

    const created = await json<{ key: string; secret: string }>(['api-key', 'create', '--service-account', sa, '--resource', cluster, '--description', 'orders in']);
    key = created.key;
    // a neighbour: another key of the same account, and a data-plane use of the key (an authentication, not about it)
    await json(['api-key', 'create', '--service-account', sa, '--resource', cluster]);
    const verified = await fetch(`${server.url}/keyward/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key, secret: created.secret }) });
    expect(((await verified.json()) as { valid: boolean }).valid).toBe(true);

    expect((await kw(['api-key', 'disable', key], asOps())).code).toBe(0);
    expect((await kw(['api-key', 'enable', key])).code).toBe(0);
    replacement = (await json<{ key: string }>(['api-key', 'rotate', key, '--grace', '1h'])).key;
    expect((await kw(['api-key', 'delete', key, '--force'])).code).toBe(0);
    expect((await kw(['iam', 'service-account', 'disable', sa], asOps())).code).toBe(0);
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it.skipIf(skip)(`lists exactly the management events about a key, whoever made them (${name})`, async () => {
    const events = await about(key);
    expect(events.map((e) => e.data.methodName)).toEqual(['iam.DeleteAPIKey', 'iam.RotateAPIKey', 'iam.EnableAPIKey', 'iam.DisableAPIKey', 'iam.CreateAPIKey']);
    for (const e of events) {
      expect(e.type).toBe('io.keyward.management');
      expect(e.data.request?.id).toBe(key);
    }
    const disabled = events.find((e) => e.data.methodName === 'iam.DisableAPIKey');
    expect(disabled?.data.authenticationInfo?.metadata.identifier).toBe(ops.key);
    expect(events.find((e) => e.data.methodName === 'iam.CreateAPIKey')?.data.authenticationInfo?.principal).toBe(`User:${adminUser}`);
    // the same with other filters: only the change made with the ops key
    const byOps = await json<CloudEvent[]>(['audit-log', 'list', '--target', key, '--api-key', ops.key]);
    expect(byOps.map((e) => e.data.methodName)).toEqual(['iam.DisableAPIKey']);
  });

  it.skipIf(skip)(`finds a rotated-in key's creation, which names the key it replaces, after that key is deleted (${name})`, async () => {
    const events = await about(replacement);
    expect(events.map((e) => e.data.methodName)).toEqual(['iam.CreateAPIKey']);
    expect(events[0]?.data.request).toMatchObject({ id: replacement, replaces: key });
    const rotation = (await about(key)).find((e) => e.data.methodName === 'iam.RotateAPIKey');
    expect(rotation?.data.request).toMatchObject({ id: key, new_key: replacement });
  });

  it.skipIf(skip)(`matches ids exactly and finds service accounts, role bindings and clusters (${name})`, async () => {
    expect(await about(key.slice(0, 15))).toEqual([]);
    expect(await about(`${key}X`)).toEqual([]);
    expect(await about(sa.slice(0, -1))).toEqual([]);
    const account = await about(sa);
    expect(account.map((e) => e.data.methodName)).toEqual(['iam.DisableServiceAccount', 'iam.CreateServiceAccount']);
    expect(account[0]?.data.authenticationInfo?.metadata.identifier).toBe(ops.key);

    const [binding] = await json<Array<{ id: string }>>(['iam', 'rbac', 'role-binding', 'list', '--role', 'AccountAdmin']);
    expect((await about(binding?.id as string)).map((e) => e.data.methodName)).toEqual(['iam.CreateRoleBinding']);
    const [cluster] = await json<Array<{ id: string }>>(['kafka', 'cluster', 'list']);
    expect((await about(cluster?.id as string)).map((e) => e.data.methodName)).toEqual(['cmk.CreateCluster']);
  });

  it.skipIf(skip)(`finds the bootstrap that created the administrator's key (${name})`, async () => {
    const events = await about(server.key);
    expect(events.map((e) => e.data.methodName)).toContain('keyward.Bootstrap');
  });

  it.skipIf(skip)(`prints one line per event that fits 80 columns: time, who, what, target, result, from (${name})`, async () => {
    const human = await kw(['audit-log', 'list', '--target', key], { COLUMNS: '80' });
    expect(human.code, human.stderr).toBe(0);
    const lines = human.stdout.trimEnd().split('\n');
    expect(lines[0]?.split(/\s{2,}/)).toEqual(['TIME (UTC)', 'WHO', 'WHAT', 'TARGET', 'RESULT', 'FROM']);
    expect(lines).toHaveLength(6);
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(80);
    // the longest method is shortened with `…`; the key, the time, who, result and address are whole
    const [time, who, what, target, result, from] = lines[1]?.split(/\s{2,}/) ?? [];
    expect(time).toMatch(/^\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect([who, target, result, from]).toEqual([adminUser, key, 'SUCCESS', '127.0.0.1']);
    expect(what).toMatch(/^iam\.DeleteAPIK(ey|…)$/);

    const all = await kw(['audit-log', 'list', '--limit', '1000'], { COLUMNS: '80' });
    for (const line of all.stdout.trimEnd().split('\n')) expect([...line].length, line).toBeLessThanOrEqual(80);

    const wide = await kw(['audit-log', 'list', '--target', key, '--wide', '--no-headers'], { COLUMNS: '40' });
    expect(wide.stdout.trimEnd().split('\n')).toHaveLength(5);
    expect(wide.stdout).toContain('iam.DisableAPIKey');
  });

  it.skipIf(skip)(`audit-log verify checks the target column against the event (${name})`, async () => {
    expect((await kw(['audit-log', 'verify'])).code).toBe(0);
    const [created] = (await about(key)).slice(-1);
    await runOnStore(db, "update audit_events set target = 'SOMEOTHERKEY0000' where id = ?", created?.id as string);
    const broken = await kw(['audit-log', 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`audit event ${created?.id}`);
    expect(broken.stderr).toContain('column target');
  });
});

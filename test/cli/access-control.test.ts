import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase, storeArgs } from '../helpers/databases.js';
import { runCli, startServerProcess, type CliResult, type ServerProcess } from '../helpers/cli.js';

interface Binding {
  id: string;
  principal: string;
  role: string;
  crn_pattern: string;
}

interface Acl {
  principal: string;
  permission: string;
  operation: string;
  resource_type: string;
  resource_name: string;
  pattern_type: string;
}

const ROLE_SCOPES = [
  ['OrganizationAdmin', 'organization'],
  ['AccountAdmin', 'organization'],
  ['EnvironmentAdmin', 'environment'],
  ['CloudClusterAdmin', 'cluster'],
  ['ResourceOwner', 'resource'],
  ['DeveloperManage', 'resource'],
  ['DeveloperRead', 'resource'],
  ['DeveloperWrite', 'resource'],
  ['Operator', 'cluster'],
  ['MetricsViewer', 'organization'],
  ['KafkaBroker', 'cluster'],
];

/**
 * `iam rbac role|role-binding` and `kafka acl` through the real `keyward` binary against a real
 * server (DESIGN §2): every command and flag, the JSON shapes, exit codes and messages.
 */
describe.each(DIALECTS)('access control through the keyward binary on $name', ({ name, skip, create }) => {
  let db: TestDatabase;
  let server: ServerProcess;
  let org: string;
  let env: string;
  let lkc: string;
  let lsrc: string;
  let sa: string;
  let user: string;

  const kw = (...args: string[]): Promise<CliResult> => runCli(args, server.env);
  const json = async <T = unknown>(...args: string[]): Promise<T> => {
    const result = await kw(...args, '-o', 'json');
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as T;
  };
  const failure = async (code: number, args: string[], message: string | RegExp) => {
    const result = await kw(...args);
    expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(code);
    expect(result.stdout).toBe('');
    if (typeof message === 'string') expect(result.stderr).toContain(message);
    else expect(result.stderr).toMatch(message);
    return result;
  };
  const crn = (...segments: string[]) => [`crn://keyward/organization=${org}`, ...segments].join('/');

  beforeAll(async () => {
    if (skip) return;
    db = await create();
    server = await startServerProcess(storeArgs(db));
    env = (await json<Array<{ id: string }>>('environment', 'list'))[0]!.id;
    lkc = (await json<{ id: string }>('kafka', 'cluster', 'create', 'orders', '--cloud', 'aws', '--region', 'us-east-1')).id;
    lsrc = (await json<{ id: string }>('schema-registry', 'cluster', 'create', 'schemas', '--cloud', 'aws', '--region', 'us-east-1')).id;
    sa = (await json<{ id: string }>('iam', 'service-account', 'create', 'orders-app', '--description', 'orders')).id;
    user = (await json<{ id: string }>('iam', 'user', 'create', 'dev@example.com', '--full-name', 'Dev')).id;
    const whoami = await fetch(`${server.url}/keyward/v1/whoami`, { headers: { authorization: 'Basic ' + Buffer.from(`${server.key}:${server.secret}`).toString('base64') } });
    org = ((await whoami.json()) as { organization: string }).organization;
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  describe('iam rbac role', () => {
    it.skipIf(skip)(`list shows the role table of DESIGN §5 (${name})`, async () => {
      const roles = await json<Array<{ name: string; scope: string; description: string }>>('iam', 'rbac', 'role', 'list');
      expect(roles.map((r) => [r.name, r.scope])).toEqual(ROLE_SCOPES);
      expect(roles.find((r) => r.name === 'AccountAdmin')?.description).toBe('manage users and service accounts and their keys');
      const human = await kw('iam', 'rbac', 'role', 'list');
      expect(human.code).toBe(0);
      for (const text of ['Name', 'Scope', 'May', 'OrganizationAdmin', 'everything', 'MetricsViewer']) expect(human.stdout).toContain(text);
      const yaml = await kw('iam', 'rbac', 'role', 'list', '-o', 'yaml');
      expect(yaml.code).toBe(0);
      expect(yaml.stdout).toContain('name: DeveloperRead');
    });

    it.skipIf(skip)(`describe shows a role's scope and grants; an unknown role is a usage error (${name})`, async () => {
      const read = await json<{ name: string; scope: string; description: string; resource_types: string[]; resource_actions: Record<string, string[]> }>('iam', 'rbac', 'role', 'describe', 'DeveloperRead');
      expect(read).toMatchObject({ name: 'DeveloperRead', scope: 'resource', description: 'read, describe' });
      expect(read.resource_types).toContain('TOPIC');
      expect(read.resource_actions.TOPIC).toEqual(expect.arrayContaining(['READ', 'DESCRIBE']));
      expect(read.resource_actions.TOPIC).not.toContain('WRITE');
      const owner = await json<{ resource_actions: Record<string, string[]> }>('iam', 'rbac', 'role', 'describe', 'ResourceOwner');
      expect(owner.resource_actions.SERVICE_ACCOUNT).toEqual(expect.arrayContaining(['api-key:read', 'api-key:manage']));
      const human = await kw('iam', 'rbac', 'role', 'describe', 'CloudClusterAdmin');
      expect(human.code).toBe(0);
      expect(human.stdout).toContain('manage the cluster, its keys and ACLs; all data operations on it');
      const unknown = await failure(2, ['iam', 'rbac', 'role', 'describe', 'SuperUser'], 'unknown role "SuperUser"');
      expect(unknown.stderr).toContain('OrganizationAdmin');
      await failure(2, ['iam', 'rbac', 'role', 'list', '-o', 'xml'], /invalid --output "xml": valid values are human, json, yaml/);
    });
  });

  describe('iam rbac role-binding', () => {
    const created: Record<string, Binding> = {};

    it.skipIf(skip)(`create builds the CRN pattern from every scope flag (${name})`, async () => {
      const cases: Array<[string, string[], string]> = [
        ['topic', ['--role', 'DeveloperRead', '--environment', env, '--kafka-cluster', lkc, '--resource', 'Topic:orders'], crn(`environment=${env}`, `cloud-cluster=${lkc}`, `kafka=${lkc}`, 'topic=orders')],
        ['prefix', ['--role', 'DeveloperWrite', '--environment', env, '--cloud-cluster', lkc, '--resource', 'Topic:logs-', '--prefix'], crn(`environment=${env}`, `cloud-cluster=${lkc}`, `kafka=${lkc}`, 'topic=logs-*')],
        ['group', ['--role', 'DeveloperRead', '--environment', env, '--kafka-cluster', lkc, '--resource', 'Group:billing'], crn(`environment=${env}`, `cloud-cluster=${lkc}`, `kafka=${lkc}`, 'group=billing')],
        ['transactional-id', ['--role', 'DeveloperWrite', '--environment', env, '--kafka-cluster', lkc, '--resource', 'TransactionalId:tx-1'], crn(`environment=${env}`, `cloud-cluster=${lkc}`, `kafka=${lkc}`, 'transactional-id=tx-1')],
        ['subject', ['--role', 'DeveloperRead', '--environment', env, '--schema-registry-cluster', lsrc, '--resource', 'Subject:orders-value'], crn(`environment=${env}`, `schema-registry=${lsrc}`, 'subject=orders-value')],
        ['cluster', ['--role', 'CloudClusterAdmin', '--environment', env, '--cloud-cluster', lkc], crn(`environment=${env}`, `cloud-cluster=${lkc}`)],
        ['operator', ['--role', 'Operator', '--environment', env, '--cloud-cluster', lkc, '--kafka-cluster', lkc], crn(`environment=${env}`, `cloud-cluster=${lkc}`)],
        ['environment', ['--role', 'EnvironmentAdmin', '--environment', env], crn(`environment=${env}`)],
        ['organization', ['--role', 'MetricsViewer'], crn()],
        ['service-account', ['--role', 'ResourceOwner', '--resource', `ServiceAccount:${sa}`], crn(`service-account=${sa}`)],
      ];
      for (const [label, flags, pattern] of cases) {
        const principal = label === 'organization' || label === 'environment' ? `User:${user}` : `User:${sa}`;
        const binding = await json<Binding>('iam', 'rbac', 'role-binding', 'create', '--principal', principal, ...flags);
        expect(Object.keys(binding).sort(), label).toEqual(['crn_pattern', 'id', 'principal', 'role']);
        expect(binding, label).toEqual({ id: expect.stringMatching(/^rb-[a-z0-9]{6}$/), principal, role: flags[1], crn_pattern: pattern });
        created[label] = binding;
      }
      // the server holds exactly what was printed
      const stored = await json<Binding[]>('iam', 'rbac', 'role-binding', 'list', '--principal', `User:${sa}`);
      expect(stored.map((b) => b.id).sort()).toEqual(Object.entries(created).filter(([l]) => l !== 'organization' && l !== 'environment').map(([, b]) => b.id).sort());

      const human = await kw('iam', 'rbac', 'role-binding', 'create', '--principal', `User:${user}`, '--role', 'DeveloperManage', '--environment', env, '--kafka-cluster', lkc, '--resource', 'Topic:orders');
      expect(human.code, human.stderr).toBe(0);
      for (const text of ['ID', 'Principal', 'Role', 'CRN Pattern', 'DeveloperManage', `User:${user}`]) expect(human.stdout).toContain(text);
    });

    it.skipIf(skip)(`create refuses flags that do not fit the role: usage errors exit 2, server refusals exit 1 (${name})`, async () => {
      const create = ['iam', 'rbac', 'role-binding', 'create', '--principal', `User:${sa}`];
      await failure(2, [...create, '--role', 'CloudClusterAdmin', '--environment', env], 'must specify `--cloud-cluster` to indicate role binding scope');
      await failure(2, [...create, '--role', 'CloudClusterAdmin', '--cloud-cluster', lkc], 'must specify `--environment` to indicate role binding scope');
      await failure(2, [...create, '--role', 'DeveloperRead', '--environment', env, '--kafka-cluster', lkc], 'role DeveloperRead is bound to a resource: specify `--resource Type:name`');
      await failure(2, [...create, '--role', 'DeveloperRead', '--environment', env, '--kafka-cluster', lkc, '--resource', 'Queue:x'], 'invalid resource type "Queue"');
      await failure(2, [...create, '--role', 'OrganizationAdmin', '--environment', env], 'role OrganizationAdmin is bound at organization scope; `--environment` cannot be used with it');
      await failure(2, [...create, '--role', 'MetricsViewer', '--prefix'], '`--prefix` requires `--resource`');
      await failure(2, [...create, '--role', 'Overlord'], 'invalid --role "Overlord": valid values are OrganizationAdmin, AccountAdmin,');
      await failure(2, ['iam', 'rbac', 'role-binding', 'create', '--principal', sa, '--role', 'MetricsViewer'], `invalid --principal "${sa}"`);
      await failure(2, ['iam', 'rbac', 'role-binding', 'create', '--role', 'MetricsViewer'], /--principal/);
      // the flags are fine, the server refuses: exit 1
      await failure(1, ['iam', 'rbac', 'role-binding', 'create', '--principal', 'User:sa-zzzzzz', '--role', 'MetricsViewer'], 'Unknown principal "User:sa-zzzzzz"');
      await failure(1, [...create, '--role', 'CloudClusterAdmin', '--environment', env, '--cloud-cluster', 'lkc-zzzzzz'], 'lkc-zzzzzz');
      await failure(1, [...create, '--role', 'DeveloperRead', '--environment', env, '--kafka-cluster', lkc, '--resource', 'Topic:orders'], 'already has DeveloperRead');
      const stored = await json<Binding[]>('iam', 'rbac', 'role-binding', 'list', '--principal', 'User:sa-zzzzzz');
      expect(stored).toEqual([]);
    });

    it.skipIf(skip)(`list filters by principal, role, environment and cluster (${name})`, async () => {
      const all = await json<Binding[]>('iam', 'rbac', 'role-binding', 'list');
      for (const b of all) expect(Object.keys(b).sort()).toEqual(['crn_pattern', 'id', 'principal', 'role']);
      expect(all.some((b) => b.role === 'OrganizationAdmin' && b.crn_pattern === crn())).toBe(true); // the bootstrap admin
      for (const b of Object.values(created)) expect(all).toContainEqual(b);

      const ofUser = await json<Binding[]>('iam', 'rbac', 'role-binding', 'list', '--principal', `User:${user}`);
      expect(ofUser.map((b) => b.role).sort()).toEqual(['DeveloperManage', 'EnvironmentAdmin', 'MetricsViewer']);

      const readers = await json<Binding[]>('iam', 'rbac', 'role-binding', 'list', '--role', 'DeveloperRead');
      expect(readers.map((b) => b.id).sort()).toEqual([created.topic!.id, created.group!.id, created.subject!.id].sort());

      const both = await json<Binding[]>('iam', 'rbac', 'role-binding', 'list', '--role', 'DeveloperRead', '--principal', `User:${user}`);
      expect(both).toEqual([]);

      const inEnv = await json<Binding[]>('iam', 'rbac', 'role-binding', 'list', '--environment', env);
      expect(inEnv.every((b) => b.crn_pattern.startsWith(crn(`environment=${env}`)))).toBe(true);
      expect(inEnv.map((b) => b.id)).toContain(created.environment!.id);
      expect(inEnv.map((b) => b.id)).toContain(created.subject!.id);
      expect(inEnv.map((b) => b.id)).not.toContain(created.organization!.id);
      expect(inEnv.map((b) => b.id)).not.toContain(created['service-account']!.id);

      const inCluster = await json<Binding[]>('iam', 'rbac', 'role-binding', 'list', '--environment', env, '--cloud-cluster', lkc);
      const manage = await json<Binding[]>('iam', 'rbac', 'role-binding', 'list', '--role', 'DeveloperManage');
      expect(manage).toEqual([{ id: expect.stringMatching(/^rb-/), principal: `User:${user}`, role: 'DeveloperManage', crn_pattern: created.topic!.crn_pattern }]);
      expect(inCluster.map((b) => b.id).sort()).toEqual(
        ['topic', 'prefix', 'group', 'transactional-id', 'cluster', 'operator'].map((l) => created[l]!.id).concat(manage[0]!.id).sort(),
      );
      expect(inCluster.map((b) => b.id)).not.toContain(created.subject!.id);
      expect(inCluster.map((b) => b.id)).not.toContain(created.environment!.id);

      await failure(2, ['iam', 'rbac', 'role-binding', 'list', '--cloud-cluster', lkc], '--cloud-cluster needs --environment');
      await failure(2, ['iam', 'rbac', 'role-binding', 'list', '--role', 'Nobody'], 'invalid --role "Nobody": valid values are OrganizationAdmin,');
      const human = await kw('iam', 'rbac', 'role-binding', 'list', '--principal', `User:${user}`);
      expect(human.code).toBe(0);
      expect(human.stdout).toContain('Scope');
      expect(human.stdout).toContain(created.environment!.id);
    });

    it.skipIf(skip)(`delete needs --force without a terminal, then removes the binding (${name})`, async () => {
      const id = created.group!.id;
      await failure(1, ['iam', 'rbac', 'role-binding', 'delete', id], 'Refusing to delete without confirmation: run on a terminal or pass --force');
      expect((await json<Binding[]>('iam', 'rbac', 'role-binding', 'list', '--principal', `User:${sa}`)).map((b) => b.id)).toContain(id);
      const deleted = await kw('iam', 'rbac', 'role-binding', 'delete', id, '--force');
      expect(deleted.code, deleted.stderr).toBe(0);
      expect(deleted.stdout).toBe(`Deleted role binding "${id}".\n`);
      expect((await json<Binding[]>('iam', 'rbac', 'role-binding', 'list', '--principal', `User:${sa}`)).map((b) => b.id)).not.toContain(id);
      await failure(1, ['iam', 'rbac', 'role-binding', 'delete', id, '--force'], id);
      await failure(1, ['iam', 'rbac', 'role-binding', 'delete', 'rb-zzzzzz', '--force'], 'rb-zzzzzz');
    });
  });

  describe('kafka acl', () => {
    const acl = (permission: string, operation: string, resource_type: string, resource_name: string, pattern_type = 'LITERAL', principal = `User:${sa}`): Acl => ({
      principal, permission, operation, resource_type, resource_name, pattern_type,
    });

    it.skipIf(skip)(`create makes one ACL per operation for every resource flag, in upper case (${name})`, async () => {
      const readDescribe = await json<Acl[]>('kafka', 'acl', 'create', '--allow', '--service-account', sa, '--operations', 'read,describe', '--topic', 'orders', '--cluster', lkc);
      expect(readDescribe).toEqual([acl('ALLOW', 'READ', 'TOPIC', 'orders'), acl('ALLOW', 'DESCRIBE', 'TOPIC', 'orders')]);
      for (const a of readDescribe) expect(Object.keys(a).sort()).toEqual(['operation', 'pattern_type', 'permission', 'principal', 'resource_name', 'resource_type']);
      expect(await json<Acl[]>('kafka', 'acl', 'create', '--deny', '--principal', `User:${user}`, '--operations', 'write', '--topic', 'orders', '--cluster', lkc)).toEqual([
        acl('DENY', 'WRITE', 'TOPIC', 'orders', 'LITERAL', `User:${user}`),
      ]);
      expect(await json<Acl[]>('kafka', 'acl', 'create', '--allow', '--service-account', sa, '--operations', 'READ', '--consumer-group', 'billing-', '--prefix', '--cluster', lkc)).toEqual([
        acl('ALLOW', 'READ', 'GROUP', 'billing-', 'PREFIXED'),
      ]);
      expect(await json<Acl[]>('kafka', 'acl', 'create', '--allow', '--service-account', sa, '--operations', 'write,describe', '--transactional-id', 'tx-1', '--cluster', lkc)).toEqual([
        acl('ALLOW', 'WRITE', 'TRANSACTIONAL_ID', 'tx-1'), acl('ALLOW', 'DESCRIBE', 'TRANSACTIONAL_ID', 'tx-1'),
      ]);
      // without --cluster: the only Kafka cluster of the current environment
      expect(await json<Acl[]>('kafka', 'acl', 'create', '--allow', '--service-account', sa, '--operations', 'idempotent-write', '--cluster-scope')).toEqual([
        acl('ALLOW', 'IDEMPOTENT_WRITE', 'CLUSTER', 'kafka-cluster'),
      ]);
      expect(await json<Acl[]>('kafka', 'acl', 'create', '--allow', '--principal', 'User:*', '--operations', 'describe', '--topic', '*', '--cluster', lkc)).toEqual([
        acl('ALLOW', 'DESCRIBE', 'TOPIC', '*', 'LITERAL', 'User:*'),
      ]);
      // a terminal wide enough for every column (at 80 the least important, Pattern Type, drops)
      const human = await runCli(['kafka', 'acl', 'create', '--allow', '--service-account', sa, '--operations', 'read', '--topic', 'audit', '--cluster', lkc], { ...server.env, COLUMNS: '200' });
      expect(human.code, human.stderr).toBe(0);
      for (const text of ['Principal', 'Permission', 'Operation', 'Resource Type', 'Resource Name', 'Pattern Type', 'audit']) expect(human.stdout).toContain(text);
    });

    it.skipIf(skip)(`create reports bad flags with the confluent CLI's messages, exit 2 before any request (exit 1 for what the server refuses), nothing created (${name})`, async () => {
      const before = await json<Acl[]>('kafka', 'acl', 'list', '--cluster', lkc);
      const base = ['kafka', 'acl', 'create', '--cluster', lkc];
      await failure(2, [...base, '--allow', '--service-account', sa, '--operations', 'read,fake', '--topic', 'orders'], 'invalid operation value: FAKE');
      await failure(2, [...base, '--allow', '--deny', '--service-account', sa, '--operations', 'read', '--topic', 'orders'], 'only `--allow` or `--deny` may be set');
      await failure(2, [...base, '--allow', '--service-account', sa, '--operations', 'read'], 'exactly one resource type (cluster-scope, consumer-group, topic, transactional-id) must be set');
      await failure(2, [...base, '--allow', '--service-account', sa, '--operations', 'read', '--topic', 'a', '--consumer-group', 'b'], 'exactly one resource type');
      await failure(2, [...base, '--allow', '--operations', 'read', '--topic', 'orders'], 'exactly one of `--service-account`, `--principal` must be set');
      await failure(2, [...base, '--allow', '--service-account', 'u-123456', '--operations', 'read', '--topic', 'orders'], 'service account id begins with "sa-"');
      await failure(2, [...base, '--allow', '--service-account', sa, '--operations', 'read', '--cluster-scope', '--prefix'], '`--prefix` cannot be used with `--cluster-scope`');
      await failure(2, [...base, '--allow', '--service-account', sa, '--operations', 'read', '--transactional-id', 'tx'], 'operation READ is not valid for resource type TRANSACTIONAL_ID');
      await failure(1, [...base, '--allow', '--service-account', 'sa-zzzzzz', '--operations', 'read', '--topic', 'orders'], 'Unknown principal "User:sa-zzzzzz"');
      await failure(1, ['kafka', 'acl', 'create', '--cluster', 'lkc-zzzzzz', '--allow', '--service-account', sa, '--operations', 'read', '--topic', 'orders'], 'lkc-zzzzzz');
      expect(await json<Acl[]>('kafka', 'acl', 'list', '--cluster', lkc)).toEqual(before);
    });

    it.skipIf(skip)(`list shows every ACL and filters by each flag (${name})`, async () => {
      const all = await json<Acl[]>('kafka', 'acl', 'list', '--cluster', lkc);
      expect(all).toHaveLength(9);
      for (const a of all) expect(Object.keys(a).sort()).toEqual(['operation', 'pattern_type', 'permission', 'principal', 'resource_name', 'resource_type']);
      const list = (...flags: string[]) => json<Acl[]>('kafka', 'acl', 'list', '--cluster', lkc, ...flags);
      const names = (acls: Acl[]) => acls.map((a) => `${a.permission} ${a.operation} ${a.resource_type}:${a.resource_name}`).sort();

      expect(names(await list('--deny'))).toEqual(['DENY WRITE TOPIC:orders']);
      expect((await list('--allow')).every((a) => a.permission === 'ALLOW')).toBe(true);
      expect(await list('--allow')).toHaveLength(8);
      expect(names(await list('--principal', `User:${user}`))).toEqual(['DENY WRITE TOPIC:orders']);
      expect(await list('--service-account', sa)).toHaveLength(7);
      expect(names(await list('--topic', 'orders'))).toEqual(['ALLOW DESCRIBE TOPIC:orders', 'ALLOW READ TOPIC:orders', 'DENY WRITE TOPIC:orders']);
      expect(names(await list('--topic', 'orders', '--operations', 'read'))).toEqual(['ALLOW READ TOPIC:orders']);
      expect(names(await list('--consumer-group', 'billing-', '--prefix'))).toEqual(['ALLOW READ GROUP:billing-']);
      expect(await list('--consumer-group', 'billing-', '--prefix', '--deny')).toEqual([]);
      expect(names(await list('--transactional-id', 'tx-1'))).toEqual(['ALLOW DESCRIBE TRANSACTIONAL_ID:tx-1', 'ALLOW WRITE TRANSACTIONAL_ID:tx-1']);
      expect(names(await list('--cluster-scope'))).toEqual(['ALLOW IDEMPOTENT_WRITE CLUSTER:kafka-cluster']);
      expect(names(await list('--principal', 'User:*'))).toEqual(['ALLOW DESCRIBE TOPIC:*']);
      expect(names(await json<Acl[]>('kafka', 'acl', 'list', '--deny'))).toEqual(['DENY WRITE TOPIC:orders']); // the environment's only cluster

      await failure(2, ['kafka', 'acl', 'list', '--cluster', lkc, '--allow', '--deny'], 'only `--allow` or `--deny` may be set');
      await failure(2, ['kafka', 'acl', 'list', '--cluster', lkc, '--operations', 'read,write'], 'list takes at most one operation');
      const human = await kw('kafka', 'acl', 'list', '--cluster', lkc, '--deny', '--wide');
      expect(human.code).toBe(0);
      expect(human.stdout).toContain('Pattern Type');
      expect(human.stdout).toContain(`User:${user}`);
    });

    it.skipIf(skip)(`delete needs --force without a terminal, then deletes exactly the ACLs its flags name (${name})`, async () => {
      const args = ['kafka', 'acl', 'delete', '--allow', '--service-account', sa, '--operations', 'read,describe', '--topic', 'orders', '--cluster', lkc];
      await failure(1, args, 'Refusing to delete without confirmation: run on a terminal or pass --force');
      expect(await json<Acl[]>('kafka', 'acl', 'list', '--cluster', lkc, '--topic', 'orders', '--allow')).toHaveLength(2);

      const deleted = await kw(...args, '--force');
      expect(deleted.code, deleted.stderr).toBe(0);
      expect(deleted.stdout).toBe('Deleted 2 ACL(s).\n');
      const left = await json<Acl[]>('kafka', 'acl', 'list', '--cluster', lkc, '--topic', 'orders');
      expect(left).toEqual([acl('DENY', 'WRITE', 'TOPIC', 'orders', 'LITERAL', `User:${user}`)]);

      const asJson = await json<Acl[]>('kafka', 'acl', 'delete', '--deny', '--principal', `User:${user}`, '--operations', 'write', '--topic', 'orders', '--cluster', lkc, '--force');
      expect(asJson).toEqual([acl('DENY', 'WRITE', 'TOPIC', 'orders', 'LITERAL', `User:${user}`)]);
      const prefixed = await kw('kafka', 'acl', 'delete', '--allow', '--service-account', sa, '--operations', 'read', '--consumer-group', 'billing-', '--prefix', '--force');
      expect(prefixed.code, prefixed.stderr).toBe(0);
      expect(prefixed.stdout).toBe('Deleted 1 ACL(s).\n');

      await failure(1, args.concat('--force'), 'No ACL matches those flags; nothing was deleted');
      await failure(2, ['kafka', 'acl', 'delete', '--allow', '--service-account', sa, '--operations', 'fake', '--topic', 'orders', '--cluster', lkc, '--force'], 'invalid operation value: FAKE');
      expect(await json<Acl[]>('kafka', 'acl', 'list', '--cluster', lkc)).toHaveLength(5);
    });
  });
});

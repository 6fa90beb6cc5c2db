import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Admin } from 'kafkajs';
import { createPostgresSchema, createSqliteDir, type TestDatabase, storeArgs } from '../helpers/databases.js';
import { runCli, startServerProcess, type CliResult, type ServerProcess } from '../helpers/cli.js';
import { freePort, parseProperties, sleep, startKafkaBroker, type KafkaBroker } from '../helpers/kafka-broker.js';
import { kafkajsClient } from '../helpers/kafka-clients.js';

/**
 * keyward (the real server process, one or two instances) + a real Kafka 4.1.2 broker running the
 * plugin, configured with what `keyward kafka cluster broker-config` prints. Every change goes
 * through the `keyward` binary.
 */

export interface AuditEvent {
  type: string;
  time: string;
  data: {
    methodName: string;
    count?: number;
    authenticationInfo?: { principal: string | null; metadata: { mechanism?: string; identifier?: string } };
    authorizationInfo?: { granted: boolean; operation: string; resourceType: string; resourceName: string };
    result: { status: string; reason?: string };
  };
}

export interface ApiKey {
  key: string;
  secret: string;
}

export interface KeywardKafka {
  db: TestDatabase;
  /** the instance the broker syncs from */
  primary: ServerProcess;
  /** the instance the CLI talks to (the second one when there are two) */
  management: ServerProcess;
  broker: KafkaBroker;
  lkc: string;
  env: string;
  brokerKey: ApiKey;
  brokerProperties: Record<string, string>;
  kw(...args: string[]): Promise<CliResult>;
  json<T = unknown>(...args: string[]): Promise<T>;
  /** a command without -o: exit 0 expected, its stdout */
  ok(...args: string[]): Promise<string>;
  /** kafkajs admin as the broker's own principal (KafkaBroker: allowed everything) */
  admin(): Promise<Admin>;
  createTopics(...names: string[]): Promise<void>;
  serviceAccount(name: string): Promise<string>;
  apiKey(serviceAccount: string, ...extra: string[]): Promise<ApiKey>;
  bind(principal: string, role: string, resource: string): Promise<string>;
  audit(...filters: string[]): Promise<AuditEvent[]>;
  /** Stops the primary keyward instance (its data stays) */
  stopPrimary(): Promise<void>;
  /** Starts the primary instance again on the same port and store */
  startPrimary(): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  dialect: 'sqlite' | 'postgres';
  /** two keyward instances on one PostgreSQL database: the broker syncs from the first, the CLI uses the second */
  instances?: 1 | 2;
  brokerProperties?: (stack: { primary: ServerProcess; lkc: string }) => Record<string, string>;
  jvmProperties?: (stack: { primary: ServerProcess; lkc: string }) => Record<string, string>;
}

/** Polls `check` every 100 ms until it returns a value other than undefined/false; bounded. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (${String(last)})` : ''}`);
    await sleep(100);
  }
}

/** KEYWARD_KAFKA_TEST_LOG_LEVEL=debug: the broker's keyward instance logs at that level (shown when its start fails). */
const serverLogEnv = (): NodeJS.ProcessEnv => (process.env.KEYWARD_KAFKA_TEST_LOG_LEVEL ? { KEYWARD_LOG_LEVEL: process.env.KEYWARD_KAFKA_TEST_LOG_LEVEL } : {});

/**
 * startServerProcess with a longer bound, tried twice: next to two JVMs on this shared 2-core machine a
 * keyward start has been seen to exceed the usual 20 s.
 */
async function startServer(args: string[], env: NodeJS.ProcessEnv, home: string): Promise<ServerProcess> {
  const started = Date.now();
  try {
    const server = await startServerProcess(args, env, { home, startTimeoutMs: 45_000 });
    if (Date.now() - started > 10_000) process.stderr.write(`keyward took ${Date.now() - started} ms to start\n`);
    return server;
  } catch (error) {
    process.stderr.write(`keyward did not start within ${Date.now() - started} ms, trying once more: ${String(error).slice(-3000)}\n`);
    return startServerProcess(args, env, { home, startTimeoutMs: 45_000 });
  }
}

export async function startKeywardKafka(options: StackOptions): Promise<KeywardKafka> {
  const db = options.dialect === 'postgres' ? await createPostgresSchema() : await createSqliteDir();
  const home = mkdtempSync(join(tmpdir(), 'keyward-home-'));
  const primaryPort = await freePort();
  const serverArgs = () => [...storeArgs(db), '--port', String(primaryPort)];
  let primary = await startServer(serverArgs(), serverLogEnv(), home);
  const admin = { KEYWARD_API_KEY: primary.key, KEYWARD_API_SECRET: primary.secret };
  const management = options.instances === 2 ? await startServer([...storeArgs(db)], admin, home) : primary;
  const cliEnv = { ...primary.env, ...admin, KEYWARD_URL: management.url };
  const kw = (...args: string[]) => runCli(args, cliEnv);
  const json = async <T>(...args: string[]): Promise<T> => {
    const result = await kw(...args, '-o', 'json');
    expect(result.code, `keyward ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return JSON.parse(result.stdout) as T;
  };
  const env = (await json<Array<{ id: string }>>('environment', 'list'))[0]!.id;
  const lkc = (await json<{ id: string }>('kafka', 'cluster', 'create', 'orders-cluster', '--cloud', 'aws', '--region', 'local')).id;

  const printed = await kw('kafka', 'cluster', 'broker-config', lkc, '-o', 'properties');
  expect(printed.code, printed.stderr).toBe(0);
  const brokerProperties: Record<string, string> = { ...parseProperties(printed.stdout), 'keyward.url': primary.url };
  const brokerKey = { key: brokerProperties['keyward.api.key'] as string, secret: brokerProperties['keyward.api.secret'] as string };
  expect(brokerKey.key).toMatch(/^[A-Z0-9]{16}$/);

  const stackInfo = { primary, lkc };
  let broker: KafkaBroker;
  try {
    broker = await startKafkaBroker({
      plugin: true,
      properties: { ...brokerProperties, ...(options.brokerProperties?.(stackInfo) ?? {}) },
      jvmProperties: options.jvmProperties?.(stackInfo),
    });
  } catch (error) {
    if (management !== primary) await management.stop();
    await primary.stop();
    rmSync(home, { recursive: true, force: true });
    await db.drop();
    throw error;
  }

  let adminClient: Admin | undefined;
  const stack: KeywardKafka = {
    db,
    primary,
    management,
    broker,
    lkc,
    env,
    brokerKey,
    brokerProperties,
    kw,
    json,
    async ok(...args) {
      const result = await kw(...args);
      expect(result.code, `keyward ${args.join(' ')}: ${result.stderr}`).toBe(0);
      return result.stdout;
    },
    async admin() {
      if (!adminClient) {
        adminClient = kafkajsClient(broker, { mechanism: 'plain', username: brokerKey.key, password: brokerKey.secret }, 'keyward-test-admin').kafka.admin();
        await adminClient.connect();
      }
      return adminClient;
    },
    async createTopics(...names) {
      const a = await stack.admin();
      await a.createTopics({ topics: names.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })), waitForLeaders: true });
    },
    async serviceAccount(name) {
      return (await json<{ id: string }>('iam', 'service-account', 'create', name, '--description', `${name} (real-broker test)`)).id;
    },
    async apiKey(serviceAccount, ...extra) {
      return json<ApiKey>('api-key', 'create', '--service-account', serviceAccount, '--resource', lkc, ...extra);
    },
    async bind(principal, role, resource) {
      return (await json<{ id: string }>('iam', 'rbac', 'role-binding', 'create', '--principal', principal, '--role', role, '--environment', env, '--kafka-cluster', lkc, '--resource', resource)).id;
    },
    async audit(...filters) {
      return json<AuditEvent[]>('audit-log', 'list', '--limit', '1000', ...filters);
    },
    async stopPrimary() {
      await primary.stop();
    },
    async startPrimary() {
      primary = await startServer(serverArgs(), serverLogEnv(), home);
      stack.primary = primary;
      if (management === stack.management && options.instances !== 2) stack.management = primary;
    },
    async close() {
      await adminClient?.disconnect().catch(() => undefined);
      await broker.destroy();
      if (stack.management !== stack.primary) await stack.management.stop();
      await stack.primary.stop();
      rmSync(home, { recursive: true, force: true });
      await db.drop();
    },
  };
  return stack;
}

/** The audit events of the broker for one key (authentication and authorization), once shipped. */
export async function brokerEvents(stack: KeywardKafka, key: string, predicate: (event: AuditEvent) => boolean, timeoutMs = 10_000): Promise<AuditEvent[]> {
  return eventually(`broker audit events of ${key}`, async () => {
    const events = (await stack.audit('--api-key', key)).filter((e) => e.data.methodName.startsWith('kafka.'));
    return events.some(predicate) ? events : undefined;
  }, timeoutMs);
}

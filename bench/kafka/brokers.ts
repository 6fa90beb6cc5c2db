/**
 * The two brokers of the comparison, from the tests' harness (test/helpers/kafka-broker.ts): the same
 * single-node KRaft configuration, one with keyward's plugin (what `keyward kafka cluster
 * broker-config` prints), one with Kafka's StandardAuthorizer, static PLAIN users and the same grants
 * as ACLs.
 */
import { readFileSync, rmSync } from 'node:fs';
import type { Admin } from 'kafkajs';
import { standardAuthorizerProperties, startKafkaBroker, type KafkaBroker } from '../../test/helpers/kafka-broker.js';
import { kafkajsClient } from '../../test/helpers/kafka-clients.js';
import type { Credentials, ReplicaGrant } from './keyward.js';

/**
 * On both brokers. A failed login is answered at once instead of after Kafka's default 100 ms, so
 * that the new-key probe (a login attempt right after another) sees the key the moment it arrives.
 * Re-authentication every 5 min as broker-config prints it, on the baseline broker too.
 */
export const COMMON_PROPERTIES: Record<string, string> = {
  'connection.failed.authentication.delay.ms': '0',
  'connections.max.reauth.ms': '300000',
};

// The harness kills its brokers when this process exits; their storage goes too, also after Ctrl-C.
const storage = new Set<string>();
process.once('exit', () => {
  if (process.env.KEYWARD_KEEP_KAFKA !== '1') storage.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

async function tracked(broker: Promise<KafkaBroker>): Promise<KafkaBroker> {
  const b = await broker;
  storage.add(b.dir);
  return b;
}

export function startPluginBroker(properties: Record<string, string>, heap: string, waitReady = true): Promise<KafkaBroker> {
  return tracked(startKafkaBroker({ plugin: true, properties: { ...properties, ...COMMON_PROPERTIES }, heap, waitReady, readyTimeoutMs: 180_000 }));
}

export function startStandardBroker(users: Record<string, string>, heap: string): Promise<KafkaBroker> {
  return tracked(startKafkaBroker({ properties: { ...standardAuthorizerProperties(users), ...COMMON_PROPERTIES }, heap, readyTimeoutMs: 180_000 }));
}

export async function withAdmin<T>(broker: KafkaBroker, as: { username: string; password: string }, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafkajsClient(broker, { mechanism: 'plain', ...as }, 'keyward-bench-admin').kafka.admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function createTopics(broker: KafkaBroker, as: { username: string; password: string }, topics: string[], partitions = 1): Promise<void> {
  await withAdmin(broker, as, async (admin) => {
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })), waitForLeaders: true });
  });
}

// Kafka's wire codes (org.apache.kafka.common.acl / resource)
const RESOURCE_TYPE: Record<ReplicaGrant['resource_type'], number> = { TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5 };
const PATTERN_TYPE: Record<ReplicaGrant['pattern_type'], number> = { LITERAL: 3, PREFIXED: 4 };
const PERMISSION: Record<ReplicaGrant['permission'], number> = { DENY: 2, ALLOW: 3 };
const OPERATION: Record<string, number> = {
  ALL: 2, READ: 3, WRITE: 4, CREATE: 5, DELETE: 6, ALTER: 7, DESCRIBE: 8, CLUSTER_ACTION: 9, DESCRIBE_CONFIGS: 10, ALTER_CONFIGS: 11, IDEMPOTENT_WRITE: 12, CREATE_TOKENS: 13, DESCRIBE_TOKENS: 14, TWO_PHASE_COMMIT: 15,
};

/** keyward's grants (as the replica carries them) as Kafka ACLs on the StandardAuthorizer broker: one ACL per operation. */
export async function copyGrantsAsAcls(broker: KafkaBroker, as: { username: string; password: string }, grants: readonly ReplicaGrant[]): Promise<number> {
  const acl = grants.flatMap((g) =>
    g.operations.map((operation) => {
      const code = OPERATION[operation];
      if (code === undefined) throw new Error(`grant of ${g.principal}: unknown Kafka operation ${operation}`);
      return { resourceType: RESOURCE_TYPE[g.resource_type], resourceName: g.name, resourcePatternType: PATTERN_TYPE[g.pattern_type], principal: g.principal, host: g.host, operation: code, permissionType: PERMISSION[g.permission] };
    }),
  );
  await withAdmin(broker, as, async (admin) => {
    for (let i = 0; i < acl.length; i += 500) await admin.createAcls({ acl: acl.slice(i, i + 500) as unknown as Parameters<Admin['createAcls']>[0]['acl'] });
  });
  return acl.length;
}

/** The SASL/PLAIN user name and password of a keyward key as the client sends them. */
export function plain(credentials: Credentials): { username: string; password: string } {
  return { username: credentials.key, password: credentials.secret };
}

/** The broker's log lines matching `pattern` (the log is re-read each call). */
export function logLines(broker: KafkaBroker, pattern: RegExp): string[] {
  let text = '';
  try {
    text = readFileSync(broker.logFile, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((line) => pattern.test(line));
}

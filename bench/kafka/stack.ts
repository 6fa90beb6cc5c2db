/**
 * keyward (a fresh store) with one Kafka cluster, and the broker running keyward's plugin with what
 * `keyward kafka cluster broker-config` printed for it: the stack of the throughput, revocation and
 * new-key scenarios.
 */
import type { KafkaBroker } from '../../test/helpers/kafka-broker.js';
import { cleanup, startKeyward } from '../processes.js';
import { startPluginBroker } from './brokers.js';
import { Keyward, type BrokerSetup } from './keyward.js';

export interface Stack {
  keyward: Keyward;
  environment: string;
  setup: BrokerSetup;
  broker: KafkaBroker;
  /** CRN pattern of a topic of the cluster, for role bindings made through the API */
  topicCrn(topic: string): string;
  close(): Promise<void>;
}

export async function startStack(heap: string, log: (line: string) => void): Promise<Stack> {
  const dataDir = cleanup.tempDir('kafka-data');
  const server = await startKeyward(dataDir);
  if (!server.admin) throw new Error('keyward printed no bootstrap admin key');
  const keyward = new Keyward(server, server.admin);
  const environment = await keyward.environment();
  const cluster = await keyward.createCluster('bench-kafka');
  const setup = await keyward.brokerConfig(cluster);
  log(`keyward on ${server.url} (pid ${server.pid}), cluster ${cluster}, broker key ${setup.brokerKey.key}`);

  // one role binding through the CLI gives the CRN form of the cluster's topics
  const probeAccount = await keyward.serviceAccount('bench-crn');
  const crn = await keyward.bindTopic(`User:${probeAccount}`, 'DeveloperRead', environment, cluster, 'bench-crn');
  const crnPrefix = crn.slice(0, crn.lastIndexOf('/topic='));

  const started = performance.now();
  const broker = await startPluginBroker(setup.properties, heap);
  log(`broker with keyward's plugin on ${broker.bootstrap} (pid ${broker.pid()}), ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return {
    keyward,
    environment,
    setup,
    broker,
    topicCrn: (topic) => `${crnPrefix}/topic=${topic}`,
    async close() {
      await broker.destroy();
      await server.stop();
      cleanup.removeDir(dataDir);
    },
  };
}

/**
 * `count` role bindings of other service accounts on other topics (literal and prefixed), through the
 * management API: grants the authorizers hold but the measured requests never match.
 */
export async function addHaystack(stack: Stack, count: number): Promise<void> {
  if (count <= 0) return;
  const perAccount = 10;
  const accounts: string[] = [];
  for (let i = 0; i * perAccount < count; i++) {
    accounts.push((await stack.keyward.api<{ id: string }>('POST', '/iam/v2/service-accounts', { display_name: `bench-haystack-${i}`, description: 'keyward Kafka benchmark: grants nobody asks for' })).body.id);
  }
  const bindings = Array.from({ length: count }, (_, i) => ({
    principal: `User:${accounts[Math.floor(i / perAccount)] as string}`,
    role_name: i % 2 === 0 ? 'DeveloperRead' : 'DeveloperWrite',
    crn_pattern: stack.topicCrn(i % 5 === 0 ? `team-${i}-*` : `other-${i}`),
  }));
  let next = 0;
  const worker = async () => {
    while (next < bindings.length) {
      const binding = bindings[next++];
      if (binding) await stack.keyward.api('POST', '/iam/v2/role-bindings', binding);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** keyward's default policy allows 10 keys per owner and resource. */
const KEYS_PER_ACCOUNT = 10;

/**
 * Service accounts made on demand through the management API, each bound `role` on `topic` before
 * its first key, each given at most 10 keys (the default policy's limit per owner and resource).
 */
export function accountPool(stack: Stack, name: string, role: string, topic: string): () => Promise<string> {
  let current: string | undefined;
  let used = 0;
  let made = 0;
  return async () => {
    if (!current || used >= KEYS_PER_ACCOUNT) {
      const id = (await stack.keyward.api<{ id: string }>('POST', '/iam/v2/service-accounts', { display_name: `${name}-${made++}`, description: 'keyward Kafka benchmark' })).body.id;
      await stack.keyward.api('POST', '/iam/v2/role-bindings', { principal: `User:${id}`, role_name: role, crn_pattern: stack.topicCrn(topic) });
      current = id;
      used = 0;
    }
    used++;
    return current;
  };
}

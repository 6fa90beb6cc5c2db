import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaAvailable } from '../helpers/kafka-broker.js';
import { startJavaClient, type JavaClient } from '../helpers/kafka-clients.js';
import { brokerEvents, eventually, startKeywardKafka, type KeywardKafka, type StackOptions } from './keyward-kafka.js';

interface Revocation {
  name: string;
  /** the reason the broker ships for the refused request */
  reason: string;
  revoke(stack: KeywardKafka, subject: Subject): Promise<void>;
}

interface Subject {
  sa: string;
  key: { key: string; secret: string };
  binding: string;
  topic: string;
}

const REVOCATIONS: Revocation[] = [
  { name: 'deleting the key', reason: 'KEY_REVOKED', revoke: async (s, x) => void (await s.ok('api-key', 'delete', x.key.key, '--force')) },
  { name: 'disabling the key', reason: 'KEY_REVOKED', revoke: async (s, x) => void (await s.ok('api-key', 'disable', x.key.key)) },
  { name: 'disabling its service account', reason: 'OWNER_DISABLED', revoke: async (s, x) => void (await s.ok('iam', 'service-account', 'disable', x.sa)) },
  { name: 'deleting its role binding', reason: 'NO_GRANT', revoke: async (s, x) => void (await s.ok('iam', 'rbac', 'role-binding', 'delete', x.binding, '--force')) },
  {
    name: 'adding a DENY ACL',
    reason: 'DENY_ACL',
    revoke: async (s, x) => void (await s.json('kafka', 'acl', 'create', '--deny', '--service-account', x.sa, '--operations', 'write', '--topic', x.topic, '--cluster', s.lkc)),
  },
];

/**
 * Each revocation refuses the next request of an already open connection (the Java client keeps its
 * connections; their count is the same before and after). With two keyward instances, the broker
 * syncs from one and every change is made through the other.
 */
export function revocationScenarios(label: string, options: StackOptions & { skip?: boolean }): void {
  describe.skipIf(options.skip || !kafkaAvailable)(`revocation reaches open connections on a real Kafka broker (${label})`, () => {
    let stack: KeywardKafka;
    const clients: JavaClient[] = [];

    beforeAll(async () => {
      stack = await startKeywardKafka(options);
      await stack.createTopics(...REVOCATIONS.map((_, i) => `revoke-${i}`));
    }, 150_000);
    afterAll(async () => {
      for (const client of clients) await client.close().catch(() => undefined);
      await stack?.close();
    }, 60_000);

    REVOCATIONS.forEach((revocation, i) => {
      it(`${revocation.name} refuses the next request on an open connection`, async () => {
        const topic = `revoke-${i}`;
        const sa = await stack.serviceAccount(`revoke-${i}-app`);
        const key = await stack.apiKey(sa);
        const binding = await stack.bind(`User:${sa}`, 'DeveloperWrite', `Topic:${topic}`);
        const client = await eventually('the new key connects', async () => startJavaClient(stack.broker, key.key, key.secret), 15_000);
        clients.push(client);
        const first = await eventually('the first produce', async () => {
          const answer = await client.produce(topic, 'allowed');
          return answer.ok ? answer : undefined;
        });

        const started = Date.now();
        await revocation.revoke(stack, { sa, key, binding, topic });
        const revokedAfter = Date.now();
        const refused = await eventually('the next request refused', async () => {
          const answer = await client.produce(topic, 'after revocation');
          return answer.ok ? undefined : answer;
        });
        const latency = Date.now() - revokedAfter;
        process.stderr.write(`[${label}] ${revocation.name}: the open connection refused ${latency} ms after the keyward call returned\n`);
        expect(refused.error).toBe('TopicAuthorizationException');
        expect(refused.connections).toBe(first.connections);
        expect(latency, `refused ${latency} ms after the keyward call returned (call took ${revokedAfter - started} ms)`).toBeLessThan(5000);

        const events = await brokerEvents(stack, key.key, (e) => e.data.result.status === 'UNAUTHORIZED' && e.data.result.reason === revocation.reason);
        const denial = events.find((e) => e.data.result.reason === revocation.reason);
        expect(denial).toMatchObject({ type: 'io.keyward.authorization', data: { methodName: 'kafka.Produce', authenticationInfo: { principal: `User:${sa}` } } });
      }, 60_000);
    });
  });
}

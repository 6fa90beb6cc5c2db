import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { startJavaClient } from '../helpers/kafka-clients.js';
import { kafkaAvailable, kcat, kcatConfig, standardAuthorizerProperties, startKafkaBroker, type KafkaBroker } from '../helpers/kafka-broker.js';

/**
 * The harness itself, without keyward: Apache Kafka 4.1.2 with its own StandardAuthorizer and static
 * PLAIN users (the benchmark's baseline). Both clients produce and consume; ACLs decide; a restart
 * keeps the storage.
 */
describe.skipIf(!kafkaAvailable)('the real Kafka 4.1.2 broker harness (StandardAuthorizer, static PLAIN users)', () => {
  let broker: KafkaBroker;
  const users = { admin: 'admin-secret', alice: 'alice-secret' };
  const client = (username: string, password: string) =>
    new Kafka({ clientId: 'harness', brokers: [broker.bootstrap], sasl: { mechanism: 'plain', username, password }, ssl: false, logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100 }, connectionTimeout: 3000 });

  beforeAll(async () => {
    broker = await startKafkaBroker({ properties: standardAuthorizerProperties(users) });
  }, 120_000);
  afterAll(async () => {
    await broker?.destroy();
  }, 60_000);

  it('kafkajs (admin, super user) creates a topic, produces and consumes', async () => {
    const kafka = client('admin', users.admin);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'orders', messages: [{ value: 'one' }, { value: 'two' }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: 'harness-admin', sessionTimeout: 10_000, heartbeatInterval: 1000 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumed only ${seen.join(',')}`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(String(message.value));
          if (seen.length === 2) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    expect(seen).toEqual(['one', 'two']);
  }, 60_000);

  it('kcat as alice is refused until an ACL allows her, then produces and consumes', async () => {
    const alice = kcatConfig(broker.dir, 'alice', users.alice);
    const refused = await kcat(broker, alice, ['-P', '-t', 'orders'], 'three\n');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/authoriz/i);

    const admin = client('admin', users.admin).admin();
    await admin.connect();
    // kafkajs' enums: resourceType TOPIC=2, patternType LITERAL=3, operation ALL=2, permission ALLOW=3
    await admin.createAcls({ acl: [{ resourceType: 2, resourceName: 'orders', resourcePatternType: 3, principal: 'User:alice', host: '*', operation: 2, permissionType: 3 }] });
    await admin.disconnect();

    const wrong = await kcat(broker, kcatConfig(broker.dir, 'alice', 'wrong'), ['-L', '-t', 'orders']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/Authentication failed|SASL authentication error/i);

    const produced = await kcat(broker, alice, ['-P', '-t', 'orders'], 'three\n');
    expect(produced.stderr).toBe('');
    expect(produced.code).toBe(0);
    const consumed = await kcat(broker, alice, ['-C', '-t', 'orders', '-o', 'beginning', '-e']);
    expect(consumed.code).toBe(0);
    expect(consumed.stdout.trim().split('\n')).toEqual(['one', 'two', 'three']);
  }, 60_000);

  it('the Java client keeps one set of connections across requests', async () => {
    const java = await startJavaClient(broker, 'alice', users.alice);
    try {
      const produced = await java.produce('orders', 'four');
      expect(produced).toMatchObject({ ok: true });
      const fetched = await java.fetch('orders', 4);
      expect(fetched).toMatchObject({ ok: true, values: ['one', 'two', 'three', 'four'] });
      const refused = await java.produce('payments', 'x');
      expect(refused).toMatchObject({ ok: false, error: 'TopicAuthorizationException' });
      const again = await java.fetch('orders', 4);
      expect(again.connections).toBe(fetched.connections);
    } finally {
      await java.close();
    }
  }, 60_000);

  it('restarts on the same storage: the records and the ACL are still there', async () => {
    await broker.restart();
    const consumed = await kcat(broker, kcatConfig(broker.dir, 'alice', users.alice), ['-C', '-t', 'orders', '-o', 'beginning', '-e']);
    expect(consumed.code).toBe(0);
    expect(consumed.stdout.trim().split('\n')).toEqual(['one', 'two', 'three', 'four']);
  }, 120_000);
});

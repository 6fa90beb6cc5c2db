import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { kafkaAvailable, kcat, kcatConfig, sleep } from '../helpers/kafka-broker.js';
import { kafkajsClient, startJavaClient, type JavaClient } from '../helpers/kafka-clients.js';
import { brokerEvents, eventually, startKeywardKafka, type KeywardKafka } from './keyward-kafka.js';

/**
 * The seed workflow on a live Apache Kafka 4.1.2 cluster protected by keyward (SQLite): a service
 * account's key produces, consumes once DeveloperRead is bound (on the same connection), rotates on a
 * live producer, and `kafka-acls`-style DescribeAcls/CreateAcls meet keyward's ACLs.
 */
describe.skipIf(!kafkaAvailable)('keyward protects a real Kafka broker: the seed workflow (SQLite)', () => {
  let stack: KeywardKafka;
  let sa: string;
  let key: { key: string; secret: string };
  const open: Array<{ close(): Promise<void> }> = [];
  const java = async (k: { key: string; secret: string }): Promise<JavaClient> => {
    const client = await startJavaClient(stack.broker, k.key, k.secret);
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    stack = await startKeywardKafka({ dialect: 'sqlite' });
    await stack.createTopics('orders', 'payments');
  }, 150_000);
  afterAll(async () => {
    for (const client of open) await client.close().catch(() => undefined);
    await stack?.close();
  }, 60_000);

  it('a new key with DeveloperWrite produces with kafkajs over SASL/PLAIN; consuming is refused', async () => {
    sa = await stack.serviceAccount('orders-app');
    key = await stack.apiKey(sa, '--description', 'orders producer');
    await stack.bind(`User:${sa}`, 'DeveloperWrite', 'Topic:orders');
    const { kafka } = kafkajsClient(stack.broker, { mechanism: 'plain', username: key.key, password: key.secret });
    const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
    await eventually('the new key logs in', async () => {
      await producer.connect();
      return true;
    });
    open.push({ close: () => producer.disconnect() });
    await producer.send({ topic: 'orders', messages: [{ value: 'order-1' }] });
    await expect(producer.send({ topic: 'payments', messages: [{ value: 'x' }] })).rejects.toThrow(/authoriz/i);

    const consume = await kcat(stack.broker, kcatConfig(stack.broker.dir, key.key, key.secret), ['-C', '-t', 'orders', '-o', 'beginning', '-e']);
    expect(consume.code).not.toBe(0);
    expect(consume.stderr).toMatch(/authoriz/i);

    const events = await brokerEvents(stack, key.key, (e) => e.data.methodName === 'kafka.Produce' && e.data.result.status === 'SUCCESS');
    expect(events.some((e) => e.type === 'io.keyward.authentication' && e.data.methodName === 'kafka.Authentication' && e.data.result.status === 'SUCCESS')).toBe(true);
    const produce = events.find((e) => e.data.methodName === 'kafka.Produce' && e.data.result.status === 'SUCCESS');
    expect(produce?.data.authenticationInfo?.principal).toBe(`User:${sa}`);
    expect(produce?.data.authenticationInfo?.metadata.mechanism).toBe('SASL_PLAINTEXT/PLAIN');
  }, 60_000);

  it('consume is refused until DeveloperRead is bound, then allowed on the same connection', async () => {
    const client = await java(key);
    const refused = await client.fetch('orders', 1, 8000);
    expect(refused).toMatchObject({ ok: false, error: 'TopicAuthorizationException' });
    const before = refused.connections;
    await stack.bind(`User:${sa}`, 'DeveloperRead', 'Topic:orders');
    const allowed = await eventually('Fetch allowed', async () => {
      const answer = await client.fetch('orders', 1, 1000);
      return answer.ok ? answer : undefined;
    });
    expect(allowed.values).toEqual(['order-1']);
    expect(allowed.connections).toBe(before);
  }, 60_000);

  it('rotation on a live producer: both keys work during the grace, last_used shows the new one, the old connection is refused once it expires', async () => {
    const old = await java(key);
    expect(await old.produce('orders', 'before-rotation')).toMatchObject({ ok: true });
    const rotated = await stack.json<{ key: string; secret: string; replaces: string; old_key_expires_at: string }>('api-key', 'rotate', key.key, '--grace', '20s');
    expect(rotated.replaces).toBe(key.key);
    const fresh = await eventually('the rotated key logs in', async () => {
      const client = await startJavaClient(stack.broker, rotated.key, rotated.secret);
      const answer = await client.produce('orders', 'with-new-key');
      if (answer.ok) return client;
      await client.close();
      return undefined;
    }, 15_000);
    open.push(fresh);
    const oldStill = await old.produce('orders', 'old-key-in-grace');
    expect(oldStill).toMatchObject({ ok: true });

    const listed = await eventually('last_used of the new key', async () => {
      const keys = await stack.json<Array<{ key: string; last_used: string | null }>>('api-key', 'list', '--service-account', sa);
      return keys.find((k) => k.key === rotated.key)?.last_used ? keys : undefined;
    });
    expect(listed.find((k) => k.key === rotated.key)?.last_used).toMatch(/^\d{4}-/);

    const wait = new Date(rotated.old_key_expires_at).getTime() - Date.now();
    if (wait > 0) await sleep(wait + 200);
    const expired = await eventually('the old key is refused after its grace', async () => {
      const answer = await old.produce('orders', 'old-key-after-grace');
      return answer.ok ? undefined : answer;
    });
    expect(expired.error).toBe('TopicAuthorizationException');
    expect(expired.connections).toBe(oldStill.connections);
    expect(await fresh.produce('orders', 'new-key-after-grace')).toMatchObject({ ok: true });
    const denial = await brokerEvents(stack, key.key, (e) => e.data.result.status === 'UNAUTHORIZED' && e.data.result.reason === 'KEY_EXPIRED');
    expect(denial.find((e) => e.data.result.reason === 'KEY_EXPIRED')?.data.methodName).toBe('kafka.Produce');
    key = rotated;
  }, 90_000);

  it("DescribeAcls (kafka-acls --list) shows keyward's ACLs; CreateAcls is refused naming keyward kafka acl", async () => {
    await stack.json('kafka', 'acl', 'create', '--allow', '--service-account', sa, '--operations', 'read,describe', '--topic', 'payments', '--cluster', stack.lkc);
    const admin = await startJavaClient(stack.broker, stack.brokerKey.key, stack.brokerKey.secret);
    open.push(admin);
    const listed = await eventually('the ACL in DescribeAcls', async () => {
      const answer = await admin.describeAcls();
      return answer.acls && answer.acls.length >= 2 ? answer : undefined;
    });
    expect(listed.acls?.filter((a) => a.resource_name === 'payments')).toEqual(
      expect.arrayContaining([
        { principal: `User:${sa}`, host: '*', operation: 'READ', permission: 'ALLOW', resource_type: 'TOPIC', resource_name: 'payments', pattern_type: 'LITERAL' },
        { principal: `User:${sa}`, host: '*', operation: 'DESCRIBE', permission: 'ALLOW', resource_type: 'TOPIC', resource_name: 'payments', pattern_type: 'LITERAL' },
      ]),
    );
    const kafkajsAdmin = await stack.admin();
    const viaKafkajs = await kafkajsAdmin.describeAcls({ resourceType: 1, resourcePatternType: 1, operation: 1, permissionType: 1 });
    expect(viaKafkajs.resources.some((r) => r.resourceName === 'payments')).toBe(true);

    const created = await admin.createAcl(`User:${sa}`, 'payments', 'WRITE');
    expect(created.ok).toBe(false);
    expect(created.message).toContain('keyward kafka acl create');
    const acls = await stack.json<unknown[]>('kafka', 'acl', 'list', '--cluster', stack.lkc);
    expect(acls).toHaveLength(2);
  }, 60_000);

  it('the broker (X-Keyward-Broker: its node.id) is listed by GET …/brokers: streaming, at the cluster revision, lag 0', async () => {
    const authorization = 'Basic ' + Buffer.from(`${stack.management.key}:${stack.management.secret}`).toString('base64');
    const report = await eventually('broker 1 in sync', async () => {
      const res = await fetch(`${stack.management.url}/keyward/v1/kafka/clusters/${stack.lkc}/brokers`, { headers: { authorization } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { cluster: string; revision: number; brokers: Array<{ broker: string; revision: number | null; lag: number | null; streaming: boolean }> };
      const broker = body.brokers.find((b) => b.broker === '1');
      return broker?.streaming && broker.lag === 0 ? body : undefined;
    }, 20_000);
    expect(report.cluster).toBe(stack.lkc);
    expect(report.brokers).toEqual([
      { broker: '1', revision: report.revision, lag: 0, last_seen: expect.any(String), streaming: true, client_address: '127.0.0.1' },
    ]);
  }, 30_000);
});

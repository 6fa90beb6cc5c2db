import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable } from '../helpers/databases.js';
import { kafkaAvailable, kcat, kcatConfig, sleep, tcpOpen } from '../helpers/kafka-broker.js';
import { startJavaClient, type JavaClient } from '../helpers/kafka-clients.js';
import { eventually, startKeywardKafka, type KeywardKafka } from './keyward-kafka.js';

/**
 * The broker and keyward apart (PostgreSQL, two keyward instances; the broker syncs from the first,
 * changes are made through the second): keyward stopped → the broker keeps serving from its replica;
 * keyward back → what changed meanwhile arrives; the broker restarted while keyward is down accepts
 * no connection until keyward is back.
 */
describe.skipIf(!postgresAvailable || !kafkaAvailable)('a real Kafka broker while keyward is down (PostgreSQL, two instances)', () => {
  let stack: KeywardKafka;
  let sa: string;
  let key: { key: string; secret: string };
  let other: { key: string; secret: string };
  const clients: JavaClient[] = [];
  const login = (k: { key: string; secret: string }) => kcat(stack.broker, kcatConfig(stack.broker.dir, k.key, k.secret), ['-L', '-t', 'orders', '-m', '4'], undefined, 10_000);

  beforeAll(async () => {
    stack = await startKeywardKafka({ dialect: 'postgres', instances: 2 });
    await stack.createTopics('orders');
    sa = await stack.serviceAccount('outage-app');
    key = await stack.apiKey(sa);
    other = await stack.apiKey(sa);
    await stack.bind(`User:${sa}`, 'DeveloperWrite', 'Topic:orders');
  }, 150_000);
  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    await stack?.close();
  }, 90_000);

  it('keyward stopped: open connections keep producing and new logins still succeed', async () => {
    const client = await eventually('the key connects', async () => startJavaClient(stack.broker, key.key, key.secret), 15_000);
    clients.push(client);
    const second = await startJavaClient(stack.broker, other.key, other.secret);
    clients.push(second);
    await eventually('both produce', async () => (await client.produce('orders', 'a')).ok && (await second.produce('orders', 'b')).ok);

    await stack.stopPrimary();
    await sleep(1500);
    expect(await client.produce('orders', 'keyward-down')).toMatchObject({ ok: true });
    expect((await login(key)).code).toBe(0);
    expect(stack.broker.log()).toMatch(/io\.keyward|Keyward/);
  }, 60_000);

  it('keyward back: a change made meanwhile (through the other instance) reaches the broker', async () => {
    const [, second] = clients as [JavaClient, JavaClient];
    await stack.ok('api-key', 'disable', other.key);
    await sleep(1500);
    // the broker has not heard of it: keyward's instance it syncs from is down
    expect(await second.produce('orders', 'not-yet-known')).toMatchObject({ ok: true });
    await stack.startPrimary();
    const refused = await eventually('the disabled key refused after keyward is back', async () => {
      const answer = await second.produce('orders', 'after-resume');
      return answer.ok ? undefined : answer;
    }, 20_000);
    expect(refused.error).toBe('TopicAuthorizationException');
    expect(await clients[0]!.produce('orders', 'still-fine')).toMatchObject({ ok: true });
  }, 60_000);

  it('the broker restarted while keyward is down accepts no connection until keyward is back', async () => {
    for (const client of clients.splice(0)) await client.close();
    await stack.stopPrimary();
    await stack.broker.restart({ waitReady: false });
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !/io\.keyward|Keyward/.test(stack.broker.log().split('==== restart ====').pop() ?? '')) await sleep(250);
    await sleep(3000);
    expect(stack.broker.alive()).toBe(true);
    // fail closed at start: the listener is not even bound before the first replica has loaded
    expect(await tcpOpen(stack.broker.port, 500)).toBe(false);
    expect((await login(key)).code).not.toBe(0);
    expect(stack.broker.log()).toMatch(/state LOADING/);

    await stack.startPrimary();
    await stack.broker.waitReady(60_000);
    expect((await login(key)).code).toBe(0);
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaAvailable, kcat, kcatConfig, sleep } from '../helpers/kafka-broker.js';
import { kafkajsClient } from '../helpers/kafka-clients.js';
import { brokerEvents, eventually, startKeywardKafka, type KeywardKafka } from './keyward-kafka.js';

/**
 * Refused at login by the real broker, each audited with its reason: a wrong secret, an unknown key,
 * a key of another cluster, an expired key (kcat, i.e. librdkafka, and kafkajs).
 */
describe.skipIf(!kafkaAvailable)('logins refused by a real Kafka broker, audited with their reason (SQLite)', () => {
  let stack: KeywardKafka;
  let sa: string;
  let good: { key: string; secret: string };

  const login = (username: string, password: string) => kcat(stack.broker, kcatConfig(stack.broker.dir, username, password), ['-L', '-t', 'orders', '-m', '5']);
  const failure = async (key: string, reason: string) => {
    const events = await brokerEvents(stack, key, (e) => e.data.methodName === 'kafka.Authentication' && e.data.result.reason === reason);
    const event = events.find((e) => e.data.methodName === 'kafka.Authentication' && e.data.result.reason === reason);
    expect(event).toMatchObject({ type: 'io.keyward.authentication', data: { result: { status: 'UNAUTHENTICATED', reason } } });
    expect(event?.data.authenticationInfo?.metadata.mechanism).toBe('SASL_PLAINTEXT/PLAIN');
    expect(JSON.stringify(events)).not.toContain('kw_');
  };

  beforeAll(async () => {
    stack = await startKeywardKafka({ dialect: 'sqlite' });
    await stack.createTopics('orders');
    sa = await stack.serviceAccount('login-app');
    good = await stack.apiKey(sa);
    await stack.bind(`User:${sa}`, 'DeveloperRead', 'Topic:orders');
    await eventually('the key logs in', async () => (await login(good.key, good.secret)).code === 0, 15_000);
  }, 150_000);
  afterAll(async () => {
    await stack?.close();
  }, 60_000);

  it('a wrong secret is refused (INVALID_CREDENTIALS) by kcat and kafkajs; the right one still works', async () => {
    const wrong = 'kw_' + 'A'.repeat(61);
    const refused = await login(good.key, wrong);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Authentication failed|SASL authentication error|Invalid/i);
    const admin = kafkajsClient(stack.broker, { mechanism: 'plain', username: good.key, password: wrong }).kafka.admin();
    await expect(admin.connect()).rejects.toThrow(/SASL PLAIN authentication failed|Authentication failed|SASL/i);
    await failure(good.key, 'INVALID_CREDENTIALS');
    expect((await login(good.key, good.secret)).code).toBe(0);
  }, 60_000);

  it('an unknown key is refused (INVALID_CREDENTIALS)', async () => {
    const unknown = 'ZZZZZZZZZZZZZZZZ';
    expect((await login(unknown, good.secret)).code).not.toBe(0);
    await failure(unknown, 'INVALID_CREDENTIALS');
  }, 60_000);

  it('a key of another cluster is refused (WRONG_RESOURCE)', async () => {
    const other = (await stack.json<{ id: string }>('kafka', 'cluster', 'create', 'other-cluster', '--cloud', 'aws', '--region', 'local')).id;
    const foreign = await stack.json<{ key: string; secret: string }>('api-key', 'create', '--service-account', sa, '--resource', other);
    await sleep(1000);
    expect((await login(foreign.key, foreign.secret)).code).not.toBe(0);
    await failure(foreign.key, 'WRONG_RESOURCE');
  }, 60_000);

  it('an expired key is refused (EXPIRED)', async () => {
    const short = await stack.apiKey(sa, '--expires-in', '4s');
    const described = await stack.json<{ expires_at: string }>('api-key', 'describe', short.key);
    await eventually('the short-lived key logs in', async () => (await login(short.key, short.secret)).code === 0, 4000).catch(() => undefined);
    const wait = new Date(described.expires_at).getTime() - Date.now();
    if (wait > 0) await sleep(wait + 300);
    expect((await login(short.key, short.secret)).code).not.toBe(0);
    await failure(short.key, 'EXPIRED');
  }, 60_000);

  it("the broker's log carries no secret (neither the clients' nor its own)", async () => {
    expect(stack.broker.log()).toContain('keyward');
    expect(stack.broker.log()).not.toMatch(/kw_[0-9A-Za-z]{20}/);
    expect(stack.broker.log()).not.toContain(stack.brokerKey.secret);
  });
});

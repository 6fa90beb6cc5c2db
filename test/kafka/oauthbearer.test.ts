import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { kafkaAvailable } from '../helpers/kafka-broker.js';
import { kafkajsClient, startJavaClientWith, type JavaClient } from '../helpers/kafka-clients.js';
import { brokerEvents, eventually, startKeywardKafka, type KeywardKafka } from './keyward-kafka.js';

/**
 * SASL/OAUTHBEARER for real: kafkajs presents a token from keyward's /oauth2/token (no scope asked),
 * Kafka's own OAuthBearerValidatorCallbackHandler validates it against keyward's JWKS, and the plugin
 * maps `sub`/`key_id` to the same principal and key as PLAIN, so the same grants and revocation apply.
 */
describe.skipIf(!kafkaAvailable)('OAUTHBEARER with keyward tokens on a real Kafka broker (SQLite)', () => {
  let stack: KeywardKafka;
  let sa: string;
  let key: { key: string; secret: string };
  const producers: Producer[] = [];
  const javaClients: JavaClient[] = [];

  const token = async (k: { key: string; secret: string }): Promise<string> => {
    const response = await fetch(`${stack.primary.url}/oauth2/token`, {
      method: 'POST',
      headers: { authorization: 'Basic ' + Buffer.from(`${k.key}:${k.secret}`).toString('base64'), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const oauthProducer = (k: { key: string; secret: string }) => {
    const client = kafkajsClient(stack.broker, { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: await token(k) }) }, 'keyward-oauth-test');
    const producer = client.kafka.producer({ allowAutoTopicCreation: false });
    producers.push(producer);
    return { producer, sockets: client.sockets };
  };

  beforeAll(async () => {
    stack = await startKeywardKafka({
      dialect: 'sqlite',
      brokerProperties: ({ primary, lkc }) => ({
        'sasl.enabled.mechanisms': 'PLAIN,OAUTHBEARER',
        'listener.name.sasl_plaintext.oauthbearer.sasl.server.callback.handler.class': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
        'listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required ;',
        'sasl.oauthbearer.jwks.endpoint.url': `${primary.url}/.well-known/jwks.json`,
        'sasl.oauthbearer.expected.issuer': primary.url,
        'sasl.oauthbearer.expected.audience': lkc,
      }),
      jvmProperties: ({ primary }) => ({ 'org.apache.kafka.sasl.oauthbearer.allowed.urls': `${primary.url}/.well-known/jwks.json` }),
    });
    await stack.createTopics('orders', 'payments');
    const discovery = (await (await fetch(`${stack.primary.url}/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(discovery.issuer).toBe(stack.primary.url);
    sa = await stack.serviceAccount('oauth-app');
    key = await stack.apiKey(sa);
    await stack.bind(`User:${sa}`, 'DeveloperWrite', 'Topic:orders');
  }, 150_000);
  afterAll(async () => {
    for (const producer of producers) await producer.disconnect().catch(() => undefined);
    for (const client of javaClients) await client.close().catch(() => undefined);
    await stack?.close();
  }, 60_000);

  it('a token without a scope logs in; the principal is the key owner, with its grants', async () => {
    const jwt = await token(key);
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({ sub: sa, aud: stack.lkc, key_id: key.key, iss: stack.primary.url });
    expect(payload).not.toHaveProperty('scope', '');

    const { producer } = oauthProducer(key);
    await eventually('the OAUTHBEARER login', async () => {
      await producer.connect();
      return true;
    }, 15_000);
    await eventually('produce over OAUTHBEARER', async () => {
      await producer.send({ topic: 'orders', messages: [{ value: 'via-oauth' }] });
      return true;
    });
    await expect(producer.send({ topic: 'payments', messages: [{ value: 'x' }] })).rejects.toThrow(/authoriz/i);
    const events = await brokerEvents(stack, key.key, (e) => e.data.methodName === 'kafka.Produce' && e.data.result.status === 'SUCCESS');
    const produce = events.find((e) => e.data.methodName === 'kafka.Produce' && e.data.result.status === 'SUCCESS');
    expect(produce?.data.authenticationInfo?.principal).toBe(`User:${sa}`);
    expect(produce?.data.authenticationInfo?.metadata.mechanism).toBe('SASL_PLAINTEXT/OAUTHBEARER');
  }, 60_000);

  it('disabling the key refuses the next request of the open OAUTHBEARER connection', async () => {
    const { producer, sockets } = oauthProducer(key);
    await producer.connect();
    await producer.send({ topic: 'orders', messages: [{ value: 'before' }] });
    const opened = sockets();
    await stack.ok('api-key', 'disable', key.key);
    await eventually('the next produce refused', async () => {
      try {
        await producer.send({ topic: 'orders', messages: [{ value: 'after' }] });
        return undefined;
      } catch (error) {
        return /authoriz/i.test(String(error)) ? true : undefined;
      }
    });
    expect(sockets()).toBe(opened);
    await brokerEvents(stack, key.key, (e) => e.data.result.reason === 'KEY_REVOKED');
  }, 60_000);

  it("a token for another cluster (aud) is refused by Kafka's validator", async () => {
    const other = (await stack.json<{ id: string }>('kafka', 'cluster', 'create', 'other', '--cloud', 'aws', '--region', 'local')).id;
    const foreign = await stack.json<{ key: string; secret: string }>('api-key', 'create', '--service-account', sa, '--resource', other);
    const { producer } = oauthProducer(foreign);
    // kafkajs does not read the broker's OAUTHBEARER error challenge: the refusal shows on the first request
    await expect((async () => {
      await producer.connect();
      await producer.send({ topic: 'orders', messages: [{ value: 'foreign' }] });
    })()).rejects.toThrow();
    await eventually('the validator names the audience', async () => stack.broker.log().includes(`Expected ${stack.lkc} as an aud value`));
  }, 60_000);

  it("the Java client with the README's settings: Kafka's OAuthBearerLoginCallbackHandler gets the token from keyward, the secret from ${env:…}", async () => {
    const k = await stack.apiKey(sa);
    const tokenUrl = `${stack.primary.url}/oauth2/token`;
    const file = join(stack.broker.dir, 'oauth-client.properties');
    writeFileSync(file, [
      'security.protocol=SASL_PLAINTEXT',
      'sasl.mechanism=OAUTHBEARER',
      'sasl.login.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
      `sasl.oauthbearer.token.endpoint.url=${tokenUrl}`,
      'config.providers=env',
      'config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider',
      `sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="${k.key}" clientSecret="\${env:KAFKA_API_SECRET}" scope="kafka";`,
      '',
    ].join('\n'), { mode: 0o600 });
    // Kafka 4 refuses a token endpoint it has not been told to trust
    const untrusted = await startJavaClientWith(stack.broker, { propertiesFile: file, env: { KAFKA_API_SECRET: k.secret } }).then(
      async (c) => {
        javaClients.push(c);
        return JSON.stringify(await c.produce('orders', 'untrusted')) + c.stderr();
      },
      (error: Error) => error.message,
    );
    expect(untrusted).toContain('org.apache.kafka.sasl.oauthbearer.allowed.urls');
    const client = await startJavaClientWith(stack.broker, { propertiesFile: file, env: { KAFKA_API_SECRET: k.secret }, jvmProperties: { 'org.apache.kafka.sasl.oauthbearer.allowed.urls': tokenUrl } });
    javaClients.push(client);
    const produced = await eventually('produce with the Java client over OAUTHBEARER', async () => {
      const answer = await client.produce('orders', 'java-oauth');
      return answer.ok ? answer : undefined;
    }, 15_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${client.stderr().slice(-3000)}`);
    });
    expect(produced.ok).toBe(true);
    expect(await client.produce('payments', 'x')).toMatchObject({ ok: false, error: 'TopicAuthorizationException' });
    await brokerEvents(stack, k.key, (e) => e.data.methodName === 'kafka.Produce' && e.data.authenticationInfo?.metadata.mechanism === 'SASL_PLAINTEXT/OAUTHBEARER');
  }, 60_000);
});

/**
 * Revocation latency and new-key latency at the broker, with kafkajs (a real Kafka client, in this
 * process, so both ends of every interval are read from one clock).
 *
 * Revocation: every trial's key has a producer with an open connection (opened before the first
 * trial). The producer sends one record after another on that connection; meanwhile the key is
 * disabled (`POST /keyward/v1/api-keys/{id}/disable`) or deleted (`DELETE /iam/v2/api-keys/{id}`),
 * alternately. Latency: from the moment the 2xx of that call has arrived to the moment the first
 * refused Produce answer arrives. 0 or less means the refusal came before the 2xx did. A trial
 * whose client opened a new connection meanwhile does not count as a refusal on an open connection.
 *
 * New key: a service account with a role binding made beforehand; `POST /iam/v2/api-keys`, then,
 * from the moment its 201 has arrived, login attempts one after another (a new connection each:
 * SASL/PLAIN with the new key) until one succeeds and its first Produce is answered.
 */
import type { Producer } from 'kafkajs';
import { kafkajsClient, type CountingKafka } from '../../test/helpers/kafka-clients.js';
import { createTopics, plain } from './brokers.js';
import type { Credentials } from './keyward.js';
import { accountPool, type Stack } from './stack.js';
import { sleep, summarize, type Summary } from './stats.js';

const TRIAL_TIMEOUT_MS = 10_000;

export interface RevocationTrial {
  kind: 'disable' | 'delete';
  /** the revoking call's own duration (request sent → 2xx arrived), ms */
  callMs: number;
  /** 2xx arrived → first refused request arrived, ms; null: no refusal within the bound */
  latencyMs: number | null;
  /** records the open connection had produced before the refusal */
  produced: number;
  error: string | null;
  /** the client's error for the refused request */
  refusal: string | null;
  /** connections the client opened during the trial (0: the refusal came on the open connection) */
  newConnections: number;
}

export interface RevocationResult {
  trials: RevocationTrial[];
  summary: Summary | null;
  byKind: Record<'disable' | 'delete', Summary | null>;
  failed: number;
}

export interface NewKeyTrial {
  /** POST /iam/v2/api-keys: request sent → 201 arrived, ms */
  createMs: number;
  /** 201 arrived → first Produce with the new key answered, ms; null: not within the bound */
  latencyMs: number | null;
  /** login attempts refused before the one that succeeded */
  refusedLogins: number;
  error: string | null;
}

export interface NewKeyResult {
  trials: NewKeyTrial[];
  summary: Summary | null;
  failed: number;
}

/** The message chain of a kafkajs error (KafkaJSNonRetriableError wraps the protocol error). */
function describe(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    const x = e as { name?: string; type?: string; message?: string; cause?: unknown; originalError?: unknown };
    parts.push([x.name, x.type, x.message].filter(Boolean).join(' '));
    e = x.cause ?? x.originalError;
  }
  return parts.join(' <- ');
}

const isAuthorizationRefusal = (error: unknown) => /AUTHORIZATION_FAILED|not authorized/i.test(describe(error));

interface OpenProducer {
  key: Credentials;
  client: CountingKafka;
  producer: Producer;
}

const send = (producer: Producer, topic: string, value: string) => producer.send({ topic, acks: 1, messages: [{ value }] });

async function openProducer(stack: Stack, key: Credentials, topic: string): Promise<OpenProducer> {
  const client = kafkajsClient(stack.broker, { mechanism: 'plain', ...plain(key) }, 'keyward-bench-revocation');
  const producer = client.kafka.producer({ allowAutoTopicCreation: false, idempotent: false, maxInFlightRequests: 1 });
  const deadline = Date.now() + TRIAL_TIMEOUT_MS;
  for (;;) {
    try {
      await producer.connect();
      await send(producer, topic, 'open');
      return { key, client, producer };
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`a producer with key ${key.key} could not produce: ${describe(error)}`);
      await sleep(50);
    }
  }
}

export async function measureRevocation(stack: Stack, trials: number, log: (line: string) => void): Promise<RevocationResult> {
  const topic = 'bench-revocation';
  const nextAccount = accountPool(stack, 'bench-revocation', 'DeveloperWrite', topic);
  await createTopics(stack.broker, plain(stack.setup.brokerKey), [topic]);
  const open: OpenProducer[] = [];
  try {
    for (let i = 0; i < trials; i++) open.push(await openProducer(stack, (await stack.keyward.createKey(await nextAccount(), stack.setup.cluster)).body, topic));
    log(`  ${open.length} producers with open connections, one key each`);
    const results: RevocationTrial[] = [];
    for (const [i, p] of open.entries()) {
      const kind = i % 2 === 0 ? 'disable' : 'delete';
      const connectionsBefore = p.client.sockets();
      let produced = 0;
      let refusedAt: number | undefined;
      let error: string | null = null;
      const probe = (async () => {
        const deadline = Date.now() + TRIAL_TIMEOUT_MS;
        while (Date.now() < deadline) {
          try {
            await send(p.producer, topic, 'x');
            produced++;
          } catch (e) {
            refusedAt = performance.now();
            error = describe(e);
            if (!isAuthorizationRefusal(e)) refusedAt = undefined;
            return;
          }
        }
        error = `no refusal within ${TRIAL_TIMEOUT_MS} ms`;
      })();
      // revoke at a random moment of the producer's stream of requests
      await sleep(30 + Math.random() * 120);
      const sent = performance.now();
      const answer = kind === 'disable'
        ? await stack.keyward.api('POST', `/keyward/v1/api-keys/${p.key.key}/disable`)
        : await stack.keyward.api('DELETE', `/iam/v2/api-keys/${p.key.key}`);
      await probe;
      const newConnections = p.client.sockets() - connectionsBefore;
      const latencyMs = refusedAt !== undefined && newConnections === 0 ? Number((refusedAt - answer.at).toFixed(2)) : null;
      results.push({ kind, callMs: Number((answer.at - sent).toFixed(2)), latencyMs, produced, error: latencyMs === null ? (error ?? 'refused after a reconnect') : null, refusal: latencyMs === null ? null : error, newConnections });
      await p.producer.disconnect().catch(() => undefined);
    }
    const latencies = (kind?: 'disable' | 'delete') => results.filter((r) => (!kind || r.kind === kind) && r.latencyMs !== null).map((r) => r.latencyMs as number);
    const summaryOf = (values: number[]) => (values.length > 0 ? summarize(values) : null);
    return {
      trials: results,
      summary: summaryOf(latencies()),
      byKind: { disable: summaryOf(latencies('disable')), delete: summaryOf(latencies('delete')) },
      failed: results.filter((r) => r.latencyMs === null).length,
    };
  } finally {
    await Promise.all(open.map((p) => p.producer.disconnect().catch(() => undefined)));
  }
}

export async function measureNewKey(stack: Stack, trials: number, log: (line: string) => void): Promise<NewKeyResult> {
  const topic = 'bench-new-key';
  const nextAccount = accountPool(stack, 'bench-new-key', 'DeveloperWrite', topic);
  await createTopics(stack.broker, plain(stack.setup.brokerKey), [topic]);
  const results: NewKeyTrial[] = [];
  for (let i = 0; i < trials; i++) {
    // the service account and its role binding exist before the key (the first key of each account too)
    const account = await nextAccount();
    await sleep(100);
    const sent = performance.now();
    const created = await stack.keyward.createKey(account, stack.setup.cluster);
    let refusedLogins = 0;
    let latencyMs: number | null = null;
    let error: string | null = null;
    const deadline = created.at + TRIAL_TIMEOUT_MS;
    while (performance.now() < deadline) {
      const client = kafkajsClient(stack.broker, { mechanism: 'plain', ...plain(created.body) }, 'keyward-bench-new-key');
      const producer = client.kafka.producer({ allowAutoTopicCreation: false, idempotent: false });
      try {
        await producer.connect();
        await send(producer, topic, 'new');
        latencyMs = Number((performance.now() - created.at).toFixed(2));
        break;
      } catch (e) {
        refusedLogins++;
        error = describe(e);
      } finally {
        await producer.disconnect().catch(() => undefined);
      }
    }
    results.push({ createMs: Number((created.at - sent).toFixed(2)), latencyMs, refusedLogins, error: latencyMs === null ? error : null });
    await sleep(20 + Math.random() * 80);
  }
  log(`  ${results.filter((r) => r.refusedLogins > 0).length} of ${results.length} new keys were refused at least once before they worked`);
  const values = results.filter((r) => r.latencyMs !== null).map((r) => r.latencyMs as number);
  return { trials: results, summary: values.length > 0 ? summarize(values) : null, failed: results.filter((r) => r.latencyMs === null).length };
}

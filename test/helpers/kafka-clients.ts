import { spawn } from 'node:child_process';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Kafka, logLevel, type ISocketFactory, type SASLOptions } from 'kafkajs';
import { BROKER_LIBS, ROOT, type KafkaBroker } from './kafka-broker.js';

const CLIENTS = join(ROOT, 'test/kafka/clients');

export interface JavaAnswer {
  ok: boolean;
  /** connections the client has opened so far (the Java client's connection-creation-total) */
  connections: number;
  error?: string;
  message?: string;
  values?: string[];
  acls?: Array<{ principal: string; host: string; operation: string; permission: string; resource_type: string; resource_name: string; pattern_type: string }>;
}

export interface JavaClient {
  produce(topic: string, value: string): Promise<JavaAnswer>;
  fetch(topic: string, min?: number, timeoutMs?: number): Promise<JavaAnswer>;
  /** DescribeAcls with the ANY filter (what `kafka-acls --list` sends) */
  describeAcls(): Promise<JavaAnswer>;
  /** CreateAcls: one ALLOW on a literal topic */
  createAcl(principal: string, topic: string, operation: string): Promise<JavaAnswer>;
  close(): Promise<void>;
  stderr(): string;
}

/**
 * Kafka's Java client (from the broker's own jars) on one set of long-lived connections: each call is
 * the next request on the same connections, and every answer says how many it has opened so far.
 */
export async function startJavaClient(broker: KafkaBroker, username: string, password: string): Promise<JavaClient> {
  return startJavaClientWith(broker, { user: username, env: { KAFKA_PASSWORD: password } });
}

/**
 * The same client with its security settings from a client properties file (`propertiesFile`), its
 * own environment and JVM system properties (e.g. org.apache.kafka.sasl.oauthbearer.allowed.urls).
 */
export async function startJavaClientWith(
  broker: KafkaBroker,
  options: { user?: string; propertiesFile?: string; env?: NodeJS.ProcessEnv; jvmProperties?: Record<string, string> },
): Promise<JavaClient> {
  const who = options.propertiesFile ? `@${options.propertiesFile}` : (options.user as string);
  const jvm = Object.entries(options.jvmProperties ?? {}).map(([k, v]) => `-D${k}=${v}`);
  const child = spawn(
    'java',
    ['-Xmx128m', '-XX:TieredStopAtLevel=1', `-Dlog4j2.configurationFile=${join(CLIENTS, 'log4j2-client.properties')}`, ...jvm, '-cp', join(BROKER_LIBS, '*'), join(CLIENTS, 'OpenConnectionClient.java'), broker.bootstrap, who],
    { env: { PATH: process.env.PATH, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<(line: string | null) => void> = [];
  const queued: string[] = [];
  let exited = false;
  lines.on('line', (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else queued.push(line);
  });
  child.stdin.on('error', () => undefined);
  child.once('exit', () => {
    exited = true;
    for (const next of waiting.splice(0)) next(null);
  });
  const nextAnswer = (timeoutMs: number) =>
    new Promise<JavaAnswer>((r, reject) => {
      const timer = setTimeout(() => reject(new Error(`the Java client did not answer within ${timeoutMs} ms: ${stderr.slice(-2000)}`)), timeoutMs);
      const take = (line: string | null) => {
        clearTimeout(timer);
        if (line === null) reject(new Error(`the Java client exited: ${stderr.slice(-3000)}`));
        else r(JSON.parse(line) as JavaAnswer);
      };
      const ready = queued.shift();
      if (ready !== undefined) take(ready);
      else if (exited) take(null);
      else waiting.push(take);
    });
  const call = async (command: Record<string, unknown>, timeoutMs = 20_000) => {
    child.stdin.write(JSON.stringify(command) + '\n');
    return nextAnswer(timeoutMs);
  };
  try {
    await nextAnswer(30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    produce: (topic, value) => call({ op: 'produce', topic, value }),
    fetch: (topic, min = 1, timeoutMs = 5000) => call({ op: 'fetch', topic, min, timeout_ms: timeoutMs }, timeoutMs + 15_000),
    describeAcls: () => call({ op: 'describe_acls' }),
    createAcl: (principal, topic, operation) => call({ op: 'create_acl', principal, topic, operation }),
    stderr: () => stderr,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin.end(JSON.stringify({ op: 'close' }) + '\n');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface CountingKafka {
  kafka: Kafka;
  /** TCP connections this client has opened so far */
  sockets(): number;
}

/** A kafkajs client that counts the TCP connections it opens (so a test can tell a reconnect). */
export function kafkajsClient(broker: KafkaBroker, sasl: SASLOptions, clientId = 'keyward-test'): CountingKafka {
  let opened = 0;
  const socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    opened++;
    const socket = tcpConnect({ host, port }, onConnect);
    socket.setKeepAlive(true, 30_000);
    return socket;
  };
  const kafka = new Kafka({
    clientId,
    brokers: [broker.bootstrap],
    sasl,
    ssl: false,
    socketFactory,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5000,
    authenticationTimeout: 5000,
    requestTimeout: 10_000,
    retry: { retries: 0 },
  });
  return { kafka, sockets: () => opened };
}

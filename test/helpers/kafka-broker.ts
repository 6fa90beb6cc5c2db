import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, delimiter, join, resolve } from 'node:path';

/**
 * A real Apache Kafka 4.1.2 broker for the tests and the benchmark: single-node KRaft, broker and
 * controller in one JVM, on free loopback ports, with its own storage and log file.
 * KEYWARD_KEEP_KAFKA=1 keeps each broker's directory (server.properties, broker.log, data) for a look
 * after the run; KEYWARD_KAFKA_PLUGIN_JAR puts another plugin jar on the classpath.
 */

// test/helpers/ under vitest, dist/test/helpers/ when built into the benchmark (npm run bench:kafka)
export const ROOT = resolve(import.meta.dirname, basename(resolve(import.meta.dirname, '../..')) === 'dist' ? '../../..' : '../..');
export const BROKER_POM = join(ROOT, 'test/kafka/broker/pom.xml');
export const BROKER_LIBS = join(ROOT, 'test/kafka/broker/target/libs');
export const BROKER_LOG4J = join(ROOT, 'test/kafka/broker/log4j2.properties');
/** The plugin jar (KEYWARD_KAFKA_PLUGIN_JAR overrides, e.g. a jar built elsewhere). */
export const PLUGIN_JAR = process.env.KEYWARD_KAFKA_PLUGIN_JAR ?? join(ROOT, 'kafka/target/keyward-kafka.jar');

/** Is `command` an executable on PATH? (A lookup, not a launch: a JVM start can take seconds on a busy machine.) */
function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export const javaInstalled = onPath('java');
export const kcatInstalled = onPath('kcat');
const mavenInstalled = onPath('mvn');

/**
 * Can the real-broker tests run here (Java 17, Maven or the jars already fetched, kcat)? CI installs
 * all of it and sets KEYWARD_REQUIRE_KAFKA=1, so there nothing is skipped.
 */
export const kafkaAvailable = javaInstalled && kcatInstalled && (mavenInstalled || existsSync(join(BROKER_LIBS, 'kafka_2.13-4.1.2.jar')));
if (!kafkaAvailable) {
  const missing = [!javaInstalled && 'java', !kcatInstalled && 'kcat', !mavenInstalled && 'mvn'].filter(Boolean).join(', ');
  if (process.env.KEYWARD_REQUIRE_KAFKA === '1') throw new Error(`the real-broker tests are required (KEYWARD_REQUIRE_KAFKA=1) but ${missing} is missing`);
  process.stderr.write(`\n*** ${missing} not found: the real Kafka broker suites are SKIPPED ***\n\n`);
}

/** The broker's jars from Maven Central (cached in ~/.m2): `npm run kafka:broker`, here on first use. */
export function ensureBrokerLibs(): void {
  if (existsSync(join(BROKER_LIBS, 'kafka_2.13-4.1.2.jar'))) return;
  const result = spawnSync('mvn', ['-q', '-B', '-f', BROKER_POM, 'package'], { stdio: 'inherit', timeout: 300_000 });
  if (result.status !== 0) throw new Error(`could not fetch the Kafka broker jars (mvn -f ${BROKER_POM} package)`);
}

/** The plugin jar; built (without its unit tests) when absent. CI builds it with its tests first. */
export function ensurePluginJar(): void {
  if (existsSync(PLUGIN_JAR)) return;
  const result = spawnSync('mvn', ['-q', '-B', '-f', join(ROOT, 'kafka/pom.xml'), '-Dmaven.test.skip=true', 'package'], { stdio: 'inherit', timeout: 300_000 });
  if (result.status !== 0) throw new Error('could not build kafka/target/keyward-kafka.jar');
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  return port;
}

/** Does 127.0.0.1:port accept a TCP connection within `ms`? */
export function tcpOpen(port: number, ms = 1000): Promise<boolean> {
  return new Promise((r) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      r(open);
    };
    socket.setTimeout(ms, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface BrokerOptions {
  /** Broker properties on top of the single-node KRaft base (they override it). */
  properties?: Record<string, string>;
  /** Put kafka/target/keyward-kafka.jar on the classpath. */
  plugin?: boolean;
  /** JVM system properties (-Dname=value). */
  jvmProperties?: Record<string, string>;
  /** Maximum heap, default 512m. */
  heap?: string;
  /** Wait until the SASL listener accepts connections (default true). */
  waitReady?: boolean;
  /** Bound of that wait, default 90 s. */
  readyTimeoutMs?: number;
}

export interface KafkaBroker {
  /** `127.0.0.1:PORT`, the SASL_PLAINTEXT listener */
  bootstrap: string;
  port: number;
  controllerPort: number;
  dir: string;
  logFile: string;
  /** The broker's log so far. */
  log(): string;
  alive(): boolean;
  pid(): number | undefined;
  /** Resolves once the listener accepts connections; rejects after `ms` or when the broker exits. */
  waitReady(ms?: number): Promise<void>;
  /** SIGTERM, then SIGKILL after 20 s. Storage stays until `destroy()`. */
  stop(): Promise<void>;
  /** Stops (if running) and starts again on the same storage and ports. */
  restart(options?: { waitReady?: boolean; properties?: Record<string, string> }): Promise<void>;
  /** Stops and removes the storage. */
  destroy(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const child of running) child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

function baseProperties(dir: string, port: number, controllerPort: number): Record<string, string> {
  return {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `SASL_PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `SASL_PLAINTEXT://127.0.0.1:${port}`,
    'listener.security.protocol.map': 'SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'SASL_PLAINTEXT',
    'sasl.mechanism.inter.broker.protocol': 'PLAIN',
    'log.dirs': join(dir, 'data'),
    'num.partitions': '1',
    'offsets.topic.replication.factor': '1',
    'offsets.topic.num.partitions': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'transaction.state.log.num.partitions': '1',
    'share.coordinator.state.topic.replication.factor': '1',
    'share.coordinator.state.topic.min.isr': '1',
    'group.initial.rebalance.delay.ms': '0',
    'auto.create.topics.enable': 'false',
  };
}

function propertiesText(properties: Record<string, string>): string {
  return Object.entries(properties)
    .map(([k, v]) => `${k}=${v.replaceAll('\\', '\\\\').replaceAll('\n', '\\n')}`)
    .join('\n') + '\n';
}

/** Parses a `key=value` block (e.g. what `keyward kafka cluster broker-config` prints); comments skipped. */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const at = line.indexOf('=');
    if (at < 0) continue;
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

export async function startKafkaBroker(options: BrokerOptions = {}): Promise<KafkaBroker> {
  ensureBrokerLibs();
  if (options.plugin) ensurePluginJar();
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), 'keyward-kafka-'));
  mkdirSync(join(dir, 'data'));
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  const logFile = join(dir, 'broker.log');
  const configFile = join(dir, 'server.properties');
  let extra = options.properties ?? {};
  const writeConfig = () => writeFileSync(configFile, propertiesText({ ...baseProperties(dir, port, controllerPort), ...extra }), { mode: 0o600 });
  writeConfig();
  const classpath = [join(BROKER_LIBS, '*'), ...(options.plugin ? [PLUGIN_JAR] : [])].join(':');
  const jvm = [
    `-Xmx${options.heap ?? '512m'}`,
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${BROKER_LOG4J}`,
    ...Object.entries(options.jvmProperties ?? {}).map(([k, v]) => `-D${k}=${v}`),
    '-cp',
    classpath,
  ];

  const clusterId = randomBytes(16).toString('base64url');
  // `--cluster-id=ID`, not `-t ID`: one id in 64 starts with '-', which the tool's parser takes for a flag
  const format = spawnSync('java', [...jvm, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', configFile], { encoding: 'utf8', timeout: 60_000 });
  if (format.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`kafka-storage format failed: ${format.stdout}${format.stderr}`);
  }

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const alive = () => !!child && child.exitCode === null && child.signalCode === null;
  const launch = () => {
    const fd = openSync(logFile, 'a');
    const proc = spawn('java', [...jvm, 'kafka.Kafka', configFile], { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    running.add(proc);
    exited = new Promise<void>((r) => proc.once('exit', () => {
      running.delete(proc);
      r();
    }));
    child = proc;
  };
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const waitReady = async (ms = options.readyTimeoutMs ?? 90_000) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (!alive()) throw new Error(`the Kafka broker exited (see ${logFile}):\n${log().slice(-4000)}`);
      if (/Kafka Server started/.test(log()) && (await tcpOpen(port, 500))) return;
      await sleep(250);
    }
    throw new Error(`the Kafka broker did not accept connections within ${ms} ms (see ${logFile}):\n${log().slice(-4000)}`);
  };
  const stop = async () => {
    if (!child || !alive()) return;
    const proc = child;
    proc.kill('SIGTERM');
    const killed = await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)]);
    if (!killed) {
      proc.kill('SIGKILL');
      await exited;
    }
  };

  launch();
  if (options.waitReady !== false) {
    try {
      await waitReady();
    } catch (error) {
      await stop();
      if (process.env.KEYWARD_KEEP_KAFKA !== '1') rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }
  return {
    bootstrap: `127.0.0.1:${port}`,
    port,
    controllerPort,
    dir,
    logFile,
    log,
    alive,
    pid: () => child?.pid,
    waitReady,
    stop,
    async restart(restartOptions = {}) {
      await stop();
      if (restartOptions.properties) {
        extra = { ...extra, ...restartOptions.properties };
        writeConfig();
      }
      writeFileSync(logFile, `${log()}\n==== restart ====\n`);
      launch();
      if (restartOptions.waitReady !== false) await waitReady();
    },
    async destroy() {
      await stop();
      if (process.env.KEYWARD_KEEP_KAFKA !== '1') rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Kafka's own StandardAuthorizer with static PLAIN users (the benchmark's baseline and the harness's self-test). */
export function standardAuthorizerProperties(users: Record<string, string>, admin = 'admin'): Record<string, string> {
  const password = users[admin];
  if (password === undefined) throw new Error(`users must include the admin "${admin}"`);
  const entries = Object.entries(users).map(([name, secret]) => `user_${name}="${secret}"`).join(' ');
  return {
    'sasl.enabled.mechanisms': 'PLAIN',
    'listener.name.sasl_plaintext.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required username="${admin}" password="${password}" ${entries};`,
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    // the broker reaches its own controller over the PLAINTEXT controller listener as ANONYMOUS
    'super.users': `User:${admin};User:ANONYMOUS`,
  };
}

/** Writes a kcat (librdkafka) configuration file for SASL/PLAIN and returns its path; removed with `dir`. */
export function kcatConfig(dir: string, username: string, password: string): string {
  const file = join(dir, `kcat-${randomBytes(4).toString('hex')}.conf`);
  writeFileSync(file, `security.protocol=SASL_PLAINTEXT\nsasl.mechanisms=PLAIN\nsasl.username=${username}\nsasl.password=${password}\n`, { mode: 0o600 });
  return file;
}

export interface KcatResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs Debian's kcat against the broker, bounded (default 20 s). */
export function kcat(broker: KafkaBroker, config: string, args: string[], input?: string, timeoutMs = 20_000): Promise<KcatResult> {
  return new Promise((r) => {
    const child = spawn('kcat', ['-b', broker.bootstrap, '-F', config, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      r({ code: code ?? (signal ? 137 : 1), stdout, stderr: stderr.replace(/^% Reading configuration from file .*\n/m, '') });
    });
    child.stdin.end(input ?? '');
  });
}

/**
 * The JDK tools the Kafka benchmark runs: Kafka's own ProducerPerformance (from the broker's
 * kafka-tools jar) as a child process, and jcmd for a broker's heap after a full GC.
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BROKER_LIBS, ROOT, type KafkaBroker } from '../../test/helpers/kafka-broker.js';
import { cleanup, processCpuSeconds } from '../processes.js';

const CLIENT_LOG4J = join(ROOT, 'test/kafka/clients/log4j2-client.properties');

export interface PerfResult {
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU seconds the broker process used during the run */
  brokerCpuSeconds: number | null;
  /** CPU seconds keyward used during the run (the plugin's broker only: its event ingest) */
  keywardCpuSeconds: number | null;
  wallSeconds: number;
  /** lines of the tool's output naming an exception (failed sends) */
  errors: string[];
}

const SUMMARY = /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th/;

/**
 * `ProducerPerformance --num-records N --record-size S --throughput -1` with acks=1 over SASL/PLAIN;
 * bounded (killed after `timeoutMs`).
 */
export async function producerPerformance(options: {
  dir: string;
  broker: KafkaBroker;
  topic: string;
  user: { username: string; password: string };
  records: number;
  recordSize: number;
  keywardPid?: number;
  /** more producer properties (they override the defaults below) */
  props?: Record<string, string>;
  timeoutMs?: number;
}): Promise<PerfResult> {
  const config = join(options.dir, `producer-${options.broker.port}.properties`);
  const jaas = `org.apache.kafka.common.security.plain.PlainLoginModule required username="${options.user.username}" password="${options.user.password}";`;
  writeFileSync(
    config,
    [`bootstrap.servers=${options.broker.bootstrap}`, 'security.protocol=SASL_PLAINTEXT', 'sasl.mechanism=PLAIN', `sasl.jaas.config=${jaas}`, 'acks=1', 'enable.idempotence=false', 'client.id=keyward-bench-perf',
      ...Object.entries(options.props ?? {}).map(([k, v]) => `${k}=${v}`), ''].join('\n'),
    { mode: 0o600 },
  );
  const brokerPid = options.broker.pid();
  const cpu = (pid: number | undefined) => (pid === undefined ? undefined : processCpuSeconds(pid));
  const brokerBefore = cpu(brokerPid);
  const keywardBefore = cpu(options.keywardPid);
  const started = performance.now();
  const child = spawn(
    'java',
    ['-Xmx512m', '-XX:+UseG1GC', `-Dlog4j2.configurationFile=${CLIENT_LOG4J}`, '-cp', join(BROKER_LIBS, '*'), 'org.apache.kafka.tools.ProducerPerformance',
      '--topic', options.topic, '--num-records', String(options.records), '--record-size', String(options.recordSize), '--throughput', '-1', '--producer.config', config],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } },
  );
  cleanup.track(child);
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const timeoutMs = options.timeoutMs ?? 180_000;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  clearTimeout(timer);
  const wallSeconds = (performance.now() - started) / 1000;
  const brokerAfter = cpu(brokerPid);
  const keywardAfter = cpu(options.keywardPid);
  const match = [...output.matchAll(new RegExp(SUMMARY, 'g'))].pop();
  if (code !== 0 || !match) throw new Error(`ProducerPerformance exited with ${code ?? 'a signal'} after ${wallSeconds.toFixed(0)} s:\n${output.slice(-3000)}`);
  const n = (i: number) => Number(match[i]);
  const diff = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? null : Number((b - a).toFixed(2)));
  return {
    records: n(1),
    recordsPerSec: n(2),
    mbPerSec: n(3),
    avgLatencyMs: n(4),
    maxLatencyMs: n(5),
    p50Ms: n(6),
    p99Ms: n(8),
    brokerCpuSeconds: diff(brokerBefore, brokerAfter),
    keywardCpuSeconds: diff(keywardBefore, keywardAfter),
    wallSeconds: Number(wallSeconds.toFixed(2)),
    errors: output.split('\n').filter((line) => /Exception|ERROR/.test(line)).slice(0, 5),
  };
}

function jcmd(pid: number, ...command: string[]): Promise<string> {
  return new Promise((r, reject) => {
    execFile('jcmd', [String(pid), ...command], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`jcmd ${pid} ${command.join(' ')}: ${stderr || error.message}`));
      else r(stdout);
    });
  });
}

export interface HeapFigures {
  /** heap in use after two full GCs (G1 `used`), bytes */
  usedAfterGcBytes: number;
  /** the committed heap, bytes */
  committedBytes: number;
  /** resident set size of the broker process, bytes */
  rssBytes: number | null;
}

/** The broker's live heap: `jcmd PID GC.run` twice, then `GC.heap_info`. */
export async function heapAfterGc(pid: number): Promise<HeapFigures> {
  await jcmd(pid, 'GC.run');
  await new Promise((r) => setTimeout(r, 300));
  await jcmd(pid, 'GC.run');
  const info = await jcmd(pid, 'GC.heap_info');
  const heap = /garbage-first heap\s+total (?:reserved \d+K, committed )?(\d+)K, used (\d+)K/.exec(info);
  if (!heap) throw new Error(`jcmd GC.heap_info: unexpected answer:\n${info}`);
  let rssBytes: number | null = null;
  try {
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (rss) rssBytes = Number(rss[1]) * 1024;
  } catch {
    rssBytes = null;
  }
  return { committedBytes: Number(heap[1]) * 1024, usedAfterGcBytes: Number(heap[2]) * 1024, rssBytes };
}

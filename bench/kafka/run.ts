/**
 * `npm run bench:kafka`: keyward's Kafka broker plugin on a real Apache Kafka 4.1.2 broker, on
 * loopback, in one run — produce throughput against Kafka's StandardAuthorizer (A/B alternated),
 * revocation latency on open connections, new-key latency, and a 100,000-key replica's load time and
 * heap. Prints a table and writes bench/results/kafka-<ISO timestamp>.json. See docs/benchmark.md.
 *
 * Environment: BENCH_KAFKA_QUICK=1, BENCH_KAFKA_ONLY=throughput,revocation,new-key,replica,
 * BENCH_KAFKA_RECORDS, BENCH_KAFKA_RECORD_SIZE, BENCH_KAFKA_WARMUP_ROUNDS, BENCH_KAFKA_ROUNDS,
 * BENCH_KAFKA_HAYSTACK, BENCH_KAFKA_TRIALS, BENCH_KAFKA_REPLICA_KEYS, BENCH_KAFKA_REPLICA_BINDINGS,
 * BENCH_KAFKA_HEAP, BENCH_KAFKA_PRODUCER_PROPS, BENCH_KAFKA_WAIT_QUIET.
 */
import { resolve } from 'node:path';
import { ensureBrokerLibs, ensurePluginJar, javaInstalled } from '../../test/helpers/kafka-broker.js';
import { cleanup } from '../processes.js';
import { machine } from '../report.js';
import { measureReplicaLoad } from './replica-load.js';
import { evaluate, renderTable, rows, writeResults, type Outcomes } from './report.js';
import { measureNewKey, measureRevocation } from './revocation.js';
import { settingsFromEnv, type ScenarioId } from './settings.js';
import { startStack, type Stack } from './stack.js';
import { otherBusyCores, waitQuiet } from './stats.js';
import { measureThroughput } from './throughput.js';

const RESULTS_DIR = resolve(import.meta.dirname, '../../../bench/results');
const log = (line: string) => console.error(line);

function describeSettingsEnv(): string {
  const vars = Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_KAFKA_')).map(([k, v]) => `${k}=${v}`);
  return [...vars, 'npm run bench:kafka'].join(' ');
}

async function main(): Promise<number> {
  if (!javaInstalled) throw new Error('bench:kafka needs Java 17 (java on PATH)');
  const settings = settingsFromEnv();
  const startedAt = new Date();
  const m = machine();
  log(`keyward bench:kafka: ${m.cpus} CPUs (${m.cpuModel}), node ${m.node}${settings.quick ? ', quick mode' : ''}; scenarios ${[...settings.only].join(', ')}`);
  ensureBrokerLibs();
  ensurePluginJar();
  const busyBeforeRun = (await otherBusyCores()) ?? null;
  if (busyBeforeRun !== null) log(`  before the run other processes kept ${busyBeforeRun} of ${m.cpus} cores busy` + (busyBeforeRun > 0.2 ? ' — they will skew the figures' : ''));

  cleanup.installSignalHandlers();
  const outcomes: Outcomes = { failed: {}, busyBefore: {} };
  const step = async (id: ScenarioId, body: () => Promise<void>) => {
    if (!settings.only.has(id)) return;
    outcomes.busyBefore[id] = (await waitQuiet(settings.waitQuiet, log)) ?? null;
    log(`- ${id}`);
    const started = performance.now();
    try {
      await body();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcomes.failed[id] = message.split('\n')[0] ?? message;
      log(`  FAILED: ${message}`);
    }
    log(`  (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  };

  let stack: Stack | undefined;
  try {
    if (settings.only.has('throughput') || settings.only.has('revocation') || settings.only.has('new-key')) {
      stack = await startStack(settings.heap, log);
      const s = stack;
      await step('throughput', async () => {
        outcomes.throughput = await measureThroughput(s, settings, log);
      });
      await step('revocation', async () => {
        outcomes.revocation = await measureRevocation(s, settings.trials, log);
      });
      await step('new-key', async () => {
        outcomes['new-key'] = await measureNewKey(s, settings.trials, log);
      });
      await stack.close();
      stack = undefined;
    }
    await step('replica', async () => {
      outcomes.replica = await measureReplicaLoad(settings, log);
    });
  } finally {
    await stack?.close().catch(() => undefined);
    await cleanup.all();
  }

  const targets = evaluate(outcomes, settings);
  const table = rows(outcomes, settings, targets);
  const command = describeSettingsEnv();
  const file = writeResults(RESULTS_DIR, { startedAt, finishedAt: new Date(), settings, machine: { ...m, busyCoresBeforeRun: busyBeforeRun }, command }, outcomes, targets, table);
  const minutes = ((Date.now() - startedAt.getTime()) / 60_000).toFixed(1);
  console.log('');
  console.log(`keyward bench:kafka — Apache Kafka 4.1.2, single-node KRaft on loopback, ${m.cpus} CPUs, ${minutes} min; \`${command}\``);
  console.log(`cores other processes kept busy before the run: ${busyBeforeRun ?? '?'}; before each scenario: ${Object.entries(outcomes.busyBefore).map(([k, v]) => `${k} ${v ?? '?'}`).join(', ')}`);
  console.log('');
  console.log(renderTable(table));
  const busy = Object.entries(outcomes.busyBefore).filter(([, v]) => (v ?? 0) > 0.2).map(([k, v]) => `${k} ${v}`);
  const others = outcomes.throughput?.maxOtherCores ?? 0;
  if (busy.length > 0 || others > 0.2) {
    console.log(`! other processes kept cores busy (${[...busy.map((b) => `before ${b}`), ...(others > 0.2 ? [`during a throughput run up to ${others}`] : [])].join(', ')}): figures skewed; rerun on a quiet machine`);
  }
  console.log('');
  console.log('Targets:');
  for (const t of targets) console.log(`  ${t.met ? 'met   ' : 'MISSED'}  ${t.scenario}: ${t.target} — ${t.value === null ? 'no value' : t.value}`);
  console.log('');
  console.log(`Results: ${file}`);
  return Object.keys(outcomes.failed).length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(error);
    await cleanup.all();
    process.exit(1);
  },
);

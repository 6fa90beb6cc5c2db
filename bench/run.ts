/**
 * `npm run bench`: starts the servers (bare Fastify baseline, keyward in its audit modes, keyward
 * with 1,000,000 keys, with 10k ACLs and bindings, keyward on PostgreSQL, one and two instances),
 * creates keys, measures every scenario (autocannon, or a probe of its own), prints a table of the
 * measurements and one of issue 10's targets, and writes bench/results/<ISO timestamp>.json.
 * See docs/benchmark.md.
 *
 * Environment: BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 3), BENCH_CONNECTIONS
 * (default 50), BENCH_KEYS (default 100), BENCH_MILLION_KEYS (default 1000000),
 * BENCH_SKIP_MILLION=1, BENCH_ONLY=id,id (baselines run when a selected scenario needs them),
 * BENCH_POSTGRES_URL (default the local server, user postgres), BENCH_SKIP_POSTGRES=1,
 * BENCH_FLOOD_SECONDS (default 10), BENCH_FLOOD_RATE, BENCH_FLOOD_CLIENT_RATE, BENCH_SERVER_NODE_ARGS
 * (node flags for the keyward servers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"),
 * BENCH_WAIT_QUIET=S (before each scenario, wait up to S seconds for other processes to go quiet).
 */
import { resolve } from 'node:path';
import { Fixtures, type Settings } from './fixtures.js';
import { measure, type Measurement } from './load.js';
import { DEFAULT_POSTGRES_URL, postgresUnavailable } from './postgres.js';
import { cleanup, machineCpuSeconds } from './processes.js';
import { evaluateTargets, machine, notes, table, targetTable, writeResults, type ScenarioOutcome } from './report.js';
import { SCENARIOS } from './scenarios.js';

const RESULTS_DIR = resolve(import.meta.dirname, '../../bench/results');

function numberFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${name}=${raw}: use a number from ${min} to ${max}`);
  return n;
}

const enabled = (name: string) => process.env[name] === '1' || process.env[name] === 'true';

async function settingsFromEnv(): Promise<Settings> {
  const adminUrl = process.env.BENCH_POSTGRES_URL || DEFAULT_POSTGRES_URL;
  return {
    duration: numberFromEnv('BENCH_DURATION', 10, 1, 600),
    warmup: numberFromEnv('BENCH_WARMUP', 3, 0, 120),
    connections: Math.round(numberFromEnv('BENCH_CONNECTIONS', 50, 1, 1000)),
    keys: Math.round(numberFromEnv('BENCH_KEYS', 100, 1, 10_000)),
    millionKeys: Math.round(numberFromEnv('BENCH_MILLION_KEYS', 1_000_000, 1_000, 10_000_000)),
    skipMillion: enabled('BENCH_SKIP_MILLION'),
    postgres: { adminUrl, skip: enabled('BENCH_SKIP_POSTGRES') ? 'BENCH_SKIP_POSTGRES=1' : await postgresUnavailable(adminUrl) },
    flood: {
      seconds: numberFromEnv('BENCH_FLOOD_SECONDS', 10, 1, 600),
      floodRate: Math.round(numberFromEnv('BENCH_FLOOD_RATE', 4000, 1, 100_000)),
      floodConnections: 16,
      floodAddresses: 4,
      clientRate: Math.round(numberFromEnv('BENCH_FLOOD_CLIENT_RATE', 500, 1, 10_000)),
      clientConnections: 8,
    },
  };
}

const log = (line: string) => console.error(line);

function summary(m: Measurement): string {
  const database = m.databaseCores !== undefined ? `, PostgreSQL ${m.databaseCores} cores` : '';
  return `${m.reqPerSec.toFixed(0)} req/s, p50 ${m.latencyMs.p50} ms, p99 ${m.latencyMs.p99} ms, server ${m.serverCores ?? '?'} cores${database}, autocannon ${m.loadGeneratorCpuSeconds} CPU s, other processes ${m.otherCores ?? '?'} cores`;
}

/** Busy cores of the whole machine over one second. */
async function busyCores(cores: number): Promise<number | undefined> {
  const before = machineCpuSeconds();
  await new Promise((r) => setTimeout(r, 1000));
  const after = machineCpuSeconds();
  return before && after ? Number(((after.busy - before.busy) / ((after.total - before.total) / cores)).toFixed(2)) : undefined;
}

/** With BENCH_WAIT_QUIET=S, waits up to S seconds for the machine to be nearly idle (shared machines). */
async function waitQuiet(cores: number, seconds: number): Promise<void> {
  if (seconds <= 0) return;
  const until = Date.now() + seconds * 1000;
  let busy = await busyCores(cores);
  if (busy === undefined || busy <= 0.25) return;
  log(`  waiting up to ${seconds} s for the machine to be quiet (${busy} cores busy)`);
  while (busy !== undefined && busy > 0.25 && Date.now() < until) busy = await busyCores(cores);
  log(`  ${busy} cores busy: starting`);
}

async function main(): Promise<number> {
  const settings = await settingsFromEnv();
  const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : undefined;
  // Baselines run when a selected throughput scenario needs them (a probe alone runs without them).
  const selected = SCENARIOS.filter((s) => !s.baseline && (!only || only.has(s.id)));
  const scenarios = SCENARIOS.filter((s) => (s.baseline ? selected.some((x) => x.prepare) : selected.includes(s)));
  const startedAt = new Date();
  const machineAtStart = machine();
  log(`keyward bench: ${machineAtStart.cpus} CPUs (${machineAtStart.cpuModel}), node ${machineAtStart.node}`);
  log(`  ${settings.duration} s per scenario after ${settings.warmup} s of warm-up, ${settings.connections} connections, ${settings.keys} keys` + (settings.skipMillion ? ', million-key scenario skipped' : ''));
  if (settings.postgres.skip) log(`  PostgreSQL scenarios skipped: ${settings.postgres.skip}`);

  const busyBeforeRun = await busyCores(machineAtStart.cpus);
  const quietWait = numberFromEnv('BENCH_WAIT_QUIET', 0, 0, 3600);
  if (busyBeforeRun !== undefined) {
    log(`  before the run ${busyBeforeRun} of ${machineAtStart.cpus} cores were busy` + (busyBeforeRun > 0.2 ? ' — other work on this machine will skew the figures' : ''));
  }

  cleanup.installSignalHandlers();
  const fixtures = new Fixtures(settings, log);
  const outcomes: ScenarioOutcome[] = [];
  try {
    for (const [index, scenario] of scenarios.entries()) {
      const skip = scenario.skip?.(settings);
      if (skip) {
        outcomes.push({ scenario, skipped: skip });
        log(`- ${scenario.id}: skipped (${skip})`);
        continue;
      }
      try {
        if (scenario.probe) {
          await waitQuiet(machineAtStart.cpus, quietWait);
          log(`- ${scenario.id}: probe`);
          const probed = await scenario.probe(fixtures, settings);
          outcomes.push({ scenario, info: probed.info, ...(probed.parts ? { parts: probed.parts } : {}) });
          for (const part of probed.parts ?? []) log(`  ${part.label}: ${summary(part.measurement)}`);
          // nested objects of more than a few fields are in the JSON file
          log(`  ${JSON.stringify(probed.info, (k, v: unknown) => (k !== '' && typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 8 ? '…' : v))}`);
        } else {
          if (!scenario.prepare) throw new Error('a scenario needs prepare or probe');
          const load = await scenario.prepare(fixtures, settings);
          await waitQuiet(machineAtStart.cpus, quietWait);
          log(`- ${scenario.id}: ${settings.warmup} s warm-up + ${settings.duration} s on ${load.url}`);
          const measurement = await measure(load, settings);
          const info = { ...(load.info ?? {}), ...(load.after?.(measurement) ?? {}) };
          outcomes.push({ scenario, measurement, info });
          log(`  ${summary(measurement)}`);
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        outcomes.push({ scenario, failed: message.split('\n')[0] ?? message });
        log(`  FAILED: ${message}`);
      }
      // Stop the servers that no later scenario needs, so idle processes do not share the CPUs.
      const later = new Set(scenarios.slice(index + 1).filter((s) => !s.skip?.(settings)).flatMap((s) => s.fixtures));
      await fixtures.release(later);
    }
  } finally {
    await cleanup.all();
  }

  const targets = evaluateTargets(outcomes);
  const finishedAt = new Date();
  const file = writeResults(RESULTS_DIR, { startedAt, finishedAt, settings, machineAtStart: { ...machineAtStart, busyCoresBeforeRun: busyBeforeRun ?? null } }, outcomes, targets);
  console.log('');
  console.log(`keyward bench — ${machineAtStart.cpus} CPUs, node ${machineAtStart.node}, ${settings.duration} s/scenario, ${settings.connections} connections`);
  console.log('ratio req/s and ratio p99: against the baseline of the same request shape (column "vs": GET or POST);');
  console.log('req/s vs GET and p99 vs GET: against the GET baseline. Latencies with microsecond resolution, 2xx only.');
  console.log('CPU ratio: the same-shape baseline\'s server CPU µs/req over this one\'s (least moved by other work on the machine).');
  console.log('');
  console.log(table(outcomes));
  const extra = notes(outcomes);
  if (extra.length > 0) console.log(['', ...extra].join('\n'));
  console.log('');
  console.log(`Targets (issue 10): ${targets.filter((t) => t.met).length} of ${targets.length} met`);
  console.log('');
  console.log(targetTable(targets));
  console.log('');
  console.log(`Total time ${((finishedAt.getTime() - startedAt.getTime()) / 60_000).toFixed(1)} min. Results: ${file}`);
  return outcomes.some((o) => o.failed) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(error);
    await cleanup.all();
    process.exit(1);
  },
);

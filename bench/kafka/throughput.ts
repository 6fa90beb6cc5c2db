/**
 * Produce throughput: Kafka's own ProducerPerformance (acks=1, small records, a fixed record count)
 * through the broker with keyward's plugin (A) and through the same broker configuration with Kafka's
 * StandardAuthorizer, static PLAIN users and the same grants as ACLs (B). After warm-up rounds that are
 * thrown away, the runs alternate A, B, A, B… in this one process; the figure is the ratio of the medians.
 */
import { randomBytes } from 'node:crypto';
import { cleanup } from '../processes.js';
import { copyGrantsAsAcls, createTopics, plain, startStandardBroker } from './brokers.js';
import { producerPerformance, type PerfResult } from './jvm.js';
import type { KafkaBenchSettings } from './settings.js';
import { addHaystack, type Stack } from './stack.js';
import { median, otherCoresDuring, waitQuiet } from './stats.js';

export interface ThroughputResult {
  topic: string;
  grants: number;
  aclsOnBaseline: number;
  /** the runs thrown away */
  warmup: Array<{ broker: 'plugin' | 'standard'; round: number; otherCores: number | null } & PerfResult>;
  runs: Array<{ broker: 'plugin' | 'standard'; round: number; otherCores: number | null } & PerfResult>;
  /** the most cores other processes kept busy during one measured run */
  maxOtherCores: number | null;
  /** median of the per-round ratios */
  medianRoundRatio: number;
  plugin: { medianRecordsPerSec: number; medianP99Ms: number; brokerCpuUsPerRecord: number | null; keywardCpuSeconds: number | null };
  standard: { medianRecordsPerSec: number; medianP99Ms: number; brokerCpuUsPerRecord: number | null };
  /** median records/s through the plugin over the baseline's */
  ratio: number;
  /** per round: plugin records/s over the baseline's in the same round */
  roundRatios: number[];
  /** the baseline broker's CPU per record over the plugin broker's (> 1: the plugin's broker spends less) */
  cpuRatio: number | null;
  errors: string[];
}

const TOPIC = 'bench-perf';

function cpuPerRecord(runs: PerfResult[]): number | null {
  const values = runs.filter((r) => r.brokerCpuSeconds !== null).map((r) => ((r.brokerCpuSeconds as number) * 1e6) / r.records);
  return values.length > 0 ? Number(median(values).toFixed(3)) : null;
}

export async function measureThroughput(stack: Stack, settings: KafkaBenchSettings, log: (line: string) => void): Promise<ThroughputResult> {
  const { keyward, environment, setup, broker: pluginBroker } = stack;
  const account = await keyward.serviceAccount('bench-perf');
  await keyward.bindTopic(`User:${account}`, 'DeveloperWrite', environment, setup.cluster, TOPIC);
  await addHaystack(stack, settings.haystack);
  const key = (await keyward.createKey(account, setup.cluster)).body;
  await createTopics(pluginBroker, plain(setup.brokerKey), [TOPIC]);

  // the baseline: the same grants (every grant of the replica, one ACL per operation), static users
  const replica = await keyward.replica(setup);
  const admin = { username: 'admin', password: randomBytes(24).toString('base64url') };
  const standardBroker = await startStandardBroker({ [admin.username]: admin.password, [account]: key.secret }, settings.heap);
  const dir = cleanup.tempDir('kafka-perf');
  try {
    log(`baseline broker (StandardAuthorizer) on ${standardBroker.bootstrap} (pid ${standardBroker.pid()})`);
    await createTopics(standardBroker, admin, [TOPIC]);
    const acls = await copyGrantsAsAcls(standardBroker, admin, replica.grants);
    log(`  ${replica.grants.length} grants in keyward's replica, ${acls} ACLs on the baseline broker; ${settings.records} records of ${settings.recordSize} B per run`);

    const run = async (which: 'plugin' | 'standard', records: number): Promise<PerfResult & { otherCores: number | null }> => {
      if (settings.waitQuiet > 0) await waitQuiet(settings.waitQuiet, log);
      const { value, otherCores } = await otherCoresDuring(() =>
        which === 'plugin'
          ? producerPerformance({ dir, broker: pluginBroker, topic: TOPIC, user: plain(key), records, recordSize: settings.recordSize, keywardPid: keyward.server.pid, props: settings.producerProps })
          : producerPerformance({ dir, broker: standardBroker, topic: TOPIC, user: { username: account, password: key.secret }, records, recordSize: settings.recordSize, props: settings.producerProps }));
      return { ...value, otherCores };
    };
    // full-size rounds thrown away first: the brokers' CPU per record falls for the first few million records (JIT)
    const warmup: ThroughputResult['warmup'] = [];
    for (let round = 1; round <= settings.warmupRounds; round++) {
      for (const which of ['plugin', 'standard'] as const) {
        const result = await run(which, settings.records);
        warmup.push({ broker: which, round, ...result });
        log(`  warm-up ${round} ${which.padEnd(8)} ${result.recordsPerSec.toFixed(0).padStart(8)} records/s, broker ${result.brokerCpuSeconds ?? '?'} CPU s`);
      }
    }

    const runs: ThroughputResult['runs'] = [];
    for (let round = 1; round <= settings.rounds; round++) {
      for (const which of ['plugin', 'standard'] as const) {
        const result = await run(which, settings.records);
        runs.push({ broker: which, round, ...result });
        log(`  round ${round} ${which.padEnd(8)} ${result.recordsPerSec.toFixed(0).padStart(8)} records/s, p99 ${result.p99Ms} ms, broker ${result.brokerCpuSeconds ?? '?'} CPU s, other processes ${result.otherCores ?? '?'} cores`);
      }
    }
    const of = (which: 'plugin' | 'standard') => runs.filter((r) => r.broker === which);
    const pluginMedian = median(of('plugin').map((r) => r.recordsPerSec));
    const standardMedian = median(of('standard').map((r) => r.recordsPerSec));
    const roundRatios = Array.from({ length: settings.rounds }, (_, i) => {
      const a = runs.find((r) => r.round === i + 1 && r.broker === 'plugin');
      const b = runs.find((r) => r.round === i + 1 && r.broker === 'standard');
      return a && b ? Number((a.recordsPerSec / b.recordsPerSec).toFixed(3)) : NaN;
    });
    const pluginCpu = cpuPerRecord(of('plugin'));
    const standardCpu = cpuPerRecord(of('standard'));
    const keywardCpu = of('plugin').map((r) => r.keywardCpuSeconds).filter((c): c is number => c !== null);
    return {
      topic: TOPIC,
      grants: replica.grants.length,
      aclsOnBaseline: acls,
      warmup,
      runs,
      plugin: { medianRecordsPerSec: pluginMedian, medianP99Ms: median(of('plugin').map((r) => r.p99Ms)), brokerCpuUsPerRecord: pluginCpu, keywardCpuSeconds: keywardCpu.length > 0 ? Number(keywardCpu.reduce((a, b) => a + b, 0).toFixed(2)) : null },
      standard: { medianRecordsPerSec: standardMedian, medianP99Ms: median(of('standard').map((r) => r.p99Ms)), brokerCpuUsPerRecord: standardCpu },
      ratio: Number((pluginMedian / standardMedian).toFixed(3)),
      roundRatios,
      medianRoundRatio: Number(median(roundRatios).toFixed(3)),
      maxOtherCores: runs.some((r) => r.otherCores !== null) ? Math.max(...runs.map((r) => r.otherCores ?? 0)) : null,
      cpuRatio: pluginCpu && standardCpu ? Number((standardCpu / pluginCpu).toFixed(3)) : null,
      errors: [...warmup, ...runs].flatMap((r) => r.errors),
    };
  } finally {
    await standardBroker.destroy();
    cleanup.removeDir(dir);
  }
}

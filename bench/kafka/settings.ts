/**
 * The settings of `npm run bench:kafka`, from environment variables (docs/benchmark.md lists them).
 * BENCH_KAFKA_QUICK=1 shrinks the defaults to a run of about two minutes.
 */

export const SCENARIO_IDS = ['throughput', 'revocation', 'new-key', 'replica'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

export interface KafkaBenchSettings {
  quick: boolean;
  /** records per ProducerPerformance run */
  records: number;
  /** bytes per record */
  recordSize: number;
  /** A/B rounds thrown away first: the brokers' JIT needs a few million records to settle */
  warmupRounds: number;
  /** measured A/B rounds (each: one run through each broker) */
  rounds: number;
  /** role bindings of other principals on other topics, in both brokers' grants */
  haystack: number;
  /** revocation trials and new-key trials (each) */
  trials: number;
  /** keys and role bindings of the big replica */
  replicaKeys: number;
  replicaBindings: number;
  /** extra producer properties for ProducerPerformance (BENCH_KAFKA_PRODUCER_PROPS="linger.ms=0 batch.size=200") */
  producerProps: Record<string, string>;
  /** -Xmx of every broker */
  heap: string;
  only: Set<ScenarioId>;
  /** before each scenario and each ProducerPerformance run, wait up to this many seconds for the machine to be nearly idle */
  waitQuiet: number;
}

function numberFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${name}=${raw}: use a number from ${min} to ${max}`);
  return Math.round(n);
}

export function settingsFromEnv(): KafkaBenchSettings {
  const quick = process.env.BENCH_KAFKA_QUICK === '1' || process.env.BENCH_KAFKA_QUICK === 'true';
  const onlyRaw = process.env.BENCH_KAFKA_ONLY;
  const only = new Set<ScenarioId>();
  for (const id of (onlyRaw && onlyRaw.trim() !== '' ? onlyRaw.split(',') : [...SCENARIO_IDS]).map((s) => s.trim())) {
    if (!(SCENARIO_IDS as readonly string[]).includes(id)) throw new Error(`BENCH_KAFKA_ONLY: unknown scenario "${id}" (use ${SCENARIO_IDS.join(', ')})`);
    only.add(id as ScenarioId);
  }
  const heap = process.env.BENCH_KAFKA_HEAP ?? '1g';
  if (!/^\d+[mg]$/.test(heap)) throw new Error(`BENCH_KAFKA_HEAP=${heap}: use e.g. 768m or 1g`);
  const producerProps: Record<string, string> = {};
  for (const pair of (process.env.BENCH_KAFKA_PRODUCER_PROPS ?? '').split(/\s+/).filter((p) => p !== '')) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`BENCH_KAFKA_PRODUCER_PROPS: "${pair}" is not name=value`);
    producerProps[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return {
    quick,
    producerProps,
    records: numberFromEnv('BENCH_KAFKA_RECORDS', quick ? 400_000 : 1_500_000, 1_000, 100_000_000),
    recordSize: numberFromEnv('BENCH_KAFKA_RECORD_SIZE', 100, 1, 1_000_000),
    warmupRounds: numberFromEnv('BENCH_KAFKA_WARMUP_ROUNDS', quick ? 1 : 2, 0, 50),
    rounds: numberFromEnv('BENCH_KAFKA_ROUNDS', quick ? 2 : 4, 1, 50),
    haystack: numberFromEnv('BENCH_KAFKA_HAYSTACK', quick ? 200 : 1000, 0, 100_000),
    trials: numberFromEnv('BENCH_KAFKA_TRIALS', quick ? 20 : 40, 1, 1000),
    replicaKeys: numberFromEnv('BENCH_KAFKA_REPLICA_KEYS', 100_000, 0, 10_000_000),
    replicaBindings: numberFromEnv('BENCH_KAFKA_REPLICA_BINDINGS', 10_000, 0, 1_000_000),
    heap,
    only,
    waitQuiet: numberFromEnv('BENCH_KAFKA_WAIT_QUIET', 0, 0, 3600),
  };
}

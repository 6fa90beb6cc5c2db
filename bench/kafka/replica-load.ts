/**
 * Replica load: a keyward store seeded — before its server starts, directly through better-sqlite3,
 * as `npm run bench` seeds its million keys — with REPLICA_KEYS keys of one Kafka cluster and
 * REPLICA_BINDINGS role bindings on its topics; then a broker with the plugin started for that
 * cluster, and one for an empty cluster of the same store (only its broker key) for comparison.
 * Figures: the plugin's own load time (GET …/replica, parse, index; its log line "replica … loaded
 * … in N ms"), broker start → replica loaded and → listener open (the broker log's timestamps), and
 * the heap in use after a full GC (jcmd) with each replica. Outside quick mode the big replica's
 * broker is started a second time, when keyward has served that replica once already.
 */
import type { KafkaBroker } from '../../test/helpers/kafka-broker.js';
import { cleanup, startKeyward } from '../processes.js';
import { seedGrants } from '../seed-grants.js';
import { seedKeys } from '../seed-million.js';
import { logLines, startPluginBroker } from './brokers.js';
import { heapAfterGc, type HeapFigures } from './jvm.js';
import { Keyward, type BrokerSetup } from './keyward.js';
import type { KafkaBenchSettings } from './settings.js';
import { sleep } from './stats.js';

export interface BrokerLoad {
  cluster: string;
  keys: number;
  grants: number;
  revision: number;
  /** the plugin's own figure: GET …/replica, parse and index */
  pluginLoadMs: number;
  /** the broker log's first line → the plugin's "loaded" line */
  startToLoadedMs: number;
  /** the broker log's first line → "Kafka Server started" */
  startToReadyMs: number;
  /** the plugin's "state LOADING" line → its "loaded" line */
  fetchingToLoadedMs: number;
  heap: HeapFigures;
}

export interface ReplicaLoadResult {
  seeded: { keys: number; roleBindings: number; acls: number; seconds: number; fileBytes: number };
  /** the first load of the big replica (keyward has served it to nobody before) */
  big: BrokerLoad;
  /** the same broker configuration started once more (keyward warm; not in quick mode) */
  bigAgain: BrokerLoad | null;
  empty: BrokerLoad;
  /** the big replica's heap after GC minus the empty one's, bytes */
  heapCostBytes: number;
  /** GET …/replica of the big cluster from this process afterwards: size and time */
  replicaBytes: number;
  replicaFetchMs: number;
}

const LOADED = /keyward: replica (\d+) of (\S+) loaded: (\d+) keys, (\d+) grants in (\d+) ms/;
const FETCHING = /keyward: state LOADING/;
const STARTED = /Kafka Server started/;

/** Milliseconds since local midnight of a `[HH:mm:ss.SSS]` log line (the harness's log4j pattern). */
function lineTime(line: string | undefined): number {
  const m = line ? /^\[(\d\d):(\d\d):(\d\d)\.(\d\d\d)\]/.exec(line) : null;
  if (!m) throw new Error(`no timestamp in broker log line: ${line ?? '(none)'}`);
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]);
}

const DAY = 86_400_000;
/** b − a for times of day, across midnight */
const between = (a: number, b: number) => (((b - a) % DAY) + DAY) % DAY;

async function loadInto(setup: BrokerSetup, heap: string, log: (line: string) => void): Promise<BrokerLoad> {
  const broker: KafkaBroker = await startPluginBroker(setup.properties, heap, false);
  try {
    await broker.waitReady(180_000);
    const deadline = Date.now() + 30_000;
    let loaded = logLines(broker, LOADED)[0];
    while (!loaded && Date.now() < deadline) {
      await sleep(100);
      loaded = logLines(broker, LOADED)[0];
    }
    const m = loaded ? LOADED.exec(loaded) : null;
    if (!loaded || !m) throw new Error(`the plugin logged no "replica … loaded" line (see ${broker.logFile})`);
    const first = logLines(broker, /^\[\d\d:\d\d:\d\d\.\d{3}\]/)[0];
    const t0 = lineTime(first);
    const result: BrokerLoad = {
      cluster: m[2] as string,
      revision: Number(m[1]),
      keys: Number(m[3]),
      grants: Number(m[4]),
      pluginLoadMs: Number(m[5]),
      startToLoadedMs: between(t0, lineTime(loaded)),
      startToReadyMs: between(t0, lineTime(logLines(broker, STARTED)[0])),
      fetchingToLoadedMs: between(lineTime(logLines(broker, FETCHING)[0]), lineTime(loaded)),
      heap: await heapAfterGc(broker.pid() as number),
    };
    log(`  ${result.cluster}: ${result.keys} keys, ${result.grants} grants loaded by the plugin in ${result.pluginLoadMs} ms; broker start → loaded ${result.startToLoadedMs} ms, → ready ${result.startToReadyMs} ms; heap after GC ${(result.heap.usedAfterGcBytes / 2 ** 20).toFixed(1)} MiB`);
    return result;
  } finally {
    await broker.destroy();
  }
}

export async function measureReplicaLoad(settings: KafkaBenchSettings, log: (line: string) => void): Promise<ReplicaLoadResult> {
  const dataDir = cleanup.tempDir('kafka-replica');
  const home = cleanup.tempDir('kafka-replica-home');
  log(`  seeding ${settings.replicaKeys} keys and ${settings.replicaBindings} role bindings into ${dataDir}`);
  const seed = await seedKeys(dataDir, home, settings.replicaKeys, 1, log);
  const grants = seedGrants(dataDir, seed.cluster, { acls: 0, roleBindings: settings.replicaBindings });
  log(`  seeded in ${seed.seconds.toFixed(1)} s (${(seed.fileBytes / 2 ** 20).toFixed(0)} MiB)`);
  const server = await startKeyward(dataDir);
  try {
    const keyward = new Keyward(server, seed.admin);
    const big = await keyward.brokerConfig(seed.cluster);
    const empty = await keyward.brokerConfig(await keyward.createCluster('bench-empty'));
    // empty first, so that the big replica is not served by a keyward warmed up by an earlier load of it
    const emptyLoad = await loadInto(empty, settings.heap, log);
    const bigLoad = await loadInto(big, settings.heap, log);
    const bigAgain = settings.quick ? null : await loadInto(big, settings.heap, log);
    const replica = await keyward.replica(big);
    return {
      seeded: { keys: seed.rows, roleBindings: grants.roleBindings, acls: grants.acls, seconds: Number(seed.seconds.toFixed(1)), fileBytes: seed.fileBytes },
      big: bigLoad,
      bigAgain,
      empty: emptyLoad,
      heapCostBytes: bigLoad.heap.usedAfterGcBytes - emptyLoad.heap.usedAfterGcBytes,
      replicaBytes: replica.bytes,
      replicaFetchMs: Number(replica.ms.toFixed(1)),
    };
  } finally {
    await server.stop();
    cleanup.removeDir(dataDir);
    cleanup.removeDir(home);
  }
}

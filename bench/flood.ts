/**
 * The unauthenticated failure flood (issue 10): how many audit rows a flood of failed
 * authentications writes, and whether it moves another client's p99.
 *
 * On a server that trusts the bench as its proxy (so that X-Forwarded-For names the clients), one
 * "other client" verifies a valid key at a fixed moderate rate from its own address: first alone,
 * then for the same time while a worker thread floods verify with failing credentials at a fixed
 * rate from a few other addresses (paced-load.ts: open loop, so that both loads are what they are
 * whatever the server does). Then the server is stopped (SIGTERM: it flushes every open
 * aggregation window) and the audit rows whose time is at or after the flood's start are counted
 * in its store. Figures: those rows (by type and result, and their bytes), the client's p99 with
 * and without the flood and their ratio, what the flood sent and what it was answered.
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import type { FloodSettings } from './flood-worker.js';
import { pacedLoad, requestBytes, type PacedResult } from './paced-load.js';
import { machineCpuSeconds, processCpuSeconds, type KeywardServer } from './processes.js';
import type { Credentials } from './seed-million.js';

export interface FloodOptions {
  /** The flood's length, and the length of each of the client's two measured runs. */
  seconds: number;
  /** The client's warm-up before its first measured run (its key gets cached). */
  warmup: number;
  floodRate: number;
  floodConnections: number;
  floodAddresses: number;
  clientRate: number;
  clientConnections: number;
}

/** TEST-NET addresses (RFC 5737): the client's and the attackers'. */
const CLIENT_ADDRESS = '198.51.100.7';
const floodAddress = (i: number) => `203.0.113.${i + 1}`;

function runFlood(settings: FloodSettings, started: () => void): Promise<PacedResult> {
  const worker = new Worker(new URL('./flood-worker.js', import.meta.url), { workerData: settings });
  return new Promise<PacedResult>((resolve, reject) => {
    // bounded whatever happens: the worker's own load ends after settings.seconds
    const watchdog = setTimeout(() => {
      void worker.terminate();
      reject(new Error('the flood worker did not finish in time'));
    }, (settings.seconds + 30) * 1000);
    worker.on('message', (message: { started?: true; result?: PacedResult }) => {
      if (message.started) started();
      if (message.result) {
        clearTimeout(watchdog);
        resolve(message.result);
        void worker.terminate();
      }
    });
    worker.once('error', (error) => {
      clearTimeout(watchdog);
      reject(error);
    });
  });
}

interface AuditCount {
  rows: number;
  bytes: number;
  byTypeAndResult: Record<string, number>;
}

/** Audit rows at or after `since` in a stopped server's SQLite store. */
function countAuditRows(dataDir: string, since: string): AuditCount {
  const db = new SQLite(join(dataDir, 'keyward.db'), { readonly: true, fileMustExist: true });
  try {
    const groups = db.prepare('SELECT type, result, count(*) AS n, coalesce(sum(length(event)), 0) AS bytes FROM audit_events WHERE time >= ? GROUP BY type, result').all(since) as Array<{
      type: string;
      result: string;
      n: number;
      bytes: number;
    }>;
    return {
      rows: groups.reduce((a, g) => a + g.n, 0),
      bytes: groups.reduce((a, g) => a + g.bytes, 0),
      byTypeAndResult: Object.fromEntries(groups.map((g) => [`${g.type} ${g.result}`, g.n])),
    };
  } finally {
    db.close();
  }
}

const clean = (r: PacedResult) => r.errors === 0 && r.mismatches === 0 && r.completed === r.sent;

/** The server's and the machine's busy cores over a phase of the probe. */
async function withCores<T>(pid: number, run: () => Promise<T>): Promise<{ result: T; serverCores?: number; machineBusyCores?: number }> {
  const server = processCpuSeconds(pid);
  const machine = machineCpuSeconds();
  const started = performance.now();
  const result = await run();
  const seconds = (performance.now() - started) / 1000;
  const serverAfter = processCpuSeconds(pid);
  const machineAfter = machineCpuSeconds();
  const cores = machine && machineAfter ? (machineAfter.busy - machine.busy) / ((machineAfter.total - machine.total) / cpus().length) : undefined;
  return {
    result,
    ...(server !== undefined && serverAfter !== undefined ? { serverCores: Number(((serverAfter - server) / seconds).toFixed(2)) } : {}),
    ...(cores !== undefined ? { machineBusyCores: Number(cores.toFixed(2)) } : {}),
  };
}

export async function measureFlood(server: KeywardServer, dataDir: string, client: Credentials, attacked: Credentials, cluster: string, options: FloodOptions): Promise<Record<string, unknown>> {
  const host = new URL(server.url).host;
  const clientRequest = requestBytes(host, {
    method: 'POST',
    path: '/keyward/v1/verify',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': CLIENT_ADDRESS },
    body: JSON.stringify({ key: client.key, secret: client.secret, resource: cluster }),
  });
  const clientLoad = (seconds: number) =>
    pacedLoad({
      url: server.url,
      rate: options.clientRate,
      seconds,
      connections: options.clientConnections,
      request: () => clientRequest,
      check: (r) => r.status === 200 && r.body.startsWith('{"valid":true'),
    });

  if (options.warmup > 0) await clientLoad(options.warmup);
  const quiet = await withCores(server.pid, () => clientLoad(options.seconds));
  const alone = quiet.result;

  const floodStart = new Date().toISOString();
  let floodStarted!: () => void;
  const started = new Promise<void>((r) => (floodStarted = r));
  const flood = runFlood(
    {
      url: server.url,
      rate: options.floodRate,
      seconds: options.seconds,
      connections: options.floodConnections,
      addresses: Array.from({ length: options.floodAddresses }, (_, i) => floodAddress(i)),
      knownKey: attacked.key,
    },
    floodStarted,
  );
  await Promise.race([started, flood]);
  const loud = await withCores(server.pid, () => Promise.all([clientLoad(options.seconds), flood]));
  const [flooded, floodResult] = loud.result;

  await server.stop();
  const exit = server.process.exitCode !== null ? `exit code ${server.process.exitCode}` : `signal ${server.process.signalCode ?? '?'}`;
  const audit = countAuditRows(dataDir, floodStart);
  const floodDelivered = floodResult.errors === 0 && floodResult.mismatches === 0 && floodResult.achievedRate >= 0.9 * options.floodRate;
  const ratio = alone.latencyMs.p99 > 0 ? Number((flooded.latencyMs.p99 / alone.latencyMs.p99).toFixed(3)) : null;
  return {
    seconds: options.seconds,
    auditRows: audit.rows,
    auditBytes: audit.bytes,
    auditRowsByTypeAndResult: audit.byTypeAndResult,
    // SIGTERM flushes the open aggregation windows (a server killed after the grace period did not),
    // and the count means something only if the flood was sent and answered as planned
    serverStoppedWith: exit,
    auditCountValid: server.process.exitCode === 0 && floodDelivered,
    floodAddresses: options.floodAddresses,
    floodRateOffered: options.floodRate,
    floodRateAchieved: floodResult.achievedRate,
    floodStatusCodes: floodResult.statusCodes,
    floodQueued: floodResult.queued,
    floodErrors: floodResult.errors,
    floodMismatches: floodResult.mismatches,
    floodP99Ms: floodResult.latencyMs.p99,
    clientRate: options.clientRate,
    clientP50AloneMs: alone.latencyMs.p50,
    clientP99AloneMs: alone.latencyMs.p99,
    clientP50FloodedMs: flooded.latencyMs.p50,
    clientP99FloodedMs: flooded.latencyMs.p99,
    clientP99Ratio: ratio,
    clientClean: clean(alone) && clean(flooded),
    serverCoresAlone: quiet.serverCores,
    serverCoresFlooded: loud.serverCores,
    machineBusyCoresAlone: quiet.machineBusyCores,
    machineBusyCoresFlooded: loud.machineBusyCores,
    clientAlone: alone,
    clientFlooded: flooded,
  };
}

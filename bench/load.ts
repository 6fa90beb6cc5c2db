/**
 * One measurement with autocannon (programmatic API, in this process): a warm-up that is thrown
 * away, then the measured run. Latencies are recorded from autocannon's per-response event in
 * microseconds (autocannon's own histogram keeps whole milliseconds, too coarse for p99 ratios at
 * a few ms), 2xx responses only, like autocannon's.
 */
import { cpus } from 'node:os';
import { createHistogram } from 'node:perf_hooks';
import autocannon, { type Request, type Result } from 'autocannon';
import { machineCpuSeconds, processCpuSeconds } from './processes.js';

export interface Load {
  /** The server's origin, `http://127.0.0.1:PORT`. */
  url: string;
  requests: Request[];
  /** Requests for the warm-up, when it must not touch what is measured (cold cache). */
  warmupRequests?: Request[];
  /** A 2xx body that fails this check counts as a mismatch (verify answers 200 for invalid keys). */
  verifyBody?: (body: string) => boolean;
  /** The server process, for its CPU time. */
  serverPid: number;
  /** The database server's processes working for this store (PostgreSQL), for their CPU time. */
  databasePids?: () => Promise<number[]>;
}

export interface Measurement {
  /** autocannon's requests per second (mean of its per-second samples). */
  reqPerSec: number;
  requests: { total: number; sent: number; per_second: { mean: number; stddev: number; min: number; max: number } };
  durationSeconds: number;
  /** Milliseconds, microsecond resolution, 2xx responses. */
  latencyMs: { p50: number; p90: number; p99: number; p99_9: number; mean: number; max: number; count: number };
  /** autocannon's own latency figures (whole milliseconds), for reference. */
  autocannonLatencyMs: { p50: number; p99: number; mean: number; max: number };
  errors: number;
  timeouts: number;
  mismatches: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** CPU seconds the server process used during the measured run, and per completed request. */
  serverCpuSeconds?: number;
  serverCpuUsPerRequest?: number;
  /** Share of one core the server used (1 = one core busy all the time). */
  serverCores?: number;
  /** CPU seconds this process (autocannon) used during the measured run. */
  loadGeneratorCpuSeconds: number;
  /** CPU seconds of the database server's processes for this store (PostgreSQL), and its share of a core. */
  databaseCpuSeconds?: number;
  databaseCores?: number;
  /**
   * Cores busy with processes other than the server under test and autocannon during the run
   * (machine busy time minus theirs, over the duration): other work on the machine skews the
   * figures when this is not near 0.
   */
  otherCores?: number;
  /** Cores the machine had and the share of them busy during the run. */
  machine?: { cores: number; busyCores: number };
}

export interface LoadSettings {
  duration: number;
  warmup: number;
  connections: number;
}

function cannon(load: Load, requests: Request[], settings: LoadSettings, duration: number, onLatency?: (ms: number) => void): Promise<Result> {
  return new Promise((resolveRun, reject) => {
    const instance = autocannon(
      {
        url: load.url,
        connections: settings.connections,
        pipelining: 1,
        duration,
        timeout: 10,
        requests,
        ...(load.verifyBody ? { verifyBody: load.verifyBody } : {}),
      },
      (error, result) => {
        clearTimeout(watchdog);
        if (error) reject(error);
        else resolveRun(result);
      },
    );
    // Bounded in time whatever happens to the server.
    const watchdog = setTimeout(() => instance.stop(), (duration + 30) * 1000);
    if (onLatency) {
      instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
        if (statusCode >= 200 && statusCode < 300) onLatency(responseTime);
      });
    }
  });
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

/** CPU seconds used so far by each of these processes (those still running). */
function cpuOf(pids: number[]): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const pid of pids) {
    const seconds = processCpuSeconds(pid);
    if (seconds !== undefined) cpu.set(pid, seconds);
  }
  return cpu;
}

/** CPU seconds spent between two readings; a process that started in between counts from 0. */
function cpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

/** The warm-up alone: autocannon for `settings.warmup` seconds, its figures thrown away. */
export async function warmUp(load: Load, settings: LoadSettings): Promise<void> {
  if (settings.warmup > 0) await cannon(load, load.warmupRequests ?? load.requests, settings, settings.warmup);
}

export async function measure(load: Load, settings: LoadSettings): Promise<Measurement> {
  await warmUp(load, settings);

  const histogram = createHistogram({ lowest: 1, highest: 60_000_000, figures: 3 });
  const databaseBefore = load.databasePids ? cpuOf(await load.databasePids()) : undefined;
  const cpuBefore = processCpuSeconds(load.serverPid);
  const machineBefore = machineCpuSeconds();
  const selfBefore = process.cpuUsage();
  const result = await cannon(load, load.requests, settings, settings.duration, (ms) => histogram.record(Math.max(1, Math.round(ms * 1000))));
  const selfCpu = process.cpuUsage(selfBefore);
  const cpuAfter = processCpuSeconds(load.serverPid);
  const machineAfter = machineCpuSeconds();
  const databaseCpuSeconds = databaseBefore && load.databasePids ? cpuSpent(databaseBefore, cpuOf(await load.databasePids())) : undefined;

  const us = (p: number) => round(histogram.percentile(p) / 1000);
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  const serverCpuSeconds = cpuBefore !== undefined && cpuAfter !== undefined ? round(cpuAfter - cpuBefore, 2) : undefined;
  const completed = result.requests.total;
  const selfSeconds = (selfCpu.user + selfCpu.system) / 1e6;
  const cores = cpus().length;
  const busyCores = machineBefore && machineAfter ? (machineAfter.busy - machineBefore.busy) / ((machineAfter.total - machineBefore.total) / cores) : undefined;
  const otherCores =
    busyCores !== undefined && serverCpuSeconds !== undefined ? Math.max(0, busyCores - (serverCpuSeconds + selfSeconds + (databaseCpuSeconds ?? 0)) / result.duration) : undefined;
  return {
    reqPerSec: round(result.requests.average, 1),
    requests: {
      total: completed,
      sent: result.requests.sent,
      per_second: { mean: round(result.requests.mean, 1), stddev: round(result.requests.stddev, 1), min: result.requests.min, max: result.requests.max },
    },
    durationSeconds: result.duration,
    latencyMs: {
      p50: us(50),
      p90: us(90),
      p99: us(99),
      p99_9: us(99.9),
      mean: round(histogram.mean / 1000),
      max: round(histogram.max / 1000),
      count: histogram.count,
    },
    autocannonLatencyMs: { p50: result.latency.p50, p99: result.latency.p99, mean: result.latency.mean, max: result.latency.max },
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    non2xx: result.non2xx,
    statusCodes,
    ...(serverCpuSeconds !== undefined
      ? { serverCpuSeconds, serverCpuUsPerRequest: completed > 0 ? round((serverCpuSeconds * 1e6) / completed, 1) : 0, serverCores: round(serverCpuSeconds / result.duration, 2) }
      : {}),
    loadGeneratorCpuSeconds: round(selfSeconds, 2),
    ...(databaseCpuSeconds !== undefined ? { databaseCpuSeconds: round(databaseCpuSeconds, 2), databaseCores: round(databaseCpuSeconds / result.duration, 2) } : {}),
    ...(otherCores !== undefined && busyCores !== undefined ? { otherCores: round(otherCores, 2), machine: { cores, busyCores: round(busyCores, 2) } } : {}),
  };
}

/** Order statistics of small samples (nearest rank), and the machine's busy cores. */
import { readFileSync } from 'node:fs';
import { machineCpuSeconds, processCpuSeconds } from '../processes.js';

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  max: number;
  min: number;
  mean: number;
}

/** The nearest-rank percentile: the smallest sample with at least p % of the samples at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Number(n.toFixed(2));
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    min: round(sorted[0] ?? NaN),
    mean: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
  };
}

export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Busy cores of the whole machine over `ms`. */
export async function busyCores(cores: number, ms = 1000): Promise<number | undefined> {
  const before = machineCpuSeconds();
  await sleep(ms);
  const after = machineCpuSeconds();
  return before && after ? Number(((after.busy - before.busy) / ((after.total - before.total) / cores)).toFixed(2)) : undefined;
}

/** Waits up to `seconds` until fewer than 0.25 cores are busy; returns the last reading. */
export async function waitQuiet(cores: number, seconds: number, log: (line: string) => void): Promise<number | undefined> {
  let busy = await busyCores(cores);
  if (seconds <= 0 || busy === undefined || busy <= 0.25) return busy;
  const until = Date.now() + seconds * 1000;
  log(`  waiting up to ${seconds} s for the machine to be quiet (${busy} cores busy)`);
  while (busy !== undefined && busy > 0.25 && Date.now() < until) busy = await busyCores(cores);
  log(`  ${busy} cores busy: starting`);
  return busy;
}

/** CPU seconds of this process and its exited children (utime, stime, cutime, cstime); undefined off Linux. */
function selfAndReapedCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * Measures how many cores processes other than the bench's own were busy with while `body` ran:
 * the machine's busy time minus this process, its exited children (e.g. ProducerPerformance) and
 * the running processes `pids` (brokers, keyward).
 */
export async function otherCoresDuring<T>(pids: ReadonlyArray<number | undefined>, body: () => Promise<T>): Promise<{ value: T; otherCores: number | null }> {
  const own = () => {
    let sum = selfAndReapedCpuSeconds();
    for (const pid of pids) {
      const c = pid === undefined ? 0 : processCpuSeconds(pid);
      sum = sum === undefined || c === undefined ? undefined : sum + c;
    }
    return sum;
  };
  const machineBefore = machineCpuSeconds();
  const ownBefore = own();
  const started = performance.now();
  const value = await body();
  const seconds = (performance.now() - started) / 1000;
  const machineAfter = machineCpuSeconds();
  const ownAfter = own();
  if (!machineBefore || !machineAfter || ownBefore === undefined || ownAfter === undefined || seconds <= 0) return { value, otherCores: null };
  const others = (machineAfter.busy - machineBefore.busy - (ownAfter - ownBefore)) / seconds;
  return { value, otherCores: Number(Math.max(0, others).toFixed(2)) };
}

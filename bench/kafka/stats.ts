/** Order statistics of small samples (nearest rank), and how busy other processes keep the machine. */
import { readdirSync, readFileSync } from 'node:fs';
import { machineCpuSeconds } from '../processes.js';

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

/** CPU seconds (user + system, with reaped children) of this process and every process descending from it; undefined off Linux. */
export function ownTreeCpuSeconds(): number | undefined {
  try {
    const stats = new Map<number, { ppid: number; seconds: number }>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        stats.set(Number(entry), { ppid: Number(f[1]), seconds: (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100 });
      } catch {
        // the process has exited meanwhile
      }
    }
    const mine = new Set<number>([process.pid]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const [pid, s] of stats) {
        if (!mine.has(pid) && mine.has(s.ppid)) {
          mine.add(pid);
          grew = true;
        }
      }
    }
    let sum = 0;
    for (const pid of mine) sum += stats.get(pid)?.seconds ?? 0;
    return sum;
  } catch {
    return undefined;
  }
}

/**
 * Runs `body` and says how many cores processes other than the bench's own (this process and its
 * descendants: brokers, keyward, ProducerPerformance) kept busy meanwhile: the machine's busy time
 * minus the bench's own.
 */
export async function otherCoresDuring<T>(body: () => Promise<T>): Promise<{ value: T; otherCores: number | null }> {
  const machineBefore = machineCpuSeconds();
  const ownBefore = ownTreeCpuSeconds();
  const started = performance.now();
  const value = await body();
  const seconds = (performance.now() - started) / 1000;
  const machineAfter = machineCpuSeconds();
  const ownAfter = ownTreeCpuSeconds();
  if (!machineBefore || !machineAfter || ownBefore === undefined || ownAfter === undefined || seconds <= 0) return { value, otherCores: null };
  const others = (machineAfter.busy - machineBefore.busy - (ownAfter - ownBefore)) / seconds;
  return { value, otherCores: Number(Math.max(0, others).toFixed(2)) };
}

/** Cores other processes kept busy over `ms`. */
export async function otherBusyCores(ms = 1000): Promise<number | undefined> {
  return (await otherCoresDuring(() => sleep(ms))).otherCores ?? undefined;
}

/** Waits up to `seconds` until other processes keep fewer than 0.25 cores busy; returns the last reading. */
export async function waitQuiet(seconds: number, log: (line: string) => void): Promise<number | undefined> {
  let busy = await otherBusyCores();
  if (seconds <= 0 || busy === undefined || busy <= 0.25) return busy;
  const until = Date.now() + seconds * 1000;
  log(`  waiting up to ${seconds} s for other processes to go quiet (${busy} cores busy)`);
  while (busy !== undefined && busy > 0.25 && Date.now() < until) busy = await otherBusyCores();
  log(`  ${busy} cores busy: starting`);
  return busy;
}

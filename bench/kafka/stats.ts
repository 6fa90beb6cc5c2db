/** Order statistics of small samples (nearest rank), and the machine's busy cores. */
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

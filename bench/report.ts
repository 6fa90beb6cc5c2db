/**
 * Ratios, targets, the table on stdout and the JSON file under bench/results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem, type as osType, release as osRelease } from 'node:os';
import { join } from 'node:path';
import type { Measurement } from './load.js';
import type { Scenario, Shape, Target } from './scenarios.js';
import type { Settings } from './fixtures.js';

export interface ScenarioOutcome {
  scenario: Scenario;
  measurement?: Measurement;
  info?: Record<string, unknown>;
  skipped?: string;
  failed?: string;
}

export interface Ratios {
  /** Against the baseline of the same request shape. */
  shape: Shape;
  reqPerSec: number;
  p99: number;
  p50: number;
  /**
   * The same-shape baseline's server CPU per request over this scenario's: the throughput ratio
   * to expect where the server process is the bottleneck, and the figure least moved by other
   * work on the machine.
   */
  cpu: number;
  /** Against the GET baseline, whatever the shape. */
  get: { reqPerSec: number; p99: number; p50: number };
}

export interface TargetResult {
  scenario: string;
  target: string;
  value: number | null;
  met: boolean;
}

const BASELINE_OF: Record<Shape, string> = { GET: 'baseline-get', POST: 'baseline-post' };

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a !== undefined && b !== undefined && b > 0 ? a / b : undefined;
}

export function ratiosOf(outcome: ScenarioOutcome, byId: Map<string, ScenarioOutcome>): Ratios | undefined {
  const m = outcome.measurement;
  const base = byId.get(BASELINE_OF[outcome.scenario.shape])?.measurement;
  const get = byId.get('baseline-get')?.measurement;
  if (!m || !base || !get) return undefined;
  return {
    shape: outcome.scenario.shape,
    reqPerSec: ratio(m.reqPerSec, base.reqPerSec) ?? NaN,
    p99: ratio(m.latencyMs.p99, base.latencyMs.p99) ?? NaN,
    p50: ratio(m.latencyMs.p50, base.latencyMs.p50) ?? NaN,
    cpu: ratio(base.serverCpuUsPerRequest, m.serverCpuUsPerRequest) ?? NaN,
    get: { reqPerSec: ratio(m.reqPerSec, get.reqPerSec) ?? NaN, p99: ratio(m.latencyMs.p99, get.latencyMs.p99) ?? NaN, p50: ratio(m.latencyMs.p50, get.latencyMs.p50) ?? NaN },
  };
}

function describeTarget(target: Target, shape: Shape): string {
  if (target.kind === 'throughput') return `req/s ≥ ${target.min.toFixed(2)}× ${shape}`;
  if (target.kind === 'p99') return `p99 ≤ ${target.max.toFixed(2)}× ${shape}`;
  if (target.kind === 'at-most') return `${target.field} ≤ ${target.max} ${target.unit}`;
  return `req/s ≥ ${target.min.toFixed(2)}× ${target.scenario}`;
}

/** A run with failed requests proves nothing: its targets count as missed. */
function clean(m: Measurement): boolean {
  return m.errors === 0 && m.timeouts === 0 && m.non2xx === 0 && m.mismatches === 0;
}

export function evaluateTargets(outcomes: ScenarioOutcome[]): TargetResult[] {
  const byId = new Map(outcomes.map((o) => [o.scenario.id, o]));
  const results: TargetResult[] = [];
  for (const outcome of outcomes) {
    for (const target of outcome.scenario.targets ?? []) {
      const description = describeTarget(target, outcome.scenario.shape);
      const m = outcome.measurement;
      if (target.kind === 'at-most') {
        const figure = outcome.info?.[target.field];
        const value = typeof figure === 'number' ? figure : null;
        results.push({ scenario: outcome.scenario.id, target: description, value, met: value !== null && value <= target.max });
        continue;
      }
      const r = ratiosOf(outcome, byId);
      let value: number | undefined;
      if (target.kind === 'throughput') value = r?.reqPerSec;
      else if (target.kind === 'p99') value = r?.p99;
      else value = ratio(m?.reqPerSec, byId.get(target.scenario)?.measurement?.reqPerSec);
      const ok = value !== undefined && !Number.isNaN(value) && m !== undefined && clean(m) && (target.kind === 'p99' ? value <= target.max : value >= target.min);
      results.push({ scenario: outcome.scenario.id, target: description, value: value === undefined || Number.isNaN(value) ? null : Number(value.toFixed(3)), met: ok });
    }
  }
  return results;
}

const fmt = (n: number | undefined, digits: number) => (n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits));

function renderTable(header: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (rightAligned.has(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export function table(outcomes: ScenarioOutcome[], targets: TargetResult[]): string {
  const byId = new Map(outcomes.map((o) => [o.scenario.id, o]));
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'vs', 'ratio req/s', 'ratio p99', 'req/s vs GET', 'p99 vs GET', 'srv CPU µs/req', 'CPU ratio', 'target', 'met?'];
  const rows: string[][] = [];
  for (const o of outcomes) {
    if (o.skipped || o.failed || !o.measurement) {
      const own = targets.filter((t) => t.scenario === o.scenario.id);
      const probed = !o.skipped && !o.failed && o.info !== undefined;
      const what = o.skipped ? `skipped: ${o.skipped}` : o.failed ? `failed: ${o.failed}` : own.map((t) => `${t.target} (${fmt(t.value ?? undefined, 1)})`).join('; ') || 'probe: see notes';
      rows.push([o.scenario.title, '—', '—', '—', '', '', '', '', '', '', '', what, probed && own.length > 0 ? (own.every((t) => t.met) ? 'yes' : 'NO') : '']);
      continue;
    }
    const m = o.measurement;
    const r = ratiosOf(o, byId);
    const own = targets.filter((t) => t.scenario === o.scenario.id);
    const isBaseShape = o.scenario.baseline;
    rows.push([
      o.scenario.title,
      fmt(m.reqPerSec, 0),
      fmt(m.latencyMs.p50, 2),
      fmt(m.latencyMs.p99, 2),
      o.scenario.shape,
      isBaseShape ? '1 (base)' : fmt(r?.reqPerSec, 2),
      isBaseShape ? '1 (base)' : fmt(r?.p99, 2),
      fmt(r?.get.reqPerSec, 2),
      fmt(r?.get.p99, 2),
      fmt(m.serverCpuUsPerRequest, 0),
      isBaseShape ? '1 (base)' : fmt(r?.cpu, 2),
      own.length === 0 ? '—' : own.map((t) => `${t.target} (${fmt(t.value ?? undefined, 2)})`).join('; '),
      own.length === 0 ? '' : own.every((t) => t.met) ? 'yes' : `NO (${own.filter((t) => !t.met).length}/${own.length} missed)`,
    ]);
  }
  return renderTable(header, rows, new Set([1, 2, 3, 5, 6, 7, 8, 9, 10]));
}

/** Lines about failed requests and scenario-specific facts, printed under the table. */
export function notes(outcomes: ScenarioOutcome[]): string[] {
  const lines: string[] = [];
  for (const o of outcomes) {
    const m = o.measurement;
    if (!m && o.scenario.probe && o.info) lines.push(`${o.scenario.id}: ${Object.entries(o.info).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ')}`);
    if (!m) continue;
    if ((m.otherCores ?? 0) > 0.1) lines.push(`! ${o.scenario.id}: other processes kept ${m.otherCores} cores busy during the run: figures skewed`);
    if (!clean(m)) lines.push(`! ${o.scenario.id}: errors ${m.errors}, timeouts ${m.timeouts}, non-2xx ${m.non2xx} (${JSON.stringify(m.statusCodes)}), body mismatches ${m.mismatches}`);
    if (o.info && 'cacheMissShare' in o.info) {
      lines.push(`${o.scenario.id}: ${o.info.requestsSent} requests sent, ${o.info.distinctKeysPresented} distinct keys, cache-miss share ≥ ${((o.info.cacheMissShare as number) * 100).toFixed(1)}%`);
    }
  }
  const drift = outcomes.find((o) => o.scenario.id === 'baseline-post-again')?.measurement;
  const first = outcomes.find((o) => o.scenario.id === 'baseline-post')?.measurement;
  if (drift && first) lines.push(`baseline drift over the run: POST req/s ${((drift.reqPerSec / first.reqPerSec - 1) * 100).toFixed(1)}%, p99 ${((drift.latencyMs.p99 / first.latencyMs.p99 - 1) * 100).toFixed(1)}%`);
  return lines;
}

export function machine() {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    node: process.version,
    v8: process.versions.v8,
    platform: `${osType()} ${osRelease()} ${process.arch}`,
    totalMemoryBytes: totalmem(),
    freeMemoryBytes: freemem(),
    loadavg: loadavg(),
  };
}

export function writeResults(
  dir: string,
  run: { startedAt: Date; finishedAt: Date; settings: Settings; machineAtStart: ReturnType<typeof machine> & { busyCoresBeforeRun: number | null } },
  outcomes: ScenarioOutcome[],
  targets: TargetResult[],
): string {
  const byId = new Map(outcomes.map((o) => [o.scenario.id, o]));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${run.startedAt.toISOString().replace(/:/g, '-')}.json`);
  const document = {
    tool: 'keyward bench',
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    settings: run.settings,
    machine: { ...run.machineAtStart, loadavgAtEnd: loadavg() },
    ratioNote: 'ratios.reqPerSec/p99/p50 are against the baseline of the same request shape (ratios.shape: GET or POST); ratios.cpu is that baseline\'s server CPU per request over this scenario\'s; ratios.get is against the GET baseline',
    scenarios: outcomes.map((o) => ({
      id: o.scenario.id,
      title: o.scenario.title,
      shape: o.scenario.shape,
      baseline: o.scenario.baseline ?? false,
      ...(o.skipped ? { skipped: o.skipped } : {}),
      ...(o.failed ? { failed: o.failed } : {}),
      info: o.info ?? {},
      measurement: o.measurement ?? null,
      ratios: ratiosOf(o, byId) ?? null,
    })),
    targets,
    allTargetsMet: targets.every((t) => t.met),
  };
  writeFileSync(file, JSON.stringify(document, null, 2) + '\n');
  return file;
}

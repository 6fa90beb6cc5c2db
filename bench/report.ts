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
  /** A probe's own measurements (e.g. one per instance). */
  parts?: Array<{ label: string; measurement: Measurement }>;
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
  /** The issue's targets-table row. */
  row: string;
  scenario: string;
  /** What is bounded, e.g. `req/s ≥ 0.80× POST`. */
  target: string;
  value: number | null;
  /** How the value reads, e.g. `0.81×` or `212 rows`. */
  measured: string;
  met: boolean;
  /** The figures the value comes from. */
  figures: string;
}

const BASELINE_OF: Record<Shape, string> = { GET: 'baseline-get', POST: 'baseline-post' };

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a !== undefined && b !== undefined && b > 0 ? a / b : undefined;
}

function ratiosFor(m: Measurement, shape: Shape, byId: Map<string, ScenarioOutcome>): Ratios | undefined {
  const base = byId.get(BASELINE_OF[shape])?.measurement;
  const get = byId.get('baseline-get')?.measurement;
  if (!base || !get) return undefined;
  return {
    shape,
    reqPerSec: ratio(m.reqPerSec, base.reqPerSec) ?? NaN,
    p99: ratio(m.latencyMs.p99, base.latencyMs.p99) ?? NaN,
    p50: ratio(m.latencyMs.p50, base.latencyMs.p50) ?? NaN,
    cpu: ratio(base.serverCpuUsPerRequest, m.serverCpuUsPerRequest) ?? NaN,
    get: { reqPerSec: ratio(m.reqPerSec, get.reqPerSec) ?? NaN, p99: ratio(m.latencyMs.p99, get.latencyMs.p99) ?? NaN, p50: ratio(m.latencyMs.p50, get.latencyMs.p50) ?? NaN },
  };
}

export function ratiosOf(outcome: ScenarioOutcome, byId: Map<string, ScenarioOutcome>): Ratios | undefined {
  return outcome.measurement ? ratiosFor(outcome.measurement, outcome.scenario.shape, byId) : undefined;
}

function describeTarget(target: Target, shape: Shape): string {
  switch (target.kind) {
    case 'throughput':
      return `req/s ≥ ${target.min.toFixed(2)}× ${shape}`;
    case 'p99':
      return `p99 ≤ ${target.max.toFixed(2)}× ${shape}`;
    case 'throughput-vs':
      return `req/s ≥ ${target.min.toFixed(2)}× ${target.scenario}`;
    case 'p99-vs':
      return `p99 ≤ ${target.max.toFixed(2)}× ${target.scenario}`;
    case 'share-vs':
      return `req/s ≥ ${target.min.toFixed(2)}× its share of ${target.scenario}`;
    case 'at-most':
      return `${target.what} ≤ ${target.max}${target.unit === '×' ? '×' : ` ${target.unit}`}`;
  }
}

/** A run with failed requests proves nothing: its targets count as missed. */
function clean(m: Measurement): boolean {
  return m.errors === 0 && m.timeouts === 0 && m.non2xx === 0 && m.mismatches === 0;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const unclean = (id: string, m: Measurement | undefined) => (m && !clean(m) ? ` (${id} had failed or wrong answers)` : '');

export function evaluateTargets(outcomes: ScenarioOutcome[]): TargetResult[] {
  const byId = new Map(outcomes.map((o) => [o.scenario.id, o]));
  const results: TargetResult[] = [];
  for (const outcome of outcomes) {
    const id = outcome.scenario.id;
    for (const target of outcome.scenario.targets ?? []) {
      const base = { row: target.row, scenario: id, target: describeTarget(target, outcome.scenario.shape) };
      const missing = (why: string): TargetResult => ({ ...base, value: null, measured: '—', met: false, figures: why });
      if (outcome.skipped) {
        results.push(missing(`skipped: ${outcome.skipped}`));
        continue;
      }
      if (outcome.failed) {
        results.push(missing(`failed: ${outcome.failed}`));
        continue;
      }
      if (target.kind === 'at-most') {
        const info = outcome.info ?? {};
        const figure = info[target.field];
        const value = typeof figure === 'number' ? figure : null;
        const valid = target.valid === undefined || info[target.valid] === true;
        const figures = (target.figures?.(info) ?? '') + (valid ? '' : `${target.figures ? '; ' : ''}${target.valid} is not true: the figure does not count`);
        results.push({ ...base, value, measured: value === null ? '—' : target.unit === '×' ? `${value.toFixed(2)}×` : `${value} ${target.unit}`, met: valid && value !== null && value <= target.max, figures });
        continue;
      }
      if (target.kind === 'share-vs') {
        const alone = byId.get(target.scenario)?.measurement;
        const parts = outcome.parts ?? [];
        if (!alone || parts.length === 0) {
          results.push(missing(`no measurement of ${alone ? id : target.scenario}`));
          continue;
        }
        const share = alone.reqPerSec / parts.length;
        const total = parts.reduce((sum, p) => sum + p.measurement.reqPerSec, 0);
        for (const part of parts) {
          const value = share > 0 ? part.measurement.reqPerSec / share : NaN;
          results.push({
            ...base,
            scenario: `${id} (${part.label})`,
            value: Number.isNaN(value) ? null : Number(value.toFixed(3)),
            measured: Number.isNaN(value) ? '—' : `${value.toFixed(2)}×`,
            met: !Number.isNaN(value) && value >= target.min && clean(part.measurement) && clean(alone),
            figures:
              `${int(part.measurement.reqPerSec)} req/s vs ${int(alone.reqPerSec)} / ${parts.length} (${target.scenario}); all ${parts.length}: ${int(total)} req/s, ${(total / alone.reqPerSec).toFixed(2)}× one alone` +
              unclean(part.label, part.measurement) +
              unclean(target.scenario, alone),
          });
        }
        continue;
      }
      const m = outcome.measurement;
      if (!m) {
        results.push(missing('no measurement'));
        continue;
      }
      const otherId = target.kind === 'throughput-vs' || target.kind === 'p99-vs' ? target.scenario : BASELINE_OF[outcome.scenario.shape];
      const other = byId.get(otherId)?.measurement;
      if (!other) {
        results.push(missing(`no measurement of ${otherId}`));
        continue;
      }
      const isLatency = target.kind === 'p99' || target.kind === 'p99-vs';
      const value = isLatency ? ratio(m.latencyMs.p99, other.latencyMs.p99) : ratio(m.reqPerSec, other.reqPerSec);
      const ok = value !== undefined && clean(m) && clean(other) && (isLatency ? value <= (target as { max: number }).max : value >= (target as { min: number }).min);
      const figures = isLatency ? `p99 ${m.latencyMs.p99} ms vs ${other.latencyMs.p99} ms (${otherId})` : `${int(m.reqPerSec)} vs ${int(other.reqPerSec)} req/s (${otherId})`;
      results.push({
        ...base,
        value: value === undefined ? null : Number(value.toFixed(3)),
        measured: value === undefined ? '—' : `${value.toFixed(2)}×`,
        met: ok,
        figures: figures + unclean(id, m) + unclean(otherId, other),
      });
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

/** One row per measurement: every autocannon scenario, every part of a probe, the probes themselves. */
export function table(outcomes: ScenarioOutcome[]): string {
  const byId = new Map(outcomes.map((o) => [o.scenario.id, o]));
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'vs', 'ratio req/s', 'ratio p99', 'req/s vs GET', 'p99 vs GET', 'srv CPU µs/req', 'CPU ratio'];
  const rows: string[][] = [];
  const measuredRow = (title: string, m: Measurement, shape: Shape, isBase: boolean) => {
    const r = ratiosFor(m, shape, byId);
    rows.push([
      title,
      fmt(m.reqPerSec, 0),
      fmt(m.latencyMs.p50, 2),
      fmt(m.latencyMs.p99, 2),
      shape,
      isBase ? '1 (base)' : fmt(r?.reqPerSec, 2),
      isBase ? '1 (base)' : fmt(r?.p99, 2),
      fmt(r?.get.reqPerSec, 2),
      fmt(r?.get.p99, 2),
      fmt(m.serverCpuUsPerRequest, 0),
      isBase ? '1 (base)' : fmt(r?.cpu, 2),
    ]);
  };
  for (const o of outcomes) {
    if (o.measurement) measuredRow(o.scenario.title, o.measurement, o.scenario.shape, o.scenario.baseline === true);
    else if (o.parts && o.parts.length > 0) for (const part of o.parts) measuredRow(`${o.scenario.title}: ${part.label}`, part.measurement, o.scenario.shape, false);
    else rows.push([o.scenario.title, o.skipped ? `skipped: ${o.skipped}` : o.failed ? `failed: ${o.failed}` : 'probe: see the targets', '', '', '', '', '', '', '', '', '']);
  }
  return renderTable(header, rows, new Set([1, 2, 3, 5, 6, 7, 8, 9, 10]));
}

/** One row per target of the issue's table: what was measured, the target, met or not, and the figures behind it. */
export function targetTable(targets: TargetResult[]): string {
  const header = ['issue target', 'scenario', 'measured', 'target', 'met?', 'figures'];
  const rows = targets.map((t) => [t.row, t.scenario, t.measured, t.target, t.met ? 'yes' : 'NO', t.figures]);
  return renderTable(header, rows, new Set([2]));
}

/** Lines about failed requests and scenario-specific facts, printed under the table. */
export function notes(outcomes: ScenarioOutcome[]): string[] {
  const lines: string[] = [];
  for (const o of outcomes) {
    // a probe's figures (its nested objects are in the JSON)
    if (o.scenario.probe && o.info) lines.push(`${o.scenario.id}: ${Object.entries(o.info).filter(([, v]) => typeof v !== 'object' || v === null || Array.isArray(v)).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ')}`);
    const measured = o.measurement ? [{ id: o.scenario.id, m: o.measurement }] : (o.parts ?? []).map((p) => ({ id: `${o.scenario.id} (${p.label})`, m: p.measurement }));
    for (const { id, m } of measured) {
      if ((m.otherCores ?? 0) > 0.1) lines.push(`! ${id}: other processes kept ${m.otherCores} cores busy during the run: figures skewed`);
      if (!clean(m)) lines.push(`! ${id}: errors ${m.errors}, timeouts ${m.timeouts}, non-2xx ${m.non2xx} (${JSON.stringify(m.statusCodes)}), body mismatches ${m.mismatches}`);
      if (m.databaseCores !== undefined) lines.push(`${id}: PostgreSQL (this database's backends and the server's writers) ${m.databaseCores} cores, ${fmt(((m.databaseCpuSeconds ?? 0) * 1e6) / Math.max(1, m.requests.total), 0)} CPU µs/req`);
    }
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
      ...(o.parts ? { parts: o.parts.map((p) => ({ label: p.label, measurement: p.measurement, ratios: ratiosFor(p.measurement, o.scenario.shape, byId) ?? null })) } : {}),
    })),
    targets,
    allTargetsMet: targets.every((t) => t.met),
  };
  writeFileSync(file, JSON.stringify(document, null, 2) + '\n');
  return file;
}

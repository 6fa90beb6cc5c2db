/**
 * The Kafka benchmark's table (scenario, figure, value, target, met?) and its JSON under
 * bench/results/kafka-<timestamp>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { machine } from '../report.js';
import type { NewKeyResult, RevocationResult } from './revocation.js';
import type { ReplicaLoadResult } from './replica-load.js';
import type { KafkaBenchSettings, ScenarioId } from './settings.js';
import type { Summary } from './stats.js';
import type { ThroughputResult } from './throughput.js';

export interface Outcomes {
  throughput?: ThroughputResult;
  revocation?: RevocationResult;
  'new-key'?: NewKeyResult;
  replica?: ReplicaLoadResult;
  failed: Partial<Record<ScenarioId, string>>;
  /** cores other processes kept busy just before each scenario */
  busyBefore: Partial<Record<ScenarioId, number | null>>;
}

export interface Row {
  scenario: string;
  figure: string;
  value: string;
  target: string;
  met: '' | 'yes' | 'NO';
}

export interface TargetResult {
  scenario: ScenarioId;
  target: string;
  value: number | null;
  met: boolean;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number | null | undefined) => (n === null || n === undefined || Number.isNaN(n) ? '—' : `${n.toFixed(1)} ms`);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const yes = (ok: boolean): Row['met'] => (ok ? 'yes' : 'NO');

export function evaluate(o: Outcomes, settings: KafkaBenchSettings): TargetResult[] {
  const targets: TargetResult[] = [];
  if (o.throughput) {
    targets.push({ scenario: 'throughput', target: 'records/s plugin ≥ 0.95× StandardAuthorizer', value: o.throughput.ratio, met: o.throughput.ratio >= 0.95 && o.throughput.errors.length === 0 });
  }
  const latency = (scenario: ScenarioId, r: { summary: Summary | null; failed: number; trials: unknown[] }, what: string) => {
    const enough = r.trials.length >= 20;
    targets.push({ scenario, target: `${what} p99 ≤ 1000 ms over ≥ 20 trials`, value: r.summary?.p99 ?? null, met: enough && r.failed === 0 && r.summary !== null && r.summary.p99 <= 1000 });
  };
  if (o.revocation) latency('revocation', o.revocation, 'revocation');
  if (o['new-key']) latency('new-key', o['new-key'], 'new key usable');
  if (o.replica) {
    const big = o.replica.big;
    const full = big.keys >= 100_000 && o.replica.seeded.roleBindings >= 10_000;
    targets.push({ scenario: 'replica', target: `replica of ${int(settings.replicaKeys)} keys / ${int(settings.replicaBindings)} bindings loaded ≤ 2000 ms`, value: big.pluginLoadMs, met: full && big.pluginLoadMs <= 2000 });
  }
  return targets;
}

export function rows(o: Outcomes, settings: KafkaBenchSettings, targets: TargetResult[]): Row[] {
  const out: Row[] = [];
  const metOf = (id: ScenarioId) => yes(targets.filter((t) => t.scenario === id).every((t) => t.met));
  const t = o.throughput;
  if (t) {
    const title = `produce throughput (${int(settings.records)} × ${settings.recordSize} B, acks=1)`;
    out.push({ scenario: title, figure: `keyward plugin: records/s, median of ${t.runs.filter((r) => r.broker === 'plugin').length}`, value: int(t.plugin.medianRecordsPerSec), target: '', met: '' });
    out.push({ scenario: '', figure: `StandardAuthorizer + ${t.aclsOnBaseline} ACLs: records/s, median`, value: int(t.standard.medianRecordsPerSec), target: '', met: '' });
    out.push({ scenario: '', figure: 'ratio plugin / StandardAuthorizer', value: t.ratio.toFixed(3), target: '≥ 0.95', met: metOf('throughput') });
    out.push({ scenario: '', figure: 'per-round ratios (their median)', value: `${t.roundRatios.map((r) => r.toFixed(2)).join(' ')} (${t.medianRoundRatio.toFixed(2)})`, target: '', met: '' });
    out.push({ scenario: '', figure: 'producer p99 latency, plugin / standard', value: `${t.plugin.medianP99Ms} / ${t.standard.medianP99Ms} ms`, target: '', met: '' });
    out.push({ scenario: '', figure: 'broker CPU µs/record, plugin / standard', value: `${t.plugin.brokerCpuUsPerRecord ?? '—'} / ${t.standard.brokerCpuUsPerRecord ?? '—'}`, target: '', met: '' });
    out.push({ scenario: '', figure: 'other processes during a run: most cores busy', value: t.maxOtherCores === null ? '—' : t.maxOtherCores.toFixed(2), target: '', met: '' });
  }
  const latencyRows = (title: string, id: ScenarioId, r: RevocationResult | NewKeyResult | undefined, extra: Row[] = []) => {
    if (!r) return;
    const s = r.summary;
    out.push({ scenario: title, figure: `p50 / p99 / max over ${r.trials.length} trials${r.failed ? ` (${r.failed} failed)` : ''}`, value: s ? `${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)}` : '—', target: 'p99 ≤ 1000 ms', met: metOf(id) });
    out.push(...extra);
  };
  const rv = o.revocation;
  latencyRows('revocation: 2xx → first refused request on the open connection', 'revocation', rv, rv ? [
    { scenario: '', figure: 'api-key disable: p50 / p99', value: rv.byKind.disable ? `${ms(rv.byKind.disable.p50)} / ${ms(rv.byKind.disable.p99)}` : '—', target: '', met: '' },
    { scenario: '', figure: 'api-key delete: p50 / p99', value: rv.byKind.delete ? `${ms(rv.byKind.delete.p50)} / ${ms(rv.byKind.delete.p99)}` : '—', target: '', met: '' },
  ] : []);
  const nk = o['new-key'];
  latencyRows('new key: 201 of api-key create → first produce with it', 'new-key', nk, nk ? [
    { scenario: '', figure: 'keys refused at least once first', value: `${nk.trials.filter((x) => x.refusedLogins > 0).length} of ${nk.trials.length}`, target: '', met: '' },
  ] : []);
  const rp = o.replica;
  if (rp) {
    out.push({ scenario: `replica load (${int(rp.big.keys)} keys, ${int(rp.seeded.roleBindings)} role bindings → ${int(rp.big.grants)} grants)`, figure: 'plugin: GET replica + parse + index, first start', value: ms(rp.big.pluginLoadMs), target: '≤ 2000 ms', met: metOf('replica') });
    if (rp.bigAgain) out.push({ scenario: '', figure: 'the same, second broker start (keyward warm)', value: ms(rp.bigAgain.pluginLoadMs), target: '', met: '' });
    out.push({ scenario: '', figure: 'broker start → replica loaded, big / empty', value: `${ms(rp.big.startToLoadedMs)} / ${ms(rp.empty.startToLoadedMs)}`, target: '', met: '' });
    out.push({ scenario: '', figure: 'broker start → listener open, big / empty', value: `${ms(rp.big.startToReadyMs)} / ${ms(rp.empty.startToReadyMs)}`, target: '', met: '' });
    out.push({ scenario: '', figure: 'heap after full GC, big / empty', value: `${mib(rp.big.heap.usedAfterGcBytes)} / ${mib(rp.empty.heap.usedAfterGcBytes)}`, target: '', met: '' });
    out.push({ scenario: '', figure: 'heap cost of the replica (big − empty)', value: `${mib(rp.heapCostBytes)} (${(rp.heapCostBytes / Math.max(1, rp.big.keys)).toFixed(0)} B/key)`, target: 'stated', met: '' });
    out.push({ scenario: '', figure: 'replica JSON size; GET …/replica from Node afterwards', value: `${mib(rp.replicaBytes)}; ${ms(rp.replicaFetchMs)}`, target: '', met: '' });
  }
  for (const [id, message] of Object.entries(o.failed)) out.push({ scenario: id, figure: `FAILED: ${(message ?? '').slice(0, 100)}`, value: '—', target: '', met: 'NO' });
  return out;
}

export function renderTable(list: Row[]): string {
  const header = ['scenario', 'figure', 'value', 'target', 'met?'];
  const cells = list.map((r) => [r.scenario, r.figure, r.value, r.target, r.met]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) => `| ${c.map((x, i) => (i === 2 ? x.padStart(widths[i] as number) : x.padEnd(widths[i] as number))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 2 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...cells.map(line)].join('\n');
}

export function writeResults(
  dir: string,
  run: { startedAt: Date; finishedAt: Date; settings: KafkaBenchSettings; machine: ReturnType<typeof machine> & { busyCoresBeforeRun: number | null }; command: string },
  outcomes: Outcomes,
  targets: TargetResult[],
  table: Row[],
): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `kafka-${run.startedAt.toISOString().replace(/:/g, '-')}.json`);
  const document = {
    tool: 'keyward bench:kafka',
    command: run.command,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    settings: { ...run.settings, only: [...run.settings.only] },
    machine: { ...run.machine, loadavgAtEnd: loadavg() },
    outcomes,
    targets,
    allTargetsMet: targets.length > 0 && targets.every((t) => t.met) && Object.keys(outcomes.failed).length === 0,
    table,
  };
  writeFileSync(file, JSON.stringify(document, null, 2) + '\n');
  return file;
}

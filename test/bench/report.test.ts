import { describe, expect, it } from 'vitest';
import type { Measurement } from '../../bench/load.js';
import { evaluateTargets, targetTable, type ScenarioOutcome } from '../../bench/report.js';
import type { Scenario } from '../../bench/scenarios.js';

function measurement(reqPerSec: number, p99: number, failed = 0): Measurement {
  return {
    reqPerSec,
    requests: { total: reqPerSec * 10, sent: reqPerSec * 10, per_second: { mean: reqPerSec, stddev: 0, min: reqPerSec, max: reqPerSec } },
    durationSeconds: 10,
    latencyMs: { p50: p99 / 2, p90: p99, p99, p99_9: p99, mean: p99 / 2, max: p99, count: reqPerSec * 10 },
    autocannonLatencyMs: { p50: 1, p99: 1, mean: 1, max: 1 },
    errors: failed,
    timeouts: 0,
    mismatches: 0,
    non2xx: 0,
    statusCodes: { 200: reqPerSec * 10 },
    loadGeneratorCpuSeconds: 1,
  };
}

const scenario = (id: string, extra: Partial<Scenario> = {}): Scenario => ({ id, title: id, shape: 'POST', fixtures: [], ...extra });

describe('evaluateTargets', () => {
  const baseline: ScenarioOutcome = { scenario: scenario('baseline-post', { baseline: true }), measurement: measurement(10_000, 2) };

  it('takes throughput and p99 against the same-shape baseline, and against another scenario', () => {
    const outcomes: ScenarioOutcome[] = [
      baseline,
      { scenario: scenario('warm'), measurement: measurement(8_000, 3) },
      {
        scenario: scenario('cold', {
          targets: [
            { row: 'cold', kind: 'throughput', min: 0.8 },
            { row: 'cold', kind: 'p99', max: 1.5 },
            { row: 'cold', kind: 'throughput-vs', scenario: 'warm', min: 0.5 },
            { row: 'cold', kind: 'p99-vs', scenario: 'warm', max: 3 },
          ],
        }),
        measurement: measurement(4_000, 10),
      },
    ];
    const results = evaluateTargets(outcomes);
    expect(results.map((r) => [r.value, r.met])).toEqual([
      [0.4, false],
      [5, false],
      [0.5, true],
      [3.333, false],
    ]);
    expect(results[2]?.figures).toBe('4,000 vs 8,000 req/s (warm)');
  });

  it('misses a target whose run had failed requests, whatever its figures', () => {
    const results = evaluateTargets([baseline, { scenario: scenario('s', { targets: [{ row: 'r', kind: 'throughput', min: 0.5 }] }), measurement: measurement(9_000, 2, 3) }]);
    expect(results[0]).toMatchObject({ value: 0.9, met: false });
    expect(results[0]?.figures).toContain('failed or wrong answers');
  });

  it('gives each instance of a shared load one result against its share of one instance alone', () => {
    const results = evaluateTargets([
      { scenario: scenario('one'), measurement: measurement(6_000, 5) },
      {
        scenario: scenario('pair', { targets: [{ row: 'pair', kind: 'share-vs', scenario: 'one', min: 0.9 }] }),
        parts: [
          { label: 'instance A', measurement: measurement(3_000, 5) },
          { label: 'instance B', measurement: measurement(2_400, 6) },
        ],
      },
    ]);
    expect(results.map((r) => [r.scenario, r.value, r.met])).toEqual([
      ['pair (instance A)', 1, true],
      ['pair (instance B)', 0.8, false],
    ]);
  });

  it('counts a probe figure only when its validity flag is true, and reports skipped scenarios as missed', () => {
    const flood = (valid: boolean): ScenarioOutcome => ({
      scenario: scenario('flood', { targets: [{ row: 'flood', kind: 'at-most', field: 'rows', max: 1000, unit: 'rows', what: 'rows', valid: 'ok' }] }),
      info: { rows: 120, ok: valid },
    });
    expect(evaluateTargets([flood(true)])[0]).toMatchObject({ value: 120, measured: '120 rows', met: true });
    expect(evaluateTargets([flood(false)])[0]).toMatchObject({ value: 120, met: false });
    const skipped = evaluateTargets([{ scenario: scenario('m', { targets: [{ row: 'm', kind: 'throughput', min: 0.5 }] }), skipped: 'BENCH_SKIP_MILLION=1' }]);
    expect(skipped[0]).toMatchObject({ met: false, figures: 'skipped: BENCH_SKIP_MILLION=1' });
    expect(targetTable(skipped)).toContain('| NO   |');
  });
});

import { describe, expect, it } from 'vitest';
import { ADVISOR_RULES, SEVERITIES, describeAdvisorRules, runAdvisor, severityAtLeast } from './index.js';
import type { AdvisorSnapshot, Finding } from './index.js';
import { ALICE, NOW, PROD_KAFKA, apiKey, daysAgo, roleBinding, serviceAccount, snapshot } from './test-support/snapshot-builder.js';
import { DAY_MS } from './time.js';

const DESIGN_RULES = [
  'user-key-in-production',
  'unused-key',
  'key-due-for-rotation',
  'old-key-still-in-use',
  'unused-service-account',
  'too-many-keys',
  'failed-auth-spike',
  'orphaned-grant',
];

/** One problem for most rules at once. */
function troubledSnapshot(): AdvisorSnapshot {
  return snapshot({
    serviceAccounts: [serviceAccount({ id: 'sa-orders', name: 'orders-app' }), serviceAccount({ id: 'sa-idle00' })],
    apiKeys: [
      apiKey({ id: 'ALICEPRODKEY0001', owner_id: ALICE.id, owner_kind: 'user', resource_id: PROD_KAFKA }),
      apiKey({ id: 'ANCIENTKEY000001', created_at: daysAgo(300), last_used: daysAgo(200) }),
      apiKey({ id: 'ORDERSKEY0000001' }),
      apiKey({ id: 'ORDERSKEY0000002' }),
    ],
    roleBindings: [roleBinding({ id: 'rb-gone01', principal: 'User:sa-gone00' })],
    failedAuthByKey: [{ api_key: 'ORDERSKEY0000001', count: 25 }],
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

describe('runAdvisor', () => {
  it('finds nothing in a healthy organization', () => {
    expect(runAdvisor(snapshot())).toEqual([]);
  });

  it('runs every rule and sorts by severity (high first), then rule, then subject', () => {
    const ids = runAdvisor(troubledSnapshot()).map((f) => f.id);
    expect(ids).toEqual([
      'failed-auth-spike:ORDERSKEY0000001',
      'user-key-in-production:ALICEPRODKEY0001',
      'key-due-for-rotation:ANCIENTKEY000001',
      'orphaned-grant:rb-gone01',
      'unused-key:ANCIENTKEY000001',
      'too-many-keys:sa-orders/lkc-dev001',
      'unused-service-account:sa-idle00',
    ]);
  });

  it('gives each finding a unique, stable id and keyward remediation commands without placeholders', () => {
    const first = runAdvisor(troubledSnapshot());
    const second = runAdvisor(troubledSnapshot());
    expect(second).toEqual(first);
    expect(new Set(first.map((f) => f.id)).size).toBe(first.length);
    for (const finding of first) {
      expect(finding.id).toBe(`${finding.rule}:${finding.subject}`);
      for (const command of finding.remediation.split('\n')) {
        expect(command).toMatch(/^keyward /);
        expect(command).not.toMatch(/<|>|SA_ID|sa-x{6}|…/);
      }
      expect(finding.message.length).toBeGreaterThan(40);
    }
  });

  it('takes time only from the snapshot clock and leaves the snapshot untouched', () => {
    const frozen = deepFreeze(snapshot({ apiKeys: [apiKey({ id: 'AGINGKEY00000001', created_at: daysAgo(80) })] }));
    expect(runAdvisor(frozen)).toEqual([]);
    const later = runAdvisor({ ...frozen, now: new Date(NOW.getTime() + 11 * DAY_MS) });
    expect(later.map((f: Finding) => f.id)).toEqual(['key-due-for-rotation:AGINGKEY00000001']);
  });

  it('can run a chosen subset of rules', () => {
    const only = ADVISOR_RULES.filter((rule) => rule.name === 'orphaned-grant');
    expect(runAdvisor(troubledSnapshot(), only).map((f) => f.rule)).toEqual(['orphaned-grant']);
  });
});

describe('rule list', () => {
  it('has exactly the rules of DESIGN §6, each described, with the severities of the design', () => {
    const described = describeAdvisorRules();
    expect(described.map((r) => r.name).sort()).toEqual([...DESIGN_RULES].sort());
    expect(Object.fromEntries(described.map((r) => [r.name, r.severity]))).toEqual({
      'user-key-in-production': 'high',
      'failed-auth-spike': 'high',
      'unused-key': 'medium',
      'key-due-for-rotation': 'medium',
      'old-key-still-in-use': 'medium',
      'orphaned-grant': 'medium',
      'unused-service-account': 'low',
      'too-many-keys': 'low',
    });
    for (const rule of described) expect(rule.description.length).toBeGreaterThan(60);
  });
});

describe('severities', () => {
  it('orders low < medium < high', () => {
    expect(SEVERITIES).toEqual(['low', 'medium', 'high']);
  });

  it('severityAtLeast compares a finding with a --fail-on threshold', () => {
    expect(severityAtLeast('high', 'high')).toBe(true);
    expect(severityAtLeast('high', 'low')).toBe(true);
    expect(severityAtLeast('medium', 'medium')).toBe(true);
    expect(severityAtLeast('medium', 'high')).toBe(false);
    expect(severityAtLeast('low', 'medium')).toBe(false);
    expect(severityAtLeast('low', 'low')).toBe(true);
  });
});

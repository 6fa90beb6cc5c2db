import { describe, expect, it } from 'vitest';
import type { Directory } from './directory';
import { buildKeyRows, usageByKey } from './rows';
import type { ApiKey, UsageSummary } from './types';

const counts = (values: Record<string, number>) => ({ VALID: 0, INVALID_CREDENTIALS: 0, EXPIRED: 0, DISABLED: 0, WRONG_RESOURCE: 0, FORBIDDEN: 0, RATE_LIMITED: 0, ...values });

function key(id: string, owner: ApiKey['spec']['owner'], resource: ApiKey['spec']['resource']): ApiKey {
  return {
    api_version: 'iam/v2',
    kind: 'ApiKey',
    id,
    metadata: { self: '', resource_name: '', created_at: '2026-12-01T00:00:00Z', updated_at: '2026-12-01T00:00:00Z' },
    spec: { display_name: '', description: '', owner, resource, status: 'ACTIVE', state: 'active', expires_at: null, last_used: null, replaces: null, replaced_by: null },
  };
}

const directory: Directory = {
  serviceAccounts: new Map([['sa-aaaaaa', { id: 'sa-aaaaaa', name: 'orders-app' }]]),
  users: new Map([['u-bbbbbb', { id: 'u-bbbbbb', name: 'Bob (bob@example.com)' }]]),
  resources: new Map([['lkc-aaaaaa', { id: 'lkc-aaaaaa', name: 'orders', kind: 'kafka' as const, environment: 'env-aaaaaa' }]]),
  environments: new Map([['env-aaaaaa', { id: 'env-aaaaaa', name: 'prod' }]]),
};

const summary: UsageSummary = {
  api_version: 'keyward/v1',
  kind: 'UsageSummary',
  since: '2026-12-03T10:00:00Z',
  until: '2026-12-03T11:30:00Z',
  bucket: '1h',
  totals: counts({ VALID: 5, INVALID_CREDENTIALS: 20 }),
  data: [],
  keys: [{ key: 'AAAAAAAAAAAAAAAA', totals: counts({ VALID: 5, INVALID_CREDENTIALS: 20 }), buckets: [{ start: '2026-12-03T10:00:00Z', counts: counts({ VALID: 2 }) }, { start: '2026-12-03T11:00:00Z', counts: counts({ VALID: 3, INVALID_CREDENTIALS: 20 }) }] }],
};

describe('buildKeyRows', () => {
  const keys = [
    key('AAAAAAAAAAAAAAAA', { id: 'sa-aaaaaa', kind: 'ServiceAccount', email: '<service account>' }, { id: 'lkc-aaaaaa', kind: 'Cluster', environment: 'env-aaaaaa' }),
    key('BBBBBBBBBBBBBBBB', { id: 'u-bbbbbb', kind: 'User', email: 'bob@example.com' }, { id: 'cloud', kind: 'Cloud', environment: null }),
    key('CCCCCCCCCCCCCCCC', { id: 'sa-zzzzzz', kind: 'ServiceAccount', email: '<service account>' }, { id: 'lkc-zzzzzz', kind: 'Cluster', environment: 'env-zzzzzz' }),
  ];

  it('names owners, resources and environments from the directory, ids when unknown', () => {
    const rows = buildKeyRows(keys, directory, undefined, Date.parse('2026-12-03T12:00:00Z'));
    expect(rows.map((r) => [r.owner, r.resource, r.environment])).toEqual([
      ['orders-app', 'orders', 'prod'],
      ['Bob (bob@example.com)', 'cloud', ''],
      ['sa-zzzzzz', 'lkc-zzzzzz', 'env-zzzzzz'],
    ]);
    expect(rows.every((r) => r.usage === undefined)).toBe(true);
  });

  it('takes each key\'s usage from the one summary: per-hour sums, null for a key without use', () => {
    const rows = buildKeyRows(keys, directory, usageByKey(summary), Date.parse('2026-12-03T12:00:00Z'));
    expect(rows[0]?.usage?.perBucket).toEqual([2, 23]);
    expect(rows[0]?.badges).toEqual(['active', 'elevated failures']);
    expect(rows[1]?.usage).toBeNull();
  });
});

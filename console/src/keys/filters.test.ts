import { describe, expect, it } from 'vitest';
import { applyFilters, filtersFromQuery, isFiltered, queryOfFilters } from './filters';
import { buildKeyRows } from './rows';
import { EMPTY_DIRECTORY } from './directory';
import type { ApiKey } from './types';

const NOW = Date.parse('2026-12-03T12:00:00Z');

function key(id: string, over: Partial<ApiKey['spec']> = {}): ApiKey {
  return {
    api_version: 'iam/v2',
    kind: 'ApiKey',
    id,
    metadata: { self: '', resource_name: '', created_at: '2026-12-01T00:00:00Z', updated_at: '2026-12-01T00:00:00Z' },
    spec: {
      display_name: '',
      description: `${id} description`,
      owner: { id: 'sa-aaaaaa', kind: 'ServiceAccount', email: '<service account>' },
      resource: { id: 'lkc-aaaaaa', kind: 'Cluster', environment: 'env-aaaaaa' },
      status: 'ACTIVE',
      state: 'active',
      expires_at: null,
      last_used: null,
      replaces: null,
      replaced_by: null,
      ...over,
    },
  };
}

const rows = buildKeyRows(
  [
    key('AAAAAAAAAAAAAAAA'),
    key('BBBBBBBBBBBBBBBB', { owner: { id: 'u-bbbbbb', kind: 'User', email: 'bob@example.com' }, resource: { id: 'cloud', kind: 'Cloud', environment: null } }),
    key('CCCCCCCCCCCCCCCC', { state: 'expired', status: 'ACTIVE', description: 'orders consumer' }),
  ],
  EMPTY_DIRECTORY,
  new Map([['CCCCCCCCCCCCCCCC', { totals: { VALID: 0, INVALID_CREDENTIALS: 0, EXPIRED: 12, DISABLED: 0, WRONG_RESOURCE: 0, FORBIDDEN: 0, RATE_LIMITED: 0 }, perBucket: [12] }]]),
  NOW,
);
const ids = (filtered: readonly { id: string }[]) => filtered.map((r) => r.id);

describe('key filters', () => {
  it('round-trip through the URL query, empty ones left out', () => {
    const filters = filtersFromQuery({ owner: 'sa-aaaaaa', status: 'expired', q: 'orders db' });
    expect(filters).toEqual({ owner: 'sa-aaaaaa', resource: '', environment: '', status: 'expired', q: 'orders db' });
    expect(queryOfFilters(filters)).toBe('?owner=sa-aaaaaa&status=expired&q=orders+db');
    expect(queryOfFilters(filtersFromQuery({}))).toBe('');
    expect(isFiltered(filtersFromQuery({}))).toBe(false);
  });

  it('match owner, resource and environment ids', () => {
    expect(ids(applyFilters(rows, filtersFromQuery({ owner: 'u-bbbbbb' })))).toEqual(['BBBBBBBBBBBBBBBB']);
    expect(ids(applyFilters(rows, filtersFromQuery({ resource: 'lkc-aaaaaa' })))).toEqual(['AAAAAAAAAAAAAAAA', 'CCCCCCCCCCCCCCCC']);
    expect(ids(applyFilters(rows, filtersFromQuery({ environment: 'env-aaaaaa', resource: 'cloud' })))).toEqual([]);
  });

  it('match a status badge, the contract states and the console warnings alike', () => {
    expect(ids(applyFilters(rows, filtersFromQuery({ status: 'expired' })))).toEqual(['CCCCCCCCCCCCCCCC']);
    expect(ids(applyFilters(rows, filtersFromQuery({ status: 'elevated failures' })))).toEqual(['CCCCCCCCCCCCCCCC']);
    expect(ids(applyFilters(rows, filtersFromQuery({ status: 'active' })))).toEqual(['AAAAAAAAAAAAAAAA', 'BBBBBBBBBBBBBBBB']);
  });

  it('search key id, description and owner, ignoring case', () => {
    expect(ids(applyFilters(rows, filtersFromQuery({ q: 'ORDERS' })))).toEqual(['CCCCCCCCCCCCCCCC']);
    expect(ids(applyFilters(rows, filtersFromQuery({ q: 'bob@' })))).toEqual(['BBBBBBBBBBBBBBBB']);
    expect(ids(applyFilters(rows, filtersFromQuery({ q: 'aaaaaaaaaaaaaaaa' })))).toEqual(['AAAAAAAAAAAAAAAA']);
  });
});

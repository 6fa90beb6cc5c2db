import { describe, expect, it } from 'vitest';
import { apiQueryOfAuditFilters, auditExportHref, auditFiltersFromQuery, auditLogHref, EMPTY_AUDIT_FILTERS, isAuditFiltered, queryOfAuditFilters } from './filters';

describe('auditFiltersFromQuery', () => {
  it('reads every filter under its API name and leaves the missing ones empty', () => {
    expect(auditFiltersFromQuery({ api_key: 'KEY1', since: '24h', other: 'x' })).toEqual({ ...EMPTY_AUDIT_FILTERS, api_key: 'KEY1', since: '24h' });
  });
  it('reads a CloudEvents type as its short name and a result in capitals in lower case', () => {
    const filters = auditFiltersFromQuery({ type: 'io.keyward.authorization', result: 'FAILURE' });
    expect(filters.type).toBe('authorization');
    expect(filters.result).toBe('failure');
  });
  it('keeps a value it does not know (in lower case) for the server to reject', () => {
    expect(auditFiltersFromQuery({ type: 'login', result: 'UNAUTHORIZED' })).toMatchObject({ type: 'login', result: 'unauthorized' });
  });
  it('reads a type or result in any case as the form offers it', () => {
    expect(auditFiltersFromQuery({ type: 'Management', result: 'Failure' })).toMatchObject({ type: 'management', result: 'failure' });
  });
});

describe('queryOfAuditFilters', () => {
  it('writes the set filters in a fixed order and round-trips through the URL', () => {
    const filters = { ...EMPTY_AUDIT_FILTERS, target: 'sa-1', principal: 'User:sa-1', type: 'management' };
    const query = queryOfAuditFilters(filters);
    expect(query).toBe('?principal=User%3Asa-1&type=management&target=sa-1');
    expect(auditFiltersFromQuery(Object.fromEntries(new URLSearchParams(query)))).toEqual(filters);
  });
  it('is empty without filters, and blanks do not count', () => {
    expect(queryOfAuditFilters({ ...EMPTY_AUDIT_FILTERS, principal: '  ' })).toBe('');
    expect(isAuditFiltered({ ...EMPTY_AUDIT_FILTERS, principal: '  ' })).toBe(false);
    expect(isAuditFiltered({ ...EMPTY_AUDIT_FILTERS, until: '1h' })).toBe(true);
  });
});

describe('request and link helpers', () => {
  it('gives the API query without empty filters', () => {
    expect(apiQueryOfAuditFilters({ ...EMPTY_AUDIT_FILTERS, result: 'success', since: ' 7d ' })).toEqual({ result: 'success', since: '7d' });
  });
  it('links the audit log of one key', () => {
    expect(auditLogHref({ api_key: 'UTT6WDRXX7FHD2GV' })).toBe('/console/audit?api_key=UTT6WDRXX7FHD2GV');
  });
  it('exports with every filter but target', () => {
    expect(auditExportHref({ ...EMPTY_AUDIT_FILTERS, api_key: 'K', target: 'sa-1', until: '2027-01-31T00:00:00Z' })).toBe('/keyward/v1/audit-events/export?api_key=K&until=2027-01-31T00%3A00%3A00Z');
    expect(auditExportHref(EMPTY_AUDIT_FILTERS)).toBe('/keyward/v1/audit-events/export');
  });
});

import { describe, expect, it } from 'vitest';
import { decodePageToken, encodePageToken, resolveAuditFilter, resolveTimeBound } from './audit-query.js';

const NOW = new Date('2027-01-31T12:00:00.000Z');

describe('audit query filters', () => {
  it('resolves durations back from now and ISO times to ISO-8601 UTC', () => {
    expect(resolveTimeBound('24h', 'since', NOW)).toBe('2027-01-30T12:00:00.000Z');
    expect(resolveTimeBound('1d12h', 'since', NOW)).toBe('2027-01-30T00:00:00.000Z');
    expect(resolveTimeBound('2027-01-01T00:00:00Z', 'until', NOW)).toBe('2027-01-01T00:00:00.000Z');
    expect(resolveTimeBound('2027-01-01T02:00:00+02:00', 'until', NOW)).toBe('2027-01-01T00:00:00.000Z');
    expect(resolveTimeBound('2027-01-01', 'until', NOW)).toBe('2027-01-01T00:00:00.000Z');
  });

  it('rejects anything else as an invalid filter naming the forms', () => {
    for (const bad of ['yesterday', '24', '2027-13-45T00:00:00Z', '1y', '']) {
      expect(() => resolveTimeBound(bad, 'since', NOW)).toThrow(expect.objectContaining({ code: 'invalid_filter', message: expect.stringContaining('such as 24h') }));
    }
  });

  it('maps type and result names, normalises principals and checks the window', () => {
    expect(resolveAuditFilter({ type: 'Management', result: 'FAILURE', principal: 'sa-abc123', apiKey: 'K' }, NOW)).toEqual({
      type: 'management', result: 'failure', principal: 'User:sa-abc123', apiKey: 'K',
    });
    expect(() => resolveAuditFilter({ type: 'login' }, NOW)).toThrow('type must be one of authentication, authorization, management (got "login")');
    expect(() => resolveAuditFilter({ result: 'ok' }, NOW)).toThrow('result must be one of success, failure (got "ok")');
    expect(() => resolveAuditFilter({ since: '1h', until: '2h' }, NOW)).toThrow('since must be before until');
  });

  it('round-trips page tokens and refuses forged ones', () => {
    const cursor = { time: '2027-01-31T00:00:00.000Z', chain: 'host-1-abcd/management', seq: 42 };
    expect(decodePageToken(encodePageToken(cursor))).toEqual(cursor);
    for (const bad of ['', 'bm90IGpzb24', Buffer.from('[1,2,3]').toString('base64url'), Buffer.from('["t","c",1.5]').toString('base64url')]) {
      expect(() => decodePageToken(bad)).toThrow('page_token is not valid');
    }
  });
});

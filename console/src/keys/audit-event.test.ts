import { describe, expect, it } from 'vitest';
import { eventLine, mergeNewestFirst } from './audit-event';
import type { AuditEvent } from './types';

const event = (id: string, time: string, data: Record<string, unknown>, type = 'io.keyward.authentication'): AuditEvent => ({ id, time, type, subject: 's', data });

describe('eventLine', () => {
  it('reads status, reason, client address, method and count', () => {
    const line = eventLine(event('1', '2026-12-03T10:00:00Z', {
      methodName: 'keyward.Verify',
      requestMetadata: { clientAddress: '10.0.0.7', requestId: 'r', userAgent: 'curl' },
      result: { status: 'UNAUTHENTICATED', reason: 'INVALID_CREDENTIALS' },
      count: 3,
    }));
    expect(line).toMatchObject({ type: 'authentication', status: 'UNAUTHENTICATED', reason: 'INVALID_CREDENTIALS', clientAddress: '10.0.0.7', method: 'keyward.Verify', action: '', count: 3 });
  });
  it('names an authorization\'s action and survives missing fields', () => {
    const line = eventLine(event('2', 't', { authorizationInfo: { granted: false, operation: 'READ', resourceType: 'TOPIC', resourceName: 'orders' }, result: { status: 'UNAUTHORIZED' } }, 'io.keyward.authorization'));
    expect(line).toMatchObject({ type: 'authorization', action: 'READ TOPIC orders', clientAddress: '', method: '', count: 1 });
  });
});

describe('mergeNewestFirst', () => {
  it('merges lists newest first, each event once, up to the limit', () => {
    const a = [event('a', '2026-12-03T10:00:03Z', {}), event('b', '2026-12-03T10:00:01Z', {})];
    const b = [event('c', '2026-12-03T10:00:02Z', {}), event('a', '2026-12-03T10:00:03Z', {})];
    expect(mergeNewestFirst([a, b], 10).map((e) => e.id)).toEqual(['a', 'c', 'b']);
    expect(mergeNewestFirst([a, b], 2).map((e) => e.id)).toEqual(['a', 'c']);
  });
});

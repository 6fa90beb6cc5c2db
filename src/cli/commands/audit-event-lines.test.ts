import { describe, expect, it } from 'vitest';
import type { AuditEvent, AuditEventData } from '../../contract/index.js';
import { eventCells, shownTarget, fitEventColumns, renderEventLines, shortUtcTime } from './audit-event-lines.js';

const KEY = 'UTT6WDRXX7FHD2GV';

function event(overrides: Partial<AuditEventData> & { type?: string; time?: string } = {}): AuditEvent {
  const { type = 'io.keyward.management', time = '2026-12-03T05:58:41.123Z', ...data } = overrides;
  return {
    specversion: '1.0',
    id: 'e',
    source: 'crn://keyward/organization=00000000-0000-0000-0000-000000000000',
    type,
    subject: 'crn://keyward/organization=00000000-0000-0000-0000-000000000000',
    time,
    datacontenttype: 'application/json',
    keywardchain: 'c',
    keywardseq: 1,
    keywardprevhash: '',
    keywardhash: '',
    data: {
      methodName: 'iam.CreateAPIKey',
      authenticationInfo: { principal: 'User:u-abc123', metadata: { identifier: 'ADMINKEY00000001' } },
      request: { id: KEY },
      requestMetadata: { clientAddress: '127.0.0.1', requestId: null, userAgent: null },
      result: { status: 'SUCCESS' },
      ...data,
    },
  };
}

const verifyFailure = event({
  type: 'io.keyward.authentication',
  methodName: 'keyward.Verify',
  authenticationInfo: { principal: null, metadata: { identifier: KEY } },
  request: undefined,
  requestMetadata: { clientAddress: '2001:db8:85a3::8a2e:370:7334', requestId: null, userAgent: null },
  result: { status: 'UNAUTHENTICATED', reason: 'INVALID_CREDENTIALS' },
});

describe('audit-log list lines', () => {
  it('reads as time (UTC), who, what, target, result and from where', () => {
    expect(shortUtcTime('2026-12-03T05:58:41.123Z')).toBe('12-03 05:58:41');
    expect(eventCells(event())).toEqual(['12-03 05:58:41', 'u-abc123', 'iam.CreateAPIKey', KEY, 'SUCCESS', '127.0.0.1']);
    expect(eventCells(verifyFailure)).toEqual(['12-03 05:58:41', '-', 'keyward.Verify', KEY, 'UNAUTHENTICATED (INVALID_CREDENTIALS)', '2001:db8:85a3::8a2e:370:7334']);
    expect(eventCells(event({ type: 'io.keyward.authentication', methodName: 'keyward.Verify', count: 12, request: undefined }))[2]).toBe('keyward.Verify ×12');
  });

  it('names the object a management event changed, else the key used, else the resource', () => {
    expect(shownTarget(event({ request: { cluster: 'lkc-abc123' } }))).toBe('lkc-abc123');
    // the key bootstrap and recover-admin create, as audit-log list --target finds them
    expect(shownTarget(event({ request: { user: 'u-abc123', api_key: 'ADMINKEY00000002' } }))).toBe('ADMINKEY00000002');
    expect(shownTarget(event({ type: 'io.keyward.authentication', request: undefined }))).toBe('ADMINKEY00000001');
    expect(shownTarget(event({ request: {}, authenticationInfo: undefined, resourceName: 'crn://keyward/organization=o/environment=env-abc123' }))).toBe('env-abc123');
  });

  it('escapes control characters in cells', () => {
    expect(eventCells(event({ requestMetadata: { clientAddress: '10.0.0.1\u001b[2J', requestId: null, userAgent: null } }))[5]).toBe('10.0.0.1\\x1b[2J');
  });

  it('fits 80 columns: the reason and the method tail go first, the time never', () => {
    const lines = renderEventLines([event(), verifyFailure, event({ methodName: 'iam.CreateServiceAccount', request: { id: 'sa-abc123' } })], { width: 80 }).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME \(UTC\) {6}WHO/);
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(80);
    // an IPv6 address and a long method and reason share the cuts; the time, who and the key stay whole
    expect(lines[1]?.split(/\s{2,}/)).toEqual(['12-03 05:58:41', 'u-abc123', 'iam.Creat…', KEY, 'SUCCESS', '127.0.0.1']);
    expect(lines[2]?.split(/\s{2,}/)).toEqual(['12-03 05:58:41', '-', 'keyward.V…', KEY, 'UNAUTHENT…', '2001:db8:85…']);
  });

  it('cuts in the order of its steps and leaves a line that fits alone', () => {
    // time 14, who 8, what 24, target 36, result 37, from 9, and five gaps of 2: 138
    expect(fitEventColumns([14, 8, 24, 36, 37, 9], 200)).toEqual([14, 8, 24, 36, 37, 9]);
    expect(fitEventColumns([14, 8, 24, 36, 37, 9], 120)).toEqual([14, 8, 24, 36, 19, 9]);
    expect(fitEventColumns([14, 8, 24, 36, 37, 9], 80)).toEqual([14, 8, 10, 16, 13, 9]);
    const narrow = fitEventColumns([14, 8, 24, 36, 37, 9], 40);
    expect(narrow[0]).toBe(14);
    expect(narrow.reduce((a, b) => a + b, 0) + 10).toBeLessThanOrEqual(40);
  });

  it('prints every cell in full with wide, and no header line without headers', () => {
    const wide = renderEventLines([verifyFailure], { width: 40, wide: true, headers: false });
    expect(wide).toBe('12-03 05:58:41  -  keyward.Verify  UTT6WDRXX7FHD2GV  UNAUTHENTICATED (INVALID_CREDENTIALS)  2001:db8:85a3::8a2e:370:7334\n');
  });

  it('colours the result only when asked', () => {
    expect(renderEventLines([event()], { width: 80, colour: true })).toContain('\u001b[32mSUCCESS\u001b[39m');
    expect(renderEventLines([event()], { width: 80 })).not.toContain('\u001b[');
  });
});

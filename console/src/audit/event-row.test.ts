import { describe, expect, it } from 'vitest';
import { auditRow } from './event-row';

describe('auditRow', () => {
  it('reads the principal, the key and the line of an authentication', () => {
    const row = auditRow({
      id: 'e1', time: '2026-12-07T10:00:00Z', type: 'io.keyward.authentication', subject: 's',
      data: {
        methodName: 'keyward.Verify',
        authenticationInfo: { principal: 'User:sa-abc123', metadata: { mechanism: 'VERIFY_API', identifier: 'UTT6WDRXX7FHD2GV' } },
        requestMetadata: { clientAddress: '127.0.0.1' },
        result: { status: 'SUCCESS' },
      },
    });
    expect(row).toMatchObject({ type: 'authentication', method: 'keyward.Verify', principal: 'User:sa-abc123', apiKey: 'UTT6WDRXX7FHD2GV', clientAddress: '127.0.0.1', status: 'SUCCESS', target: '' });
  });
  it('names the target of a management event', () => {
    const row = auditRow({ id: 'e2', time: 't', type: 'io.keyward.management', subject: 's', data: { methodName: 'iam.DisableAPIKey', request: { id: 'KEY2' }, result: { status: 'SUCCESS' } } });
    expect(row).toMatchObject({ type: 'management', target: 'KEY2', principal: '', apiKey: '' });
  });
});

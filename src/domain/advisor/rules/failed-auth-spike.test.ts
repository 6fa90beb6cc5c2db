import { describe, expect, it } from 'vitest';
import { snapshot } from '../test-support/snapshot-builder.js';
import type { FailedAuthCount } from '../types.js';
import { FAILED_AUTH_SPIKE_THRESHOLD, failedAuthSpikeRule } from './failed-auth-spike.js';

const KNOWN = 'ORDERSAPPKEY0001'; // the snapshot's healthy key
const evaluate = (failedAuthByKey: FailedAuthCount[]) => failedAuthSpikeRule.evaluate(snapshot({ failedAuthByKey }));

describe('failed-auth-spike', () => {
  it('reports 20 failed authentications of one key in an hour, and not 19', () => {
    expect(FAILED_AUTH_SPIKE_THRESHOLD).toBe(20);
    expect(evaluate([{ api_key: KNOWN, count: 19 }])).toEqual([]);
    const [finding, ...rest] = evaluate([{ api_key: KNOWN, count: 20 }]);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ id: `failed-auth-spike:${KNOWN}`, severity: 'high', subject: KNOWN });
    expect(finding?.message).toContain(`API key ${KNOWN} of service account sa-orders ("orders-app") on Kafka cluster lkc-dev001`);
    expect(finding?.message).toContain('had 20 failed authentications in the last hour (threshold 20)');
    expect(finding?.remediation).toBe(`keyward audit-log list --api-key ${KNOWN} --result failure --since 1h`);
  });

  it('reports failures against a key id that matches no key', () => {
    const [finding] = evaluate([{ api_key: 'NOSUCHKEY0000001', count: 500 }]);
    expect(finding?.message).toContain('API key NOSUCHKEY0000001 (which matches no existing key) had at least 500 failed authentications in the last hour (threshold 20)');
  });

  it('adds up several counts for the same key, and keeps keys apart', () => {
    expect(evaluate([{ api_key: KNOWN, count: 10 }, { api_key: KNOWN, count: 10 }]).map((f) => f.message)).toEqual([
      expect.stringContaining('had 20 failed authentications'),
    ]);
    expect(evaluate([{ api_key: KNOWN, count: 10 }, { api_key: 'OTHERKEY00000001', count: 10 }])).toEqual([]);
  });
});

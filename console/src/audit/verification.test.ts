import { describe, expect, it } from 'vitest';
import type { AuditVerification } from '../../../src/contract/index';
import { verificationSummary } from './verification';

const base = { api_version: 'keyward/v1', kind: 'AuditVerification' };

describe('verificationSummary', () => {
  it('reports an intact log with what was checked', () => {
    expect(verificationSummary({ ...base, ok: true, chains: 3, events: 1204, broken_chains: 0 })).toEqual({ tone: 'success', text: 'The audit log is intact: 3 chains, 1,204 events verified.' });
    expect(verificationSummary({ ...base, ok: true, chains: 1, events: 1, broken_chains: 0 }).text).toBe('The audit log is intact: 1 chain, 1 event verified.');
  });
  it('names the broken chains and the first break', () => {
    const result: AuditVerification = {
      ...base, ok: false, chains: 2, events: 40, broken_chains: 1,
      first_broken: { chain: 'host-a', seq: 17, id: 'ev-17', time: '2026-12-07T10:00:00Z', reason: 'hash mismatch' },
    };
    expect(verificationSummary(result)).toEqual({
      tone: 'warning',
      text: 'The audit log was altered: 1 chain is broken (of 2 chains, 40 events checked). First break: chain host-a at seq 17 (event ev-17, 2026-12-07T10:00:00Z): hash mismatch.',
    });
  });
  it('names a broken chain registry and an anchor', () => {
    const result: AuditVerification = {
      ...base, ok: false, chains: 2, events: 40, broken_chains: 2,
      first_broken: { chain: '', reason: 'a registered chain is missing' },
      anchor: { id: 'cp-1', time: '2026-12-06T00:00:00Z', chains: 2 },
    };
    expect(verificationSummary(result).text).toBe('The audit log was altered: 2 chains are broken (of 2 chains, 40 events checked). First break: the chain registry: a registered chain is missing. Checked against checkpoint cp-1 of 2026-12-06T00:00:00Z (2 chains).');
  });
});

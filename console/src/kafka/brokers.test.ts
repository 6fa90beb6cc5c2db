import { describe, expect, it } from 'vitest';
import type { KafkaBrokerSync } from '../../../src/contract/index';
import { brokersSummary, brokerStatus, SILENT_AFTER_MS } from './brokers';

const now = Date.parse('2026-12-07T12:00:00Z');
const broker = (fields: Partial<KafkaBrokerSync>): KafkaBrokerSync => ({
  broker: '1', revision: 10, lag: 0, last_seen: '2026-12-07T11:59:55Z', streaming: true, client_address: '10.0.4.11', ...fields,
});

describe('brokerStatus', () => {
  it('is in sync at lag 0 and behind with a lag', () => {
    expect(brokerStatus(broker({}), now)).toMatchObject({ state: 'in sync', tone: 'good' });
    expect(brokerStatus(broker({ revision: 3, lag: 7 }), now)).toMatchObject({ state: 'behind', tone: 'warn', detail: 'The broker is 7 revisions behind the cluster' });
  });
  it('is events only without a revision', () => {
    expect(brokerStatus(broker({ revision: null, lag: null, streaming: false }), now).state).toBe('events only');
  });
  it('is silent when it neither asked recently nor streams', () => {
    const old = new Date(now - SILENT_AFTER_MS - 1000).toISOString();
    expect(brokerStatus(broker({ last_seen: old, streaming: false }), now)).toMatchObject({ state: 'silent', tone: 'bad' });
    expect(brokerStatus(broker({ last_seen: old, streaming: true }), now).state).toBe('in sync');
  });
});

describe('brokersSummary', () => {
  it('counts the brokers by state', () => {
    const brokers = [broker({ broker: '1' }), broker({ broker: '2', lag: 2 }), broker({ broker: '3' })];
    expect(brokersSummary({ cluster: 'lkc-1', revision: 10, brokers }, now)).toBe('3 brokers: 2 in sync, 1 behind.');
  });
  it('says when no broker has come yet', () => {
    expect(brokersSummary({ cluster: 'lkc-1', revision: 0, brokers: [] }, now)).toBe('No broker has contacted keyward yet.');
  });
});

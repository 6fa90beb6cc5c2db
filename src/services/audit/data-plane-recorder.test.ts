import { afterEach, describe, expect, it } from 'vitest';
import type { UsageOutcome } from '../../domain/usage.js';
import type { AuditInput } from './cloud-event.js';
import { DataPlaneRecorder, parseAggregateWindow, parseDataPlaneAuditMode, type DataPlaneAttempt, type DataPlaneAuditMode, type RecordedAggregate } from './data-plane-recorder.js';

interface Key {
  id: string;
}

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const recorders: DataPlaneRecorder<Key, string>[] = [];
afterEach(() => {
  for (const recorder of recorders.splice(0)) recorder.close();
});

function setup(options: { mode?: DataPlaneAuditMode; windowMs?: number; maxTuples?: number; maxAddresses?: number } = {}) {
  let now = T0;
  const recorded: AuditInput[] = [];
  const producers = new Set<{ seal(): void }>();
  const usage: Array<[string, number, UsageOutcome, number]> = [];
  const audit = {
    record: (input: AuditInput) => void recorded.push(input),
    attach(producer: { seal(): void }) {
      producers.add(producer);
      return () => void producers.delete(producer);
    },
  };
  const build = (attempt: DataPlaneAttempt, outcome: UsageOutcome, key: Key | undefined, decision: string | undefined, aggregate?: RecordedAggregate): AuditInput => ({
    type: decision ? 'io.keyward.authorization' : 'io.keyward.authentication',
    method: attempt.method,
    subject: 'crn://test',
    apiKey: attempt.key || undefined,
    principal: key ? `User:${key.id}` : undefined,
    request: attempt.request,
    status: outcome === 'VALID' ? 'SUCCESS' : 'UNAUTHENTICATED',
    reason: outcome === 'VALID' ? undefined : outcome,
    details: { resource: attempt.resource, action: attempt.action, overflow: aggregate?.overflow, decision },
  });
  const recorder = new DataPlaneRecorder<Key, string>({
    audit,
    build,
    usage: { add: (...args) => void usage.push(args) },
    now: () => now,
    tickMs: 3_600_000,
    ...options,
  });
  recorders.push(recorder);
  const attempt = (over: Partial<DataPlaneAttempt> & { address?: string } = {}): DataPlaneAttempt => ({
    key: 'AAAAAAAAAAAAAAAA',
    method: 'keyward.Verify',
    mechanism: 'VERIFY_API',
    request: { clientAddress: over.address ?? '10.0.0.1', requestId: `req-${Math.random()}`, userAgent: 'ua' },
    resource: 'lkc-1',
    ...over,
  });
  const flush = () => [...producers].forEach((p) => p.seal());
  const counts = () => recorded.map((e) => e.aggregate?.count ?? 1);
  const total = (outcome?: string) =>
    recorded.filter((e) => outcome === undefined || (e.reason ?? 'VALID') === outcome).reduce((sum, e) => sum + (e.aggregate?.count ?? 1), 0);
  return { recorder, recorded, usage, attempt, flush, counts, total, advance: (ms: number) => (now += ms), producers };
}

describe('mode all', () => {
  it('aggregates repeated successes into one event per tuple, sealed on flush with the first request as sample', () => {
    const s = setup();
    const key = { id: 'AAAAAAAAAAAAAAAA' };
    const first = s.attempt();
    s.recorder.count(first, 'VALID', key, key.id, undefined);
    for (let i = 0; i < 9; i++) {
      s.advance(1000);
      s.recorder.count(s.attempt(), 'VALID', key, key.id, undefined);
    }
    expect(s.recorded).toHaveLength(0);
    s.flush();
    expect(s.recorded).toHaveLength(1);
    const [event] = s.recorded;
    expect(event!.aggregate).toEqual({ count: 10, firstTime: new Date(T0), lastTime: new Date(T0 + 9000) });
    expect(event!.time).toEqual(new Date(T0));
    expect(event!.request).toBe(first.request);
    expect(event!.apiKey).toBe(key.id);
  });

  it('keeps tuples apart by key, method, resource, action, address and outcome', () => {
    const s = setup();
    const a = { id: 'AAAAAAAAAAAAAAAA' };
    const b = { id: 'BBBBBBBBBBBBBBBB' };
    const action = (name: string) => ({ operation: 'READ', resource_type: 'TOPIC', resource_name: name });
    const variants: Array<[DataPlaneAttempt, Key]> = [
      [s.attempt(), a],
      [s.attempt({ key: b.id }), b],
      [s.attempt({ method: 'keyward.AuthBasic', mechanism: 'HTTP_BASIC' }), a],
      [s.attempt({ resource: 'lkc-2' }), a],
      [s.attempt({ action: action('orders') }), a],
      [s.attempt({ action: action('payments') }), a],
      [s.attempt({ action: { ...action('orders'), operation: 'WRITE' } }), a],
      [s.attempt({ address: '10.0.0.2' }), a],
    ];
    for (let round = 0; round < 3; round++) {
      // fresh but equal strings: fields are compared by value
      for (const [attempt, key] of variants) s.recorder.count({ ...attempt, action: attempt.action && { ...attempt.action } }, 'VALID', key, key.id, attempt.action ? 'granted' : undefined);
    }
    s.flush();
    expect(s.counts()).toEqual(variants.map(() => 3));
    expect(s.recorded.filter((e) => e.type === 'io.keyward.authorization')).toHaveLength(3);
  });

  it('seals a window once it has ended, on the timer, and starts counting anew', async () => {
    const s = setup({ windowMs: 60_000 });
    const key = { id: 'AAAAAAAAAAAAAAAA' };
    s.recorder.count(s.attempt(), 'VALID', key, key.id, undefined);
    s.advance(59_999);
    s.recorder.count(s.attempt(), 'VALID', key, key.id, undefined);
    s.advance(1);
    // the first request of the next window rolls it; the ended one is sealed on the next turn
    s.recorder.count(s.attempt(), 'VALID', key, key.id, undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(s.counts()).toEqual([2]);
    s.flush();
    expect(s.counts()).toEqual([2, 1]);
    expect(s.recorded[1]!.time).toEqual(new Date(T0 + 60_000));
  });

  it('aligns windows to the wall clock', async () => {
    const s = setup({ windowMs: 10_000 });
    const key = { id: 'AAAAAAAAAAAAAAAA' };
    s.advance(7000);
    s.recorder.count(s.attempt(), 'VALID', key, key.id, undefined);
    s.advance(3000); // T0 + 10 s: a new window although the first request was only 3 s ago
    s.recorder.count(s.attempt(), 'VALID', key, key.id, undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(s.counts()).toEqual([1]);
  });

  it('records the first 20 failures per client address and window individually, then aggregates them', async () => {
    const s = setup();
    const key = { id: 'AAAAAAAAAAAAAAAA' };
    for (let i = 0; i < 25; i++) s.recorder.count(s.attempt(), 'DISABLED', key, key.id, undefined);
    for (let i = 0; i < 3; i++) s.recorder.count(s.attempt({ address: '10.0.0.9' }), 'DISABLED', key, key.id, undefined);
    expect(s.counts()).toEqual(Array(23).fill(1));
    s.flush();
    expect(s.counts()).toEqual([...Array(23).fill(1), 5]);
    expect(s.recorded[23]!.apiKey).toBe(key.id);
    // a seal mid-window does not reset the per-address count
    s.recorder.count(s.attempt(), 'DISABLED', key, key.id, undefined);
    s.flush();
    expect(s.counts().slice(24)).toEqual([1]);
    expect(s.recorded[24]!.aggregate?.count).toBe(1);
    // a new window does
    s.advance(60_000);
    s.recorder.count(s.attempt(), 'DISABLED', key, key.id, undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(s.recorded.at(-1)!.aggregate).toBeUndefined();
  });

  it('aggregates a flood of unknown ids and random resources into one tuple per method, address and outcome', () => {
    const s = setup();
    for (let i = 0; i < 1000; i++) s.recorder.count(s.attempt({ key: `K${i}`.padEnd(16, 'X'), resource: `lkc-${i}` }), 'INVALID_CREDENTIALS', undefined, undefined, undefined);
    s.flush();
    expect(s.recorded).toHaveLength(21);
    const aggregated = s.recorded[20]!;
    expect(aggregated.aggregate?.count).toBe(980);
    expect(aggregated.apiKey).toBeUndefined();
    expect(aggregated.details).toMatchObject({ resource: undefined });
    expect(s.total('INVALID_CREDENTIALS')).toBe(1000);
    expect(s.usage).toEqual([]);
  });

  it('keeps a wrong secret for an existing key in that key tuple and its usage', () => {
    const s = setup();
    for (let i = 0; i < 30; i++) s.recorder.count(s.attempt(), 'INVALID_CREDENTIALS', undefined, 'AAAAAAAAAAAAAAAA', undefined);
    s.flush();
    expect(s.recorded.at(-1)).toMatchObject({ apiKey: 'AAAAAAAAAAAAAAAA', aggregate: { count: 10 } });
    expect(s.usage).toEqual([['AAAAAAAAAAAAAAAA', Math.floor(T0 / 60_000), 'INVALID_CREDENTIALS', 30]]);
  });

  it('folds tuples past the bound, keeping counts exact', () => {
    const s = setup({ maxTuples: 5 });
    for (let i = 0; i < 20; i++) {
      const id = `K${i}`.padEnd(16, 'X');
      s.recorder.count(s.attempt({ key: id, address: `10.0.0.${i % 4}` }), 'VALID', { id }, id, undefined);
    }
    // folded ones too are bounded: past 5 addresses they fold over the address
    for (let i = 0; i < 10; i++) s.recorder.count(s.attempt({ key: 'Z'.repeat(16), address: `10.1.0.${i}` }), 'VALID', { id: 'Z'.repeat(16) }, 'Z'.repeat(16), undefined);
    s.flush();
    expect(s.total('VALID')).toBe(30);
    const overflow = s.recorded.filter((e) => (e.details as { overflow?: boolean }).overflow);
    expect(overflow.map((e) => e.apiKey)).toEqual(overflow.map(() => undefined));
    expect(s.recorded.length).toBeLessThanOrEqual(5 + 5 + 1);
    expect(overflow.some((e) => e.request?.clientAddress === '')).toBe(true);
  });

  it('aggregates the failures of addresses beyond the counted ones', () => {
    const s = setup({ maxAddresses: 2 });
    for (let i = 0; i < 5; i++) s.recorder.count(s.attempt({ address: `10.0.0.${i}` }), 'EXPIRED', undefined, undefined, undefined);
    expect(s.counts()).toEqual([1, 1]);
    s.flush();
    expect(s.total('EXPIRED')).toBe(5);
  });
});

describe('the other modes', () => {
  it('every: one event per request, none aggregated', () => {
    const s = setup({ mode: 'every' });
    const key = { id: 'AAAAAAAAAAAAAAAA' };
    for (let i = 0; i < 30; i++) s.recorder.count(s.attempt(), 'VALID', key, key.id, undefined);
    for (let i = 0; i < 30; i++) s.recorder.count(s.attempt(), 'EXPIRED', key, key.id, undefined);
    s.flush();
    expect(s.counts()).toEqual(Array(60).fill(1));
    expect(s.recorded.every((e) => e.aggregate === undefined)).toBe(true);
    expect(s.usage).toEqual([
      [key.id, Math.floor(T0 / 60_000), 'VALID', 30],
      [key.id, Math.floor(T0 / 60_000), 'EXPIRED', 30],
    ]);
  });

  it('failures: no success, failures as in all', () => {
    const s = setup({ mode: 'failures' });
    const key = { id: 'AAAAAAAAAAAAAAAA' };
    for (let i = 0; i < 30; i++) s.recorder.count(s.attempt(), 'VALID', key, key.id, undefined);
    for (let i = 0; i < 30; i++) s.recorder.count(s.attempt(), 'WRONG_RESOURCE', key, key.id, undefined);
    s.flush();
    expect(s.counts()).toEqual([...Array(20).fill(1), 10]);
    expect(s.usage.map(([, , outcome, count]) => [outcome, count])).toEqual([
      ['VALID', 30],
      ['WRONG_RESOURCE', 30],
    ]);
  });

  it('off: no event, usage still counted; countUsage counts without an event', () => {
    const s = setup({ mode: 'off' });
    const key = { id: 'AAAAAAAAAAAAAAAA' };
    for (let i = 0; i < 5; i++) s.recorder.count(s.attempt(), 'VALID', key, key.id, undefined);
    s.recorder.count(s.attempt(), 'RATE_LIMITED', undefined, undefined, undefined);
    s.recorder.countUsage(key.id, 'VALID');
    s.flush();
    expect(s.recorded).toEqual([]);
    expect(s.usage).toEqual([[key.id, Math.floor(T0 / 60_000), 'VALID', 6]]);
  });
});

describe('usage and closing', () => {
  it('hands usage over per minute, at the minute the requests fell in', () => {
    const s = setup({ mode: 'off' });
    s.recorder.count(s.attempt(), 'VALID', undefined, 'AAAAAAAAAAAAAAAA', undefined);
    s.advance(60_000);
    s.recorder.count(s.attempt(), 'VALID', undefined, 'AAAAAAAAAAAAAAAA', undefined);
    s.recorder.count(s.attempt(), 'FORBIDDEN', undefined, 'AAAAAAAAAAAAAAAA', undefined);
    expect(s.usage).toEqual([['AAAAAAAAAAAAAAAA', Math.floor(T0 / 60_000), 'VALID', 1]]);
    s.flush();
    expect(s.usage.slice(1)).toEqual([
      ['AAAAAAAAAAAAAAAA', Math.floor(T0 / 60_000) + 1, 'VALID', 1],
      ['AAAAAAAAAAAAAAAA', Math.floor(T0 / 60_000) + 1, 'FORBIDDEN', 1],
    ]);
  });

  it('close seals the open window, detaches and records nothing more', () => {
    const s = setup();
    const key = { id: 'AAAAAAAAAAAAAAAA' };
    s.recorder.count(s.attempt(), 'VALID', key, key.id, undefined);
    expect(s.producers.size).toBe(1);
    s.recorder.close();
    expect(s.counts()).toEqual([1]);
    expect(s.producers.size).toBe(0);
    s.recorder.count(s.attempt(), 'VALID', key, key.id, undefined);
    s.recorder.close();
    expect(s.counts()).toEqual([1]);
  });
});

describe('flags', () => {
  it('parses the mode and the window, naming the valid values', () => {
    expect(parseDataPlaneAuditMode('every')).toBe('every');
    expect(() => parseDataPlaneAuditMode('some')).toThrow('valid values are all, every, failures, off');
    expect(parseAggregateWindow('1s')).toBe(1000);
    expect(parseAggregateWindow('5m')).toBe(300_000);
    expect(parseAggregateWindow('1h')).toBe(3_600_000);
    for (const bad of ['0', '999ms', '2h', 'soon', '']) expect(() => parseAggregateWindow(bad), bad).toThrow('use a duration from 1s to 1h');
  });
});

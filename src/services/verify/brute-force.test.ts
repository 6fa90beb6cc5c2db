import { describe, expect, it } from 'vitest';
import { BruteForceGuard } from './brute-force.js';

describe('BruteForceGuard', () => {
  it('blocks one address for one key id after repeated failures, never the key id for everyone', () => {
    let now = 0;
    const guard = new BruteForceGuard({ keyFailures: 3, addressFailures: 100, windowMs: 1000, blockMs: 5000 }, () => now);
    expect(guard.fail('K', '10.0.0.1')).toEqual([]);
    expect(guard.fail('K', '10.0.0.1')).toEqual([]);
    expect(guard.blockedFor('K', '10.0.0.1')).toBe(0);
    expect(guard.fail('K', '10.0.0.1')).toEqual([{ subject: 'key-address', key: 'K', address: '10.0.0.1', until: 5000, failures: 3 }]);
    expect(guard.blockedFor('K', '10.0.0.1')).toBe(5000);
    // the owner elsewhere, and the attacker on another key, are not blocked
    expect(guard.blockedFor('K', '10.0.0.2')).toBe(0);
    expect(guard.blockedFor('OTHER', '10.0.0.1')).toBe(0);
    now = 1234;
    expect(guard.blockedFor('K', '10.0.0.1')).toBe(3766);
    now = 5001;
    expect(guard.blockedFor('K', '10.0.0.1')).toBe(0);
  });

  it('failures spread over many addresses on one key id block none of them', () => {
    const guard = new BruteForceGuard({ keyFailures: 3, addressFailures: 100 }, () => 0);
    for (let i = 0; i < 1000; i++) expect(guard.fail('K', `10.0.${i >> 8}.${i & 255}`)).toEqual([]);
    expect(guard.blockedFor('K', '10.9.9.9')).toBe(0);
  });

  it('blocks an address that fails across many key ids, for every key', () => {
    const guard = new BruteForceGuard({ keyFailures: 100, addressFailures: 3 }, () => 0);
    guard.fail('A', '1.2.3.4');
    guard.fail('B', '1.2.3.4');
    expect(guard.fail('C', '1.2.3.4')).toEqual([{ subject: 'address', address: '1.2.3.4', until: 300_000, failures: 3 }]);
    expect(guard.blockedFor('D', '1.2.3.4')).toBe(300_000);
    expect(guard.blockedFor('D', '1.2.3.5')).toBe(0);
  });

  it('reports a block once and does not extend it', () => {
    let now = 0;
    const guard = new BruteForceGuard({ keyFailures: 2, addressFailures: 100, blockMs: 1000 }, () => now);
    guard.fail('K', 'x');
    expect(guard.fail('K', 'x')).toHaveLength(1);
    now = 500;
    expect(guard.fail('K', 'x')).toEqual([]);
    expect(guard.fail('K', 'x')).toEqual([]);
    expect(guard.blockedFor('K', 'x')).toBe(500);
  });

  it('forgets failures outside the window', () => {
    let now = 0;
    const guard = new BruteForceGuard({ keyFailures: 2, windowMs: 100 }, () => now);
    guard.fail('K', 'x');
    now = 150;
    expect(guard.fail('K', 'x')).toEqual([]);
  });

  it('stays within its capacity, and a flood of new counters does not evict a running block', () => {
    const guard = new BruteForceGuard({ keyFailures: 2, addressFailures: 1_000_000, capacity: 100 }, () => 0);
    guard.fail('K', 'attacker');
    guard.fail('K', 'attacker');
    for (let i = 0; i < 10_000; i++) guard.fail(`K${i}`, `a${i}`);
    expect(guard.blockedFor('K', 'attacker')).toBeGreaterThan(0);
    const sizes = guard as unknown as { counters: Map<string, unknown>; blocks: Map<string, unknown> };
    expect(sizes.counters.size).toBeLessThanOrEqual(100);
    expect(sizes.blocks.size).toBeLessThanOrEqual(100);
  });

  it('keeps at most capacity blocks, dropping the ones that end first', () => {
    const guard = new BruteForceGuard({ keyFailures: 1, addressFailures: 1_000_000, capacity: 10 }, () => 0);
    for (let i = 0; i < 50; i++) guard.fail('K', `a${i}`);
    expect(guard.blockedFor('K', 'a49')).toBeGreaterThan(0);
    expect(guard.blockedFor('K', 'a0')).toBe(0);
    expect((guard as unknown as { blocks: Map<string, unknown> }).blocks.size).toBe(10);
  });
});

import { describe, expect, it } from 'vitest';
import { BruteForceGuard } from './brute-force.js';

describe('BruteForceGuard', () => {
  it('blocks a key id after repeated failures, for a while, and reports the block once', () => {
    let now = 0;
    const guard = new BruteForceGuard({ keyFailures: 3, addressFailures: 100, windowMs: 1000, blockMs: 5000 }, () => now);
    expect(guard.fail('K', '10.0.0.1')).toEqual([]);
    expect(guard.fail('K', '10.0.0.2')).toEqual([]);
    expect(guard.blocked('K', '10.0.0.3')).toBe(false);
    expect(guard.fail('K', '10.0.0.3')).toEqual([{ subject: 'key', value: 'K', until: 5000, failures: 3 }]);
    expect(guard.blocked('K', '10.0.0.9')).toBe(true);
    expect(guard.blocked('OTHER', '10.0.0.9')).toBe(false);
    expect(guard.fail('K', '10.0.0.3')).toEqual([]);
    now = 5001;
    expect(guard.blocked('K', '10.0.0.9')).toBe(false);
  });

  it('blocks an address that fails across many key ids', () => {
    const guard = new BruteForceGuard({ keyFailures: 100, addressFailures: 3 }, () => 0);
    guard.fail('A', '1.2.3.4');
    guard.fail('B', '1.2.3.4');
    expect(guard.fail('C', '1.2.3.4').map((b) => b.subject)).toEqual(['address']);
    expect(guard.blocked('D', '1.2.3.4')).toBe(true);
    expect(guard.blocked('D', '1.2.3.5')).toBe(false);
  });

  it('forgets failures outside the window', () => {
    let now = 0;
    const guard = new BruteForceGuard({ keyFailures: 2, windowMs: 100 }, () => now);
    guard.fail('K', 'x');
    now = 150;
    expect(guard.fail('K', 'x')).toEqual([]);
  });
});

/**
 * Brute-force protection that cannot be turned into a lockout: failures are counted per
 * (key id, client address) and per client address in a fixed window, and past a threshold only
 * that address is blocked — for that key, or for every key. Key ids are not secret, so nothing is
 * ever blocked per key id alone: the owner's correct secret from another address always works.
 * Blocks are local to an instance; the client address is the real one (see client-address.ts).
 */
export interface BruteForceOptions {
  /** Failures for one key id from one address within the window before that pair is blocked (default 10). */
  keyFailures?: number;
  /** Failures from one address (any key ids) within the window before the address is blocked (default 30). */
  addressFailures?: number;
  windowMs?: number;
  blockMs?: number;
  /** Most failure counters, and separately most blocks, kept at once; the oldest go first (default 100,000). */
  capacity?: number;
}

interface Counter {
  windowStart: number;
  failures: number;
}

export interface BlockStarted {
  /** `key-address`: this address for this key id; `address`: this address for every key. */
  subject: 'key-address' | 'address';
  key?: string;
  address: string;
  until: number;
  failures: number;
}

/** Key ids longer than this are counted as one (they cannot exist; the address counter still counts them). */
const KEY_ID_MAX = 64;

export class BruteForceGuard {
  private readonly counters = new Map<string, Counter>();
  /** Block expiry by subject; kept apart from the counters so a flood of new counters cannot evict a block. */
  private readonly blocks = new Map<string, number>();
  private readonly keyFailures: number;
  private readonly addressFailures: number;
  private readonly windowMs: number;
  private readonly blockMs: number;
  private readonly capacity: number;

  constructor(options: BruteForceOptions = {}, private readonly now: () => number = Date.now) {
    this.keyFailures = options.keyFailures ?? 10;
    this.addressFailures = options.addressFailures ?? 30;
    this.windowMs = options.windowMs ?? 60_000;
    this.blockMs = options.blockMs ?? 300_000;
    this.capacity = options.capacity ?? 100_000;
  }

  /** Milliseconds this address must still wait before trying this key id again; 0 when it may. */
  blockedFor(keyId: string, address: string): number {
    if (this.blocks.size === 0) return 0;
    const t = this.now();
    const until = Math.max(this.blocks.get(addressSubject(address)) ?? 0, this.blocks.get(pairSubject(keyId, address)) ?? 0);
    return until > t ? until - t : 0;
  }

  /** Counts a failure of this address on this key id; returns the blocks that this failure started. */
  fail(keyId: string, address: string): BlockStarted[] {
    const started: BlockStarted[] = [];
    const t = this.now();
    const pair = pairSubject(keyId, address);
    const pairFailures = this.count(pair, t);
    if (pairFailures >= this.keyFailures && this.block(pair, t)) {
      started.push({ subject: 'key-address', key: keyId.slice(0, KEY_ID_MAX), address, until: t + this.blockMs, failures: pairFailures });
    }
    const subject = addressSubject(address);
    const addressFailures = this.count(subject, t);
    if (addressFailures >= this.addressFailures && this.block(subject, t)) {
      started.push({ subject: 'address', address, until: t + this.blockMs, failures: addressFailures });
    }
    return started;
  }

  private count(subject: string, t: number): number {
    let counter = this.counters.get(subject);
    if (!counter || t - counter.windowStart >= this.windowMs) counter = { windowStart: t, failures: 0 };
    // Map keeps insertion order: re-inserting makes this the most recent, so the oldest is first.
    this.counters.delete(subject);
    this.counters.set(subject, counter);
    counter.failures++;
    if (this.counters.size > this.capacity) this.counters.delete(this.counters.keys().next().value as string);
    return counter.failures;
  }

  /** Starts a block unless one is running; true when it started one. */
  private block(subject: string, t: number): boolean {
    const until = this.blocks.get(subject);
    if (until !== undefined && until > t) return false;
    this.blocks.delete(subject);
    this.blocks.set(subject, t + this.blockMs);
    this.counters.delete(subject);
    // Every block lasts blockMs, so insertion order is expiry order: the first ones end first.
    for (const [oldest, ends] of this.blocks) {
      if (ends > t && this.blocks.size <= this.capacity) break;
      this.blocks.delete(oldest);
    }
    return true;
  }
}

function addressSubject(address: string): string {
  return `a ${address}`;
}

function pairSubject(keyId: string, address: string): string {
  return `k ${keyId.length > KEY_ID_MAX ? '…' : keyId} ${address}`;
}

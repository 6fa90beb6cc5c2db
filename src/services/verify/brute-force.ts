/**
 * Brute-force protection: failures are counted per key id and per client address in a fixed
 * window; past the threshold the subject is blocked for a while. Blocks are local to an instance.
 */
export interface BruteForceOptions {
  /** Failures for one key id within the window before it is blocked (default 10). */
  keyFailures?: number;
  /** Failures from one client address within the window before it is blocked (default 30). */
  addressFailures?: number;
  windowMs?: number;
  blockMs?: number;
  /** Most subjects tracked at once; the oldest are forgotten first (default 100,000). */
  capacity?: number;
}

interface Counter {
  windowStart: number;
  failures: number;
  blockedUntil: number;
}

export interface BlockStarted {
  subject: 'key' | 'address';
  value: string;
  until: number;
  failures: number;
}

export class BruteForceGuard {
  private readonly counters = new Map<string, Counter>();
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

  /** Is this key id or this address blocked right now? */
  blocked(keyId: string, address: string): boolean {
    const t = this.now();
    return (this.counters.get(`k:${keyId}`)?.blockedUntil ?? 0) > t || (this.counters.get(`a:${address}`)?.blockedUntil ?? 0) > t;
  }

  /** Counts a failure; returns the blocks that this failure started. */
  fail(keyId: string, address: string): BlockStarted[] {
    const started: BlockStarted[] = [];
    const k = this.count(`k:${keyId}`, this.keyFailures);
    if (k) started.push({ subject: 'key', value: keyId, ...k });
    const a = this.count(`a:${address}`, this.addressFailures);
    if (a) started.push({ subject: 'address', value: address, ...a });
    return started;
  }

  private count(id: string, threshold: number): { until: number; failures: number } | undefined {
    const t = this.now();
    let counter = this.counters.get(id);
    if (!counter || t - counter.windowStart >= this.windowMs) {
      counter = { windowStart: t, failures: 0, blockedUntil: counter?.blockedUntil ?? 0 };
    }
    this.counters.delete(id);
    this.counters.set(id, counter);
    counter.failures++;
    if (this.counters.size > this.capacity) this.counters.delete(this.counters.keys().next().value as string);
    if (counter.failures >= threshold && counter.blockedUntil <= t) {
      counter.blockedUntil = t + this.blockMs;
      return { until: counter.blockedUntil, failures: counter.failures };
    }
    return undefined;
  }
}

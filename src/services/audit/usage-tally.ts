import { epochMinute, USAGE_OUTCOMES, type UsageOutcome, type UsageSink } from '../../domain/usage.js';

const OUTCOME_INDEX: Readonly<Record<UsageOutcome, number>> = Object.freeze(
  Object.fromEntries(USAGE_OUTCOMES.map((outcome, index) => [outcome, index])) as Record<UsageOutcome, number>,
);

/**
 * Per-key usage of the current minute, counted on the hot path and handed to the sink when the
 * minute ends (or on `handOver()`). A key's first request in a minute allocates its counters; every
 * other one is an increment.
 */
export class UsageTally {
  private counts = new Map<string, number[]>();
  private minute = 0;
  private minuteEnd = 0;

  constructor(private readonly sink: UsageSink | undefined) {}

  /** Counts one authentication of the existing key `keyId` at `now` (ms since the epoch). */
  add(keyId: string, outcome: UsageOutcome, now: number): void {
    if (this.sink === undefined) return;
    if (now >= this.minuteEnd) this.startMinute(now);
    let counts = this.counts.get(keyId);
    if (counts === undefined) {
      counts = [0, 0, 0, 0, 0, 0, 0];
      this.counts.set(keyId, counts);
    }
    counts[OUTCOME_INDEX[outcome]]! += 1;
  }

  /** Hands the minute over once it has ended. */
  tick(now: number): void {
    if (now >= this.minuteEnd) this.handOver();
  }

  /** Hands everything counted so far to the sink (the same minute may be handed over again: the sink adds up). */
  handOver(): void {
    if (this.sink === undefined || this.counts.size === 0) return;
    const counts = this.counts;
    this.counts = new Map();
    for (const [keyId, perOutcome] of counts) {
      perOutcome.forEach((count, index) => {
        if (count > 0) this.sink!.add(keyId, this.minute, USAGE_OUTCOMES[index]!, count);
      });
    }
  }

  private startMinute(now: number): void {
    this.handOver();
    this.minute = epochMinute(now);
    this.minuteEnd = (this.minute + 1) * 60_000;
  }
}

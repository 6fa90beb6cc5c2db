/**
 * Per-key usage (DESIGN §3 `GET /keyward/v1/api-keys/{id}/usage`): how many authentications a key
 * took part in, per minute and outcome. The outcomes are the verification codes.
 */
export const USAGE_OUTCOMES = ['VALID', 'INVALID_CREDENTIALS', 'EXPIRED', 'DISABLED', 'WRONG_RESOURCE', 'FORBIDDEN', 'RATE_LIMITED'] as const;
export type UsageOutcome = (typeof USAGE_OUTCOMES)[number];

/** Milliseconds since the epoch → the minute it falls in (the rollup's time unit). */
export function epochMinute(ms: number): number {
  return Math.floor(ms / 60_000);
}

/**
 * Where aggregated counts go once their window closes: `count` authentications of existing key
 * `keyId` with `outcome` in epoch minute `minute`. Called off the hot path, a few times a minute per key.
 */
export interface UsageSink {
  add(keyId: string, minute: number, outcome: UsageOutcome, count: number): void;
}

/**
 * The shapes the keys pages read, taken from the contract's response schemas (type-only: nothing of the
 * server reaches the bundle). Where the contract has no exported schema yet, the fields the pages read.
 */
import type { UsageOutcome } from '../../../src/contract/index';
import type { UsageSummaryBody } from '../../../src/contract/usage-summary';
import type { ApiKey, Environment, KafkaCluster, SchemaRegistryCluster, ServiceAccount, User } from '../../../src/contract/schemas/index';

export type { ApiKey, Environment, KafkaCluster, SchemaRegistryCluster, ServiceAccount, User };

/** `POST /keyward/v1/api-keys/{id}/rotate`: the new key (with its secret) and what happened to the old one. */
export type RotatedApiKey = ApiKey & { rotation: { replaces: string; old_key_expires_at: string } };

/** Authentications per outcome (every outcome listed). */
export type OutcomeCounts = Record<UsageOutcome, number>;

export interface UsageBucketCounts {
  start: string;
  counts: OutcomeCounts;
}

/** `GET /keyward/v1/api-keys/{id}/usage`. */
export interface KeyUsage {
  id: string;
  since: string;
  until: string;
  bucket: string;
  totals: OutcomeCounts;
  data: UsageBucketCounts[];
}

/** `GET /keyward/v1/usage`: the organization's usage and, per key used in the window, its own. */
export type UsageSummary = UsageSummaryBody;

/** A CloudEvent of `GET /keyward/v1/audit-events` (`data` is free-form; read it with audit-event.ts). */
export interface AuditEvent {
  id: string;
  type: string;
  subject: string;
  time: string;
  data: Record<string, unknown>;
}

/**
 * The advisor's input and output. The advisor is a pure function of a snapshot of the organization
 * (taken by the caller from the store) and the snapshot's clock (`now`): it does no I/O, so the
 * same snapshot always gives the same findings. Times are ISO-8601 strings, as stored.
 */
import type { Severity } from './severity.js';

export interface AdvisorPolicy {
  max_key_lifetime_ms: number | null;
  require_service_account_keys_in_production: boolean;
  max_keys_per_owner_resource: number;
  unused_key_days: number;
  rotation_days: number;
}

export interface SnapshotEnvironment {
  id: string;
  name: string;
  stage: string;
}

export interface SnapshotCluster {
  id: string;
  kind: 'kafka' | 'schema-registry';
  environment_id: string;
}

export interface SnapshotUser {
  id: string;
  email: string;
  status: string;
}

export interface SnapshotServiceAccount {
  id: string;
  name: string;
  status: string;
  created_at: string;
}

export type KeyOwnerKind = 'user' | 'service-account';
export type KeyResourceKind = 'cloud' | 'kafka' | 'schema-registry';

export interface SnapshotApiKey {
  id: string;
  owner_id: string;
  owner_kind: KeyOwnerKind;
  resource_id: string;
  resource_kind: KeyResourceKind;
  status: 'ACTIVE' | 'DISABLED';
  created_at: string;
  expires_at: string | null;
  last_used: string | null;
  /** The key this one replaced when it was issued by `api-key rotate`. */
  replaces: string | null;
  /** The key that replaced this one: set on a rotated-out key, which expires after its grace. */
  replaced_by: string | null;
}

export interface SnapshotRoleBinding {
  id: string;
  principal: string;
  role_name: string;
  crn_pattern: string;
}

export interface SnapshotAcl {
  id: string;
  cluster_id: string;
  principal: string;
  permission: string;
  operation: string;
  resource_type: string;
  resource_name: string;
  pattern_type: string;
}

/** Failed data-plane authentications of one key during the hour before `now`. */
export interface FailedAuthCount {
  api_key: string;
  count: number;
}

/**
 * The most recent successful use of a rotated-out key, when the caller knows it more precisely than
 * the key's `last_used` column (which is written at most once a minute).
 */
export interface KeyUseDuringGrace {
  api_key: string;
  last_used: string;
}

export interface AdvisorSnapshot {
  now: Date;
  policy: AdvisorPolicy;
  environments: readonly SnapshotEnvironment[];
  clusters: readonly SnapshotCluster[];
  users: readonly SnapshotUser[];
  serviceAccounts: readonly SnapshotServiceAccount[];
  apiKeys: readonly SnapshotApiKey[];
  roleBindings: readonly SnapshotRoleBinding[];
  acls: readonly SnapshotAcl[];
  failedAuthByKey: readonly FailedAuthCount[];
  keyUseDuringGrace?: readonly KeyUseDuringGrace[];
}

export interface Finding {
  /** Stable across runs for the same problem: `${rule}:${subject}`. */
  id: string;
  rule: string;
  severity: Severity;
  /** The id of the thing the finding is about: an API key, a service account, a role binding, … */
  subject: string;
  /** One or two sentences a person understands, with the numbers that matter. */
  message: string;
  /**
   * `keyward` commands, one per line, to run in that order: each runs exactly as printed (no
   * placeholders) and none breaks a client that works. They fix the problem or, where a person must
   * choose (the message says so), show what to choose from.
   */
  remediation: string;
}

export interface AdvisorRule {
  name: string;
  severity: Severity;
  /** What the rule checks and why, for the docs and `keyward advisor --help`. */
  description: string;
  evaluate(snapshot: AdvisorSnapshot): Finding[];
}

/**
 * The best-practice advisor of DESIGN §6: pure rules over a snapshot of the organization.
 * The advisor service builds the snapshot from the store; `keyward advisor --fail-on` uses
 * `severityAtLeast`.
 */
export { runAdvisor, compareFindings, describeAdvisorRules } from './run-advisor.js';
export type { RuleDescription } from './run-advisor.js';
export { SEVERITIES, isSeverity, severityAtLeast } from './severity.js';
export type { Severity } from './severity.js';
export { ADVISOR_RULES } from './rules/index.js';
export { NEVER_USED_GRACE_DAYS } from './rules/unused-key.js';
export { RECOMMENDED_MAX_ACTIVE_KEYS } from './rules/too-many-keys.js';
export { FAILED_AUTH_SPIKE_THRESHOLD } from './rules/failed-auth-spike.js';
export type {
  AdvisorPolicy,
  AdvisorRule,
  AdvisorSnapshot,
  FailedAuthCount,
  Finding,
  KeyUseDuringGrace,
  SnapshotAcl,
  SnapshotApiKey,
  SnapshotCluster,
  SnapshotEnvironment,
  SnapshotRoleBinding,
  SnapshotServiceAccount,
  SnapshotUser,
} from './types.js';

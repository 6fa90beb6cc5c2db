/**
 * The organization policy of DESIGN §6 and its checks on new API keys: pure functions of the policy,
 * the facts about the key being created and a clock. The policy service stores it (settings table,
 * JSON) and calls `refusalForNewKey` wherever a key is issued by a person's request.
 */
import type { AdvisorPolicy } from './advisor/types.js';
import { formatDuration, parseDuration } from './durations.js';
import { MAX_KEY_LIFETIME } from '../contract/durations.js';
import { errors, type KeywardError } from './errors.js';

export interface Policy {
  /** Longest lifetime a new key may have (`90d`), or null for no limit. */
  max_key_lifetime: string | null;
  /** Refuse user-owned keys on the resources of `production` environments. */
  require_service_account_keys_in_production: boolean;
  /** Keys one owner may hold on one resource (expired keys do not count). */
  max_keys_per_owner_resource: number;
  /** A key without a successful authentication for this many days is reported as unused. */
  unused_key_days: number;
  /** A key older than this many days is reported as due for rotation. */
  rotation_days: number;
}

export const DEFAULT_POLICY: Readonly<Policy> = Object.freeze({
  max_key_lifetime: null,
  require_service_account_keys_in_production: false,
  max_keys_per_owner_resource: 10,
  unused_key_days: 90,
  rotation_days: 90,
});

export const POLICY_FIELDS = Object.keys(DEFAULT_POLICY) as Array<keyof Policy>;

/** The ranges of the policy's whole-number fields (the CLI checks them before the request too). */
export const POLICY_LIMITS = {
  max_keys_per_owner_resource: { min: 1, max: 1000 },
  unused_key_days: { min: 1, max: 3650 },
  rotation_days: { min: 1, max: 3650 },
} as const;

const MAX_LIFETIME_MS = MAX_KEY_LIFETIME.maxMs as number;

function normaliseLifetime(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw errors.invalid('max_key_lifetime must be a duration such as 90d, or null for no limit');
  const ms = parseDuration(value, 'max_key_lifetime');
  if (ms <= 0) throw errors.invalid('max_key_lifetime must be greater than zero (use null for no limit)');
  if (ms > MAX_LIFETIME_MS) throw errors.invalid('max_key_lifetime must be at most 3650d (use null for no limit)');
  return formatDuration(ms);
}

function integerField(field: keyof typeof POLICY_LIMITS, value: unknown): number {
  const { min, max } = POLICY_LIMITS[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw errors.invalid(`${field} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  }
  return value;
}

/**
 * Applies a PATCH body to the current policy: every field optional, unknown fields refused, values
 * checked and normalised (`2160h` becomes `90d`). Throws `invalid_configuration` naming the field.
 */
export function applyPolicyPatch(current: Policy, patch: unknown): Policy {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw errors.invalid('The policy update must be a JSON object');
  const entries = Object.entries(patch as Record<string, unknown>);
  if (entries.length === 0) throw errors.invalid(`Nothing to update: give one or more of ${POLICY_FIELDS.join(', ')}`);
  const next: Policy = { ...current };
  for (const [field, value] of entries) {
    switch (field) {
      case 'max_key_lifetime':
        next.max_key_lifetime = normaliseLifetime(value);
        break;
      case 'require_service_account_keys_in_production':
        if (typeof value !== 'boolean') throw errors.invalid('require_service_account_keys_in_production must be true or false');
        next.require_service_account_keys_in_production = value;
        break;
      case 'max_keys_per_owner_resource':
      case 'unused_key_days':
      case 'rotation_days':
        next[field] = integerField(field, value);
        break;
      default:
        throw errors.invalid(`Unknown policy field "${field}": the policy has ${POLICY_FIELDS.join(', ')}`);
    }
  }
  return next;
}

/** The stored JSON, read leniently: a missing or unreadable field takes its default. */
export function parseStoredPolicy(json: string | undefined): Policy {
  if (json === undefined) return { ...DEFAULT_POLICY };
  let stored: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(json);
    stored = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    stored = {};
  }
  const policy: Policy = { ...DEFAULT_POLICY };
  for (const field of POLICY_FIELDS) {
    if (!(field in stored)) continue;
    try {
      Object.assign(policy, applyPolicyPatch(policy, { [field]: stored[field] }));
    } catch {
      // keep the default for a field that no longer validates
    }
  }
  return policy;
}

export function maxLifetimeMs(policy: Policy): number | null {
  return policy.max_key_lifetime === null ? null : parseDuration(policy.max_key_lifetime);
}

export function toAdvisorPolicy(policy: Policy): AdvisorPolicy {
  return {
    max_key_lifetime_ms: maxLifetimeMs(policy),
    require_service_account_keys_in_production: policy.require_service_account_keys_in_production,
    max_keys_per_owner_resource: policy.max_keys_per_owner_resource,
    unused_key_days: policy.unused_key_days,
    rotation_days: policy.rotation_days,
  };
}

/** What the policy needs to know about a key about to be issued. */
export interface NewKeyFacts {
  owner: { kind: 'user' | 'service-account'; id: string };
  resource: { id: string; kind: 'cloud' | 'kafka' | 'schema-registry' };
  /** The environment of the key's resource (none for `cloud`). */
  environment: { id: string; name: string; stage: string } | null;
  expiresAt: string | null;
  /** Keys the owner already holds on the resource, expired ones left out. */
  existingKeys: number;
  now: Date;
}

export type PolicyName = 'require_service_account_keys_in_production' | 'max_key_lifetime' | 'max_keys_per_owner_resource';

export interface PolicyRefusal {
  policy: PolicyName;
  error: KeywardError;
}

function ownerFlag(owner: NewKeyFacts['owner']): string {
  return owner.kind === 'service-account' ? ` --service-account ${owner.id}` : '';
}

function productionRefusal(policy: Policy, facts: NewKeyFacts): PolicyRefusal | null {
  if (!policy.require_service_account_keys_in_production || facts.owner.kind !== 'user') return null;
  if (facts.environment?.stage !== 'production') return null;
  const env = facts.environment;
  return {
    policy: 'require_service_account_keys_in_production',
    error: errors.invalid(
      `Policy require_service_account_keys_in_production refuses user-owned API keys on production resources: ` +
        `${facts.resource.id} is in environment ${env.name} (${env.id}, stage production). ` +
        `Create a service-account key instead: keyward api-key create --resource ${facts.resource.id} --service-account <SA_ID>`,
    ),
  };
}

function lifetimeRefusal(policy: Policy, facts: NewKeyFacts): PolicyRefusal | null {
  const maxMs = maxLifetimeMs(policy);
  if (maxMs === null) return null;
  const latest = new Date(facts.now.getTime() + maxMs).toISOString();
  if (facts.expiresAt !== null && facts.expiresAt <= latest) return null;
  const problem = facts.expiresAt === null ? 'this key has no expiry' : `this key would expire at ${facts.expiresAt}, after ${latest}`;
  return {
    policy: 'max_key_lifetime',
    error: errors.invalid(
      `Policy max_key_lifetime (${policy.max_key_lifetime}) requires every new API key to expire within ${policy.max_key_lifetime}, ` +
        `and ${problem}. Pass --expires-in ${policy.max_key_lifetime} or less (API: spec.expires_in), ` +
        `or --expires-at no later than ${latest}`,
    ),
  };
}

function quotaRefusal(policy: Policy, facts: NewKeyFacts): PolicyRefusal | null {
  const max = policy.max_keys_per_owner_resource;
  if (facts.existingKeys < max) return null;
  const owner = facts.owner.kind === 'service-account' ? `service account ${facts.owner.id}` : `user ${facts.owner.id}`;
  return {
    policy: 'max_keys_per_owner_resource',
    error: errors.quota(
      `Policy max_keys_per_owner_resource allows ${max} API keys per owner and resource, and ${owner} already has ` +
        `${facts.existingKeys} on ${facts.resource.id}. Delete keys it no longer needs ` +
        `(keyward api-key list${ownerFlag(facts.owner)} --resource ${facts.resource.id}, then keyward api-key delete KEY), ` +
        `or raise the limit: keyward policy update --max-keys-per-owner-resource ${facts.existingKeys + 1}`,
    ),
  };
}

/**
 * Why the policy refuses a new key, or null. Checked in this order: who owns it (production keys
 * must be service-account keys), how long it lives, how many the owner already holds.
 */
export function refusalForNewKey(policy: Policy, facts: NewKeyFacts): PolicyRefusal | null {
  return productionRefusal(policy, facts) ?? lifetimeRefusal(policy, facts) ?? quotaRefusal(policy, facts);
}

/**
 * The expiry of a key issued by `api-key rotate`: the old key's lifetime again (none if it had none),
 * capped at `max_key_lifetime` so that rotation never needs a flag to satisfy the policy.
 */
export function rotatedKeyExpiry(policy: Policy, old: { created_at: string; expires_at: string | null }, now: Date): string | null {
  const oldLifetime = old.expires_at === null ? null : Date.parse(old.expires_at) - Date.parse(old.created_at);
  const maxMs = maxLifetimeMs(policy);
  const candidates = [oldLifetime, maxMs].filter((ms): ms is number => ms !== null && ms > 0);
  if (candidates.length === 0) return null;
  return new Date(now.getTime() + Math.min(...candidates)).toISOString();
}

/**
 * Builders for advisor tests: a small organization at a fixed clock, with rows that are healthy by
 * default (so a test changes only what makes its rule fire).
 */
import { DAY_MS, HOUR_MS } from '../time.js';
import type {
  AdvisorPolicy,
  AdvisorSnapshot,
  SnapshotAcl,
  SnapshotApiKey,
  SnapshotRoleBinding,
  SnapshotServiceAccount,
  SnapshotUser,
} from '../types.js';

export const NOW = new Date('2025-06-01T12:00:00.000Z');

export function msAgo(ms: number): string {
  return new Date(NOW.getTime() - ms).toISOString();
}

export function daysAgo(days: number): string {
  return msAgo(days * DAY_MS);
}

export function hoursAgo(hours: number): string {
  return msAgo(hours * HOUR_MS);
}

export function hoursFromNow(hours: number): string {
  return msAgo(-hours * HOUR_MS);
}

export const DEFAULT_POLICY: AdvisorPolicy = {
  max_key_lifetime_ms: null,
  require_service_account_keys_in_production: false,
  max_keys_per_owner_resource: 10,
  unused_key_days: 90,
  rotation_days: 90,
};

export const PROD_ENV = { id: 'env-prod00', name: 'prod', stage: 'production' };
export const DEV_ENV = { id: 'env-dev000', name: 'dev', stage: 'development' };
export const PROD_KAFKA = 'lkc-prod01';
export const PROD_SCHEMA_REGISTRY = 'lsrc-prod01';
export const DEV_KAFKA = 'lkc-dev001';
export const ALICE: SnapshotUser = { id: 'u-alice1', email: 'alice@example.com', status: 'ACTIVE' };
export const ORDERS_APP: SnapshotServiceAccount = {
  id: 'sa-orders',
  name: 'orders-app',
  status: 'ACTIVE',
  created_at: daysAgo(200),
};

/** A healthy service-account key on the development cluster: created 10 days ago, used an hour ago. */
export function apiKey(overrides: Partial<SnapshotApiKey> & { id: string }): SnapshotApiKey {
  return {
    owner_id: ORDERS_APP.id,
    owner_kind: 'service-account',
    resource_id: DEV_KAFKA,
    resource_kind: 'kafka',
    status: 'ACTIVE',
    created_at: daysAgo(10),
    expires_at: null,
    last_used: hoursAgo(1),
    replaces: null,
    replaced_by: null,
    ...overrides,
  };
}

export function serviceAccount(overrides: Partial<SnapshotServiceAccount> & { id: string }): SnapshotServiceAccount {
  return { name: overrides.id.replace(/^sa-/, ''), status: 'ACTIVE', created_at: daysAgo(200), ...overrides };
}

export function roleBinding(overrides: Partial<SnapshotRoleBinding> & { id: string }): SnapshotRoleBinding {
  return {
    principal: `User:${ORDERS_APP.id}`,
    role_name: 'DeveloperRead',
    crn_pattern: `crn://keyward/organization=org/environment=${PROD_ENV.id}/cloud-cluster=${PROD_KAFKA}/kafka=${PROD_KAFKA}/topic=orders`,
    ...overrides,
  };
}

export function acl(overrides: Partial<SnapshotAcl> & { id: string }): SnapshotAcl {
  return {
    cluster_id: PROD_KAFKA,
    principal: `User:${ORDERS_APP.id}`,
    permission: 'ALLOW',
    operation: 'READ',
    resource_type: 'TOPIC',
    resource_name: 'orders',
    pattern_type: 'LITERAL',
    ...overrides,
  };
}

/** The organization with one healthy key for ORDERS_APP (used an hour ago), plus the given changes. */
export function snapshot(overrides: Partial<AdvisorSnapshot> = {}): AdvisorSnapshot {
  return {
    now: NOW,
    policy: DEFAULT_POLICY,
    environments: [PROD_ENV, DEV_ENV],
    clusters: [
      { id: PROD_KAFKA, kind: 'kafka', environment_id: PROD_ENV.id },
      { id: PROD_SCHEMA_REGISTRY, kind: 'schema-registry', environment_id: PROD_ENV.id },
      { id: DEV_KAFKA, kind: 'kafka', environment_id: DEV_ENV.id },
    ],
    users: [ALICE],
    serviceAccounts: [ORDERS_APP],
    apiKeys: [apiKey({ id: 'ORDERSAPPKEY0001' })],
    roleBindings: [],
    acls: [],
    failedAuthByKey: [],
    ...overrides,
  };
}

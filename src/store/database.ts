/**
 * Table interfaces for Kysely. Timestamps are ISO-8601 strings (UTC, millisecond precision) in both
 * dialects, so that they compare and sort alike on SQLite and PostgreSQL.
 */
export interface OrganizationsTable {
  id: string;
  name: string;
  created_at: string;
}

export interface EnvironmentsTable {
  id: string;
  name: string;
  stage: string;
  created_at: string;
  updated_at: string;
}

export interface ClustersTable {
  id: string;
  kind: 'kafka' | 'schema-registry';
  environment_id: string;
  name: string;
  provider: string;
  region: string;
  type: string | null;
  availability: string | null;
  endpoint: string | null;
  status: string;
  created_at: string;
  updated_at: string;
}

export interface UsersTable {
  id: string;
  email: string;
  full_name: string;
  status: string;
  created_at: string;
  updated_at: string;
}

export interface ServiceAccountsTable {
  id: string;
  name: string;
  description: string;
  status: string;
  created_at: string;
  updated_at: string;
}

export interface ApiKeysTable {
  id: string;
  secret_hash: string;
  owner_id: string;
  owner_kind: 'user' | 'service-account';
  resource_id: string;
  resource_kind: 'cloud' | 'kafka' | 'schema-registry';
  display_name: string;
  description: string;
  status: string;
  created_at: string;
  updated_at: string;
  expires_at: string | null;
  last_used: string | null;
  replaces: string | null;
  replaced_by: string | null;
  /** Who disabled the key (a user or service account id); null while it is enabled. */
  disabled_by: string | null;
  /** Why: `owner`, `admin`, `leak` or `unknown` (disabled before this was recorded); null while enabled. */
  disabled_reason: string | null;
  disabled_at: string | null;
}

export interface RoleBindingsTable {
  id: string;
  principal: string;
  role_name: string;
  crn_pattern: string;
  created_at: string;
}

export interface AclsTable {
  id: string;
  cluster_id: string;
  principal: string;
  permission: string;
  operation: string;
  resource_type: string;
  resource_name: string;
  pattern_type: string;
  host: string;
  created_at: string;
}

export interface AuditEventsTable {
  chain: string;
  seq: number;
  id: string;
  time: string;
  type: string;
  method: string;
  principal: string | null;
  api_key: string | null;
  result: string;
  event: string;
  /** The id of the object a management event is about (`data.request.id`, or `cluster` for ACLs); null for other events. */
  target: string | null;
  prev_hash: string;
  hash: string;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: string;
  private_jwk: string;
  encrypted: number;
  created_at: string;
  retired_at: string | null;
  expires_at: string | null;
}

export interface SettingsTable {
  name: string;
  value: string;
  updated_at: string;
}

/** One audit chain: its head and retention floor, each sealed by a MAC under the audit key. */
export interface AuditChainsTable {
  name: string;
  host: string;
  pid: number;
  created_at: string;
  /** 1: HMAC chain; 0: a legacy sha256 chain written before the audit key (closed). */
  keyed: number;
  head_seq: number;
  head_hash: string;
  head_mac: string | null;
  floor_seq: number;
  floor_hash: string;
  floor_mac: string | null;
}

/** The registry's own seal (one row, id 1): how many chains, a digest of their names, the audit key's id. */
export interface AuditRegistryTable {
  id: number;
  key_id: string | null;
  chains: number;
  digest: string;
  updated_at: string;
  mac: string | null;
}

export interface AuditCheckpointsTable {
  id: string;
  created_at: string;
  document: string;
}

/** The Kafka replica's revision (one row, id 1) and the highest revision pruned from its change log. */
export interface ReplicaRevisionTable {
  id: number;
  revision: number;
  floor: number;
}

/** What one replica revision changed: one row per key, owner or principal (`target` null: everything). */
export interface ReplicaChangesTable {
  revision: number;
  position: number;
  kind: 'api-key' | 'owner' | 'grants' | 'all';
  target: string | null;
  time: string;
}

/** Authentications of one key with one outcome in one epoch minute (DESIGN §3 usage); only ever added to. */
export interface ApiKeyUsageTable {
  api_key: string;
  minute: number;
  outcome: string;
  count: number;
}

/** A Kafka broker's sync state (migration 0008): what keyward last gave it, when it was seen, its open stream. */
export interface KafkaBrokerSyncTable {
  cluster_id: string;
  broker: string;
  revision: number | null;
  last_seen_at: string;
  client_address: string;
  stream_instance: string | null;
  stream_seen_at: string | null;
}

/** A web console session (migration 0009): the token only as its SHA-256, the key it was created with. */
export interface ConsoleSessionsTable {
  id: string;
  token_hash: string;
  api_key_id: string;
  owner_id: string;
  owner_kind: 'user' | 'service-account';
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface Database {
  organizations: OrganizationsTable;
  environments: EnvironmentsTable;
  clusters: ClustersTable;
  users: UsersTable;
  service_accounts: ServiceAccountsTable;
  api_keys: ApiKeysTable;
  role_bindings: RoleBindingsTable;
  acls: AclsTable;
  audit_events: AuditEventsTable;
  audit_chains: AuditChainsTable;
  audit_registry: AuditRegistryTable;
  audit_checkpoints: AuditCheckpointsTable;
  signing_keys: SigningKeysTable;
  settings: SettingsTable;
  replica_revision: ReplicaRevisionTable;
  replica_changes: ReplicaChangesTable;
  api_key_usage: ApiKeyUsageTable;
  kafka_broker_sync: KafkaBrokerSyncTable;
  console_sessions: ConsoleSessionsTable;
}

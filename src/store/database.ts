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
  signing_keys: SigningKeysTable;
  settings: SettingsTable;
}

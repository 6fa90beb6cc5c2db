import { Type, type TSchema } from '@sinclair/typebox';

/** Response and request schemas. Responses list every field: nothing else is ever serialised. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const ErrorBody = Type.Object({
  errors: Type.Array(
    Type.Object({ id: Type.String(), status: Type.String(), code: Type.String(), title: Type.String(), detail: Type.String() }),
  ),
});

export const Metadata = Type.Object({
  self: Type.String(),
  resource_name: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const ListMetadata = Type.Object({ first: Type.String(), next: Type.Optional(Type.String()), total_size: Type.Integer() });

export const ListQuery = Type.Object({
  page_size: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$', description: 'Items per page (1-100, default 10)' })),
  page_token: Type.Optional(Type.String({ maxLength: 64 })),
});

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export function listOf<T extends TSchema>(item: T) {
  return Type.Object({ api_version: Type.String(), kind: Type.String(), metadata: ListMetadata, data: Type.Array(item) });
}

export const EnvironmentRef = Type.Object({ id: Type.String(), related: Type.String(), resource_name: Type.String() });

export const Environment = Type.Object({
  api_version: Type.String(),
  kind: Type.String(),
  id: Type.String(),
  metadata: Metadata,
  display_name: Type.String(),
  stage: Type.String(),
});

export const KafkaCluster = Type.Object({
  api_version: Type.String(),
  kind: Type.String(),
  id: Type.String(),
  metadata: Metadata,
  spec: Type.Object({
    display_name: Type.String(),
    availability: Type.String(),
    cloud: Type.String(),
    region: Type.String(),
    config: Type.Object({ kind: Type.String() }),
    kafka_bootstrap_endpoint: Nullable(Type.String()),
    environment: EnvironmentRef,
  }),
  status: Type.Object({ phase: Type.String() }),
});

export const SchemaRegistryCluster = Type.Object({
  api_version: Type.String(),
  kind: Type.String(),
  id: Type.String(),
  metadata: Metadata,
  spec: Type.Object({
    display_name: Type.String(),
    cloud: Type.String(),
    region: Type.String(),
    http_endpoint: Nullable(Type.String()),
    environment: EnvironmentRef,
  }),
  status: Type.Object({ phase: Type.String() }),
});

export const User = Type.Object({
  api_version: Type.String(),
  kind: Type.String(),
  id: Type.String(),
  metadata: Metadata,
  email: Type.String(),
  full_name: Type.String(),
  auth_type: Type.String(),
});

export const CreatedUser = Type.Intersect([User, Type.Object({ api_key: Type.Object({ key: Type.String(), secret: Type.String() }) })]);

export const ServiceAccount = Type.Object({
  api_version: Type.String(),
  kind: Type.String(),
  id: Type.String(),
  metadata: Metadata,
  display_name: Type.String(),
  description: Type.String(),
  status: Type.String(),
});

export const ApiKeySpec = Type.Object({
  secret: Type.Optional(Type.String()),
  display_name: Type.String(),
  description: Type.String(),
  owner: Type.Object({ id: Type.String(), kind: Type.String(), email: Type.String() }),
  resource: Type.Object({ id: Type.String(), kind: Type.String(), environment: Nullable(Type.String()) }),
  status: Type.String(),
  state: Type.String(),
  expires_at: Nullable(Type.String()),
  last_used: Nullable(Type.String()),
  replaces: Nullable(Type.String()),
  replaced_by: Nullable(Type.String()),
  disabled: Type.Optional(
    Type.Object(
      { by: Nullable(Type.String()), reason: Type.String(), at: Nullable(Type.String()) },
      { description: 'A disabled key: who disabled it and why (owner, admin, leak, unknown); it decides who may enable it again' },
    ),
  ),
});

export const ApiKey = Type.Object({
  api_version: Type.String(),
  kind: Type.String(),
  id: Type.String(),
  metadata: Metadata,
  spec: ApiKeySpec,
});

export const DeletedCounts = Type.Object({
  deleted: Type.Object({ api_keys: Type.Integer(), role_bindings: Type.Optional(Type.Integer()), acls: Type.Integer() }),
});

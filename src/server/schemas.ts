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

type JsonSchema = { [keyword: string]: unknown };

/** Keywords whose value is a subschema, a list of them, or a map of them. */
const SUBSCHEMA = ['items', 'contains', 'not', 'if', 'then', 'else', 'additionalProperties'] as const;
const SUBSCHEMA_LISTS = ['anyOf', 'oneOf', 'prefixItems'] as const;
const SUBSCHEMA_MAPS = ['properties', 'patternProperties'] as const;

const isSchema = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A copy of a request-body schema in which every object schema that does not say otherwise has
 * `additionalProperties: allowed`, at any depth (properties, array items, union branches). The
 * schema passed in is not changed: TypeBox objects are shared with responses and other routes.
 */
function withUnknownFields<T extends TSchema>(schema: T, allowed: boolean): T {
  const walk = (node: JsonSchema): JsonSchema => {
    // An intersection's members cannot each refuse the others' fields: a body is one object (Type.Composite).
    if ('allOf' in node) throw new Error('A request body schema must not use allOf (Type.Intersect); use Type.Composite');
    const copy: JsonSchema = { ...node };
    for (const keyword of SUBSCHEMA) if (isSchema(copy[keyword])) copy[keyword] = walk(copy[keyword]);
    for (const keyword of SUBSCHEMA_LISTS) {
      const list = copy[keyword];
      if (Array.isArray(list)) copy[keyword] = list.map((item: unknown) => (isSchema(item) ? walk(item) : item));
    }
    for (const keyword of SUBSCHEMA_MAPS) {
      const map = copy[keyword];
      if (isSchema(map)) copy[keyword] = Object.fromEntries(Object.entries(map).map(([name, item]) => [name, isSchema(item) ? walk(item) : item]));
    }
    if (copy.type === 'object' && !('additionalProperties' in copy)) copy.additionalProperties = allowed;
    return copy;
  };
  return walk(schema as unknown as JsonSchema) as unknown as T;
}

/**
 * Every management body refuses fields it does not define (422 naming the field): a misspelled
 * `descriptoin` is an error, not a silently ignored field. app.ts applies it to every route's body.
 */
export const unknownFieldsRefused = <T extends TSchema>(schema: T): T => withUnknownFields(schema, false);

/**
 * For a body whose contract tolerates fields it does not define (the Kafka broker plugin's events: a
 * newer plugin may send more): they are accepted and ignored, and the OpenAPI document says so.
 */
export const unknownFieldsIgnored = <T extends TSchema>(schema: T): T => withUnknownFields(schema, true);

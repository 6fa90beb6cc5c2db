/**
 * The shapes every management route shares: the error body, Confluent's metadata and list envelopes,
 * the list query and the `{id}` path parameter. Responses list every field: nothing else is ever serialised.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const ErrorBody = Type.Object({
  errors: Type.Array(
    Type.Object({ id: Type.String(), status: Type.String(), code: Type.String(), title: Type.String(), detail: Type.String() }),
  ),
});
export type ErrorBody = Static<typeof ErrorBody>;

export const Metadata = Type.Object({
  self: Type.String(),
  resource_name: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type Metadata = Static<typeof Metadata>;

export const ListMetadata = Type.Object({ first: Type.String(), next: Type.Optional(Type.String()), total_size: Type.Integer() });
export type ListMetadata = Static<typeof ListMetadata>;

export const ListQuery = Type.Object({
  page_size: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$', description: 'Items per page (1-100, default 10)' })),
  page_token: Type.Optional(Type.String({ maxLength: 64 })),
});
export type ListQuery = Static<typeof ListQuery>;

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export function listOf<T extends TSchema>(item: T) {
  return Type.Object({ api_version: Type.String(), kind: Type.String(), metadata: ListMetadata, data: Type.Array(item) });
}

/** A Confluent-shaped list (`{api_version, kind, metadata, data}`) of `T`. */
export interface ListOf<T> {
  api_version: string;
  kind: string;
  metadata: ListMetadata;
  data: T[];
}

export const EnvironmentRef = Type.Object({ id: Type.String(), related: Type.String(), resource_name: Type.String() });
export type EnvironmentRef = Static<typeof EnvironmentRef>;

/** `/iam/v2/api-keys` (Confluent's iam/v2) and keyward's disable, enable and rotate of a key. */
import { Type, type Static } from '@sinclair/typebox';
import { ListQuery, Metadata, Nullable } from './common.js';

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
export type ApiKeySpec = Static<typeof ApiKeySpec>;

export const ApiKey = Type.Object({
  api_version: Type.String(),
  kind: Type.String(),
  id: Type.String(),
  metadata: Metadata,
  spec: ApiKeySpec,
});
export type ApiKey = Static<typeof ApiKey>;

export const ApiKeyBody = Type.Object({
  spec: Type.Object({
    display_name: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    owner: Type.Optional(Type.Object({ id: Type.String() })),
    resource: Type.Object({ id: Type.String() }),
    expires_in: Type.Optional(Type.String()),
    expires_at: Type.Optional(Type.String()),
  }),
});
export type ApiKeyBody = Static<typeof ApiKeyBody>;

export const ApiKeyPatch = Type.Object({ spec: Type.Object({ display_name: Type.Optional(Type.String()), description: Type.Optional(Type.String()) }) });
export type ApiKeyPatch = Static<typeof ApiKeyPatch>;

export const ApiKeyQuery = Type.Composite([
  ListQuery,
  Type.Object({
    'spec.owner': Type.Optional(Type.String({ maxLength: 32 })),
    'spec.resource': Type.Optional(Type.String({ maxLength: 32 })),
    environment: Type.Optional(Type.String({ maxLength: 32 })),
    status: Type.Optional(Type.String({ maxLength: 16 })),
  }),
]);
export type ApiKeyQuery = Static<typeof ApiKeyQuery>;

export const RotateBody = Type.Object({
  grace: Type.Optional(Type.String({ maxLength: 32, description: 'How long the old key keeps working: 0 to 7d (default 24h)' })),
  service_account: Type.Optional(Type.String({ maxLength: 64, description: 'Issue the new key to this service account (sa-…) instead of the old key\'s owner: hands a user\'s key over to a service account' })),
});
export type RotateBody = Static<typeof RotateBody>;

/** What happened to the rotated-out key. */
export const Rotation = Type.Object({
  replaces: Type.String({ description: 'The rotated-out key' }),
  old_key_expires_at: Type.String({ description: 'When the rotated-out key stops working' }),
});
export type Rotation = Static<typeof Rotation>;

/** The new key (ApiKey, with `spec.secret` in this response only) and what happened to the old one. */
export const RotatedApiKey = Type.Composite([ApiKey, Type.Object({ rotation: Rotation })]);
export type RotatedApiKey = Static<typeof RotatedApiKey>;

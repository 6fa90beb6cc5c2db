/** The data plane (DESIGN §3): `POST /keyward/v1/verify`, `GET /keyward/v1/auth/basic` and OAuth 2.0's token and keys. */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';

export const VerifyAction = Type.Object({ operation: Type.String({ minLength: 1, maxLength: 32 }), resource_type: Type.String({ minLength: 1, maxLength: 32 }), resource_name: Type.String({ maxLength: 255 }) });
export type VerifyAction = Static<typeof VerifyAction>;

export const VerifyBody = Type.Object({
  key: Type.String({ minLength: 1, maxLength: 64 }),
  secret: Type.String({ minLength: 1, maxLength: 256 }),
  resource: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  action: Type.Optional(VerifyAction),
});
export type VerifyBody = Static<typeof VerifyBody>;

export const VerifyResponse = Type.Object({
  valid: Type.Boolean(),
  code: Type.String(),
  reason: Type.Optional(Type.String()),
  key: Type.Optional(Type.String()),
  principal: Type.Optional(Type.String()),
  owner: Type.Optional(Type.Object({ id: Type.String(), kind: Type.String() })),
  resource: Type.Optional(Type.Object({ id: Type.String(), type: Type.String(), environment: Nullable(Type.String()) })),
  expires_at: Type.Optional(Nullable(Type.String())),
  authorization: Type.Optional(Type.Object({ granted: Type.Boolean(), reason: Type.String() })),
});
export type VerifyResponse = Static<typeof VerifyResponse>;

export const AuthBasicQuery = Type.Object({
  resource: Type.Optional(Type.String({ maxLength: 32 })),
  operation: Type.Optional(Type.String({ maxLength: 32 })),
  resource_type: Type.Optional(Type.String({ maxLength: 32 })),
  resource_name: Type.Optional(Type.String({ maxLength: 255 })),
});
export type AuthBasicQuery = Static<typeof AuthBasicQuery>;

export const TokenResponse = Type.Object({ access_token: Type.String(), token_type: Type.String(), expires_in: Type.Integer(), scope: Type.Optional(Type.String()) });
export type TokenResponse = Static<typeof TokenResponse>;

/** RFC 6749 §5.2's error body. */
export const OAuthError = Type.Object({ error: Type.String(), error_description: Type.String() });
export type OAuthError = Static<typeof OAuthError>;

/**
 * The token request's form, for the OpenAPI document only: the route reads its body raw and ignores
 * parameters it does not know, as RFC 6749 §3.2 requires.
 */
export const TokenRequestForm = Type.Object(
  {
    grant_type: Type.Literal('client_credentials'),
    scope: Type.Optional(Type.String({ description: 'Space-separated scope tokens, copied into the token' })),
    client_id: Type.Optional(Type.String({ description: 'client_secret_post: the API key (else HTTP Basic)' })),
    client_secret: Type.Optional(Type.String({ description: 'client_secret_post: the API secret' })),
  },
  { additionalProperties: true, examples: [{ grant_type: 'client_credentials', scope: 'kafka' }] },
);

export const Jwk = Type.Object({ kty: Type.String(), crv: Type.String(), x: Type.String(), y: Type.String(), kid: Type.String(), alg: Type.String(), use: Type.String() });
export const JwkSet = Type.Object({ keys: Type.Array(Jwk) });
export type JwkSet = Static<typeof JwkSet>;

/** `POST /keyward/v1/signing-keys/rotate`. */
export const RotatedSigningKey = Type.Object({ kid: Type.String(), retired: Type.Array(Type.String()), retired_keys_expire_at: Type.String() });
export type RotatedSigningKey = Static<typeof RotatedSigningKey>;

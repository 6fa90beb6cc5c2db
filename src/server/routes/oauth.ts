import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { basicCredentials, ctx, requestMetadata } from '../plugins/authentication.js';
import { ErrorBody } from '../schemas.js';
import { security, type RouteDeps } from './route-deps.js';

const TokenResponse = Type.Object({ access_token: Type.String(), token_type: Type.String(), expires_in: Type.Integer(), scope: Type.Optional(Type.String()) });
const OAuthError = Type.Object({ error: Type.String(), error_description: Type.String() });
const Jwk = Type.Object({ kty: Type.String(), crv: Type.String(), x: Type.String(), y: Type.String(), kid: Type.String(), alg: Type.String(), use: Type.String() });

/** RFC 6749 §2.3.1: the client id and secret are form-urlencoded before Basic encoding. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

export async function oauthRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { oauth } = deps.services;
  const tags = ['OAuth 2.0'];

  const metadata = () => ({
    issuer: oauth.issuer,
    token_endpoint: `${oauth.issuer}/oauth2/token`,
    jwks_uri: `${oauth.issuer}/.well-known/jwks.json`,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    response_types_supported: ['token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
    token_endpoint_auth_signing_alg_values_supported: ['ES256'],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', 'scope', 'key_id'],
  });

  app.post(
    '/oauth2/token',
    {
      schema: {
        tags,
        description: 'Client credentials grant: client id = API key, client secret = API secret',
        consumes: ['application/x-www-form-urlencoded'],
        response: { 200: TokenResponse, '4xx': OAuthError },
      },
    },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
      const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
      const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
      const fromHeader = basicCredentials(request.headers.authorization);
      const fromBody = field('client_id') !== undefined || field('client_secret') !== undefined;
      if (fromHeader && fromBody) {
        return reply.code(400).send({ error: 'invalid_request', error_description: 'Use one client authentication method, not both' });
      }
      const result = await oauth.issueToken({
        grantType: field('grant_type'),
        clientId: fromHeader ? formDecode(fromHeader.key) : field('client_id'),
        clientSecret: fromHeader ? formDecode(fromHeader.secret) : field('client_secret'),
        scope: field('scope'),
        request: requestMetadata(request),
      });
      if (!result.ok) {
        if (result.status === 401) reply.header('WWW-Authenticate', 'Basic realm="keyward"');
        return reply.code(result.status).send({ error: result.error, error_description: result.error_description });
      }
      const { ok: _ok, ...token } = result;
      return token;
    },
  );

  app.get('/.well-known/jwks.json', { schema: { tags, response: { 200: Type.Object({ keys: Type.Array(Jwk) }) } } }, async (_request, reply) => {
    reply.header('Cache-Control', 'public, max-age=60');
    return oauth.signingKeys.publicKeys();
  });
  app.get('/.well-known/openid-configuration', { schema: { tags } }, async () => metadata());
  app.get('/.well-known/oauth-authorization-server', { schema: { tags } }, async () => metadata());

  const Rotated = Type.Object({ kid: Type.String(), retired: Type.Array(Type.String()), retired_keys_expire_at: Type.String() });
  app.post('/keyward/v1/signing-keys/rotate', { preHandler: deps.authenticate, schema: { tags, security, response: { 200: Rotated, '4xx': ErrorBody } } }, async (request) => {
    const rotated = await oauth.rotateSigningKey(ctx(request));
    return { kid: rotated.kid, retired: rotated.retired, retired_keys_expire_at: rotated.retiredKeysExpireAt };
  });
}

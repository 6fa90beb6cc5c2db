import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { KeywardError } from '../../domain/errors.js';
import type { OAuthErrorCode } from '../../services/oauth/token-service.js';
import { basicCredentials, ctx, requestMetadata } from '../plugins/authentication.js';
import { ErrorBody, JwkSet, OAuthError, RotatedSigningKey, TokenRequestForm, TokenResponse } from '../../contract/index.js';
import { security, type RouteDeps } from './route-deps.js';
import { isDatabaseUnavailable } from '../../store/connect.js';

/** RFC 6749 §2.3.1: the client id and secret are form-urlencoded before Basic encoding. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

const FORM = 'application/x-www-form-urlencoded';
const utf8 = new TextDecoder('utf-8', { fatal: true });

function oauthError(reply: FastifyReply, status: number, error: OAuthErrorCode | 'server_error', description: string) {
  return reply.code(status).header('Cache-Control', 'no-store').header('Pragma', 'no-cache').type('application/json').send({ error, error_description: description });
}

type TokenParameters = { ok: true; fields: Map<string, string> } | { ok: false; description: string };

/**
 * RFC 6749 §4.4.2 / Appendix B: the parameters are `application/x-www-form-urlencoded` UTF-8, and
 * none may appear twice (§3.2). Anything else is `invalid_request`, never a framework error.
 */
function tokenParameters(contentType: string | undefined, body: unknown): TokenParameters {
  const raw = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (raw.length === 0 && mediaType === '') return { ok: true, fields: new Map() };
  if (mediaType !== FORM) return { ok: false, description: `Send the token request as ${FORM}` };
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return { ok: false, description: 'The request body is not valid UTF-8' };
  }
  const fields = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(text)) {
    if (fields.has(name)) return { ok: false, description: `Parameter ${name.slice(0, 64)} is sent more than once` };
    if (name.includes('\u0000') || value.includes('\u0000')) return { ok: false, description: 'A parameter contains a NUL character (U+0000)' };
    fields.set(name, value);
  }
  return { ok: true, fields };
}

/**
 * `POST /oauth2/token` in a scope of its own: it reads its body raw, whatever the content type, so
 * that every request, well formed or not, gets an RFC 6749 §5.2 error body from this endpoint.
 */
async function tokenEndpoint(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { oauth } = deps.services;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error: FastifyError | KeywardError, request, reply) => {
    if ((error instanceof KeywardError && error.status === 503) || isDatabaseUnavailable(error)) return oauthError(reply.header('Retry-After', '1'), 503, 'temporarily_unavailable', 'The service is temporarily unavailable; try again later');
    const status = error instanceof KeywardError ? error.status : (error.statusCode ?? 500);
    if (status === 413) return oauthError(reply, 413, 'invalid_request', 'The request body is too large');
    if (status >= 400 && status < 500) return oauthError(reply, 400, 'invalid_request', error instanceof KeywardError ? error.message : 'The token request is malformed');
    request.log.error({ err: { type: error.name, code: error.code } }, 'token request failed');
    return oauthError(reply, 500, 'server_error', `Internal error; quote request id ${request.id} when reporting it`);
  });

  app.post(
    '/oauth2/token',
    {
      config: { swaggerTransform: ({ schema, url }) => ({ schema: { ...schema, body: TokenRequestForm }, url }) },
      schema: {
        tags: ['OAuth 2.0'],
        consumes: [FORM],
        response: { 200: TokenResponse, '4xx': OAuthError, '5xx': OAuthError },
      },
    },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
      const parameters = tokenParameters(request.headers['content-type'], request.body);
      if (!parameters.ok) return oauthError(reply, 400, 'invalid_request', parameters.description);
      const field = (name: string) => parameters.fields.get(name);
      const authorization = request.headers.authorization;
      // client_secret_basic was attempted whenever the Basic scheme is named, even if malformed.
      const attemptedBasic = typeof authorization === 'string' && /^basic(\s|$)/i.test(authorization);
      const fromHeader = attemptedBasic ? basicCredentials(authorization) : undefined;
      const fromBody = field('client_id') !== undefined || field('client_secret') !== undefined;
      if (attemptedBasic && fromBody) return oauthError(reply, 400, 'invalid_request', 'Use one client authentication method, not both');
      if (attemptedBasic && !fromHeader) {
        reply.header('WWW-Authenticate', 'Basic realm="keyward"');
        return oauthError(reply, 401, 'invalid_client', 'The Authorization header is not HTTP Basic with client id and secret');
      }
      const result = await oauth.issueToken({
        grantType: field('grant_type'),
        clientId: fromHeader ? formDecode(fromHeader.key) : field('client_id'),
        clientSecret: fromHeader ? formDecode(fromHeader.secret) : field('client_secret'),
        scope: field('scope'),
        request: requestMetadata(request),
      });
      if (!result.ok) {
        // RFC 6749 §5.2: the challenge names the scheme the client tried; client_secret_post gets none.
        if (result.status === 401 && attemptedBasic) reply.header('WWW-Authenticate', 'Basic realm="keyward"');
        if (result.retryAfterSeconds !== undefined) reply.header('Retry-After', String(result.retryAfterSeconds));
        return oauthError(reply, result.status, result.error, result.error_description);
      }
      const { ok: _ok, ...token } = result;
      return token;
    },
  );
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

  await fastify.register(async (scope) => tokenEndpoint(scope, deps));

  app.get('/.well-known/jwks.json', { schema: { tags, response: { 200: JwkSet } } }, async (_request, reply) => {
    reply.header('Cache-Control', 'public, max-age=60');
    return oauth.signingKeys.publicKeys();
  });
  app.get('/.well-known/openid-configuration', { schema: { tags } }, async () => metadata());
  app.get('/.well-known/oauth-authorization-server', { schema: { tags } }, async () => metadata());

  app.post('/keyward/v1/signing-keys/rotate', { preHandler: deps.authenticate, schema: { tags, security, response: { 200: RotatedSigningKey, '4xx': ErrorBody } } }, async (request): Promise<RotatedSigningKey> => {
    const rotated = await oauth.rotateSigningKey(ctx(request));
    return { kid: rotated.kid, retired: rotated.retired, retired_keys_expire_at: rotated.retiredKeysExpireAt };
  });
}

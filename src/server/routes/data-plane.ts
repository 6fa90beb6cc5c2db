import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyInstance } from 'fastify';
import { basicCredentials, requestMetadata } from '../plugins/authentication.js';
import { ErrorBody, Nullable } from '../schemas.js';
import { sendError } from '../errors.js';
import { KeywardError } from '../../domain/errors.js';
import type { Verify, VerifyResult } from '../../services/verify/verifier.js';
import { parseAction } from '../../services/authz/data-plane-authorizer.js';

const ActionBody = Type.Object(
  { operation: Type.String({ minLength: 1, maxLength: 32 }), resource_type: Type.String({ minLength: 1, maxLength: 32 }), resource_name: Type.String({ maxLength: 255 }) },
  { additionalProperties: false },
);
const VerifyBody = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 64 }),
    secret: Type.String({ minLength: 1, maxLength: 256 }),
    resource: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    action: Type.Optional(ActionBody),
  },
  { additionalProperties: false },
);
const VerifyResponse = Type.Object({
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
const AuthBasicQuery = Type.Object({
  resource: Type.Optional(Type.String({ maxLength: 32 })),
  operation: Type.Optional(Type.String({ maxLength: 32 })),
  resource_type: Type.Optional(Type.String({ maxLength: 32 })),
  resource_name: Type.Optional(Type.String({ maxLength: 255 })),
});

const RESOURCE_TYPE = { kafka: 'kafka', 'schema-registry': 'schema-registry', cloud: 'cloud' } as const;

export function verifyBody(result: VerifyResult) {
  if (!result.valid) {
    return {
      valid: false,
      code: result.code,
      // an unknown key and a wrong secret must look alike
      ...(result.code === 'INVALID_CREDENTIALS' ? {} : { reason: result.reason }),
      ...(result.authorization ? { authorization: result.authorization } : {}),
    };
  }
  const key = result.key;
  return {
    valid: true,
    code: 'VALID',
    key: key.id,
    principal: result.principal,
    owner: { id: key.ownerId, kind: key.ownerKind === 'user' ? 'User' : 'ServiceAccount' },
    resource: { id: key.resourceId, type: RESOURCE_TYPE[key.resourceKind], environment: key.environment },
    expires_at: key.expiresAt,
    ...(result.authorization ? { authorization: result.authorization } : {}),
  };
}

/**
 * The data plane: the client's own credentials are the authentication. `verify` answers with a
 * result body; `auth/basic` answers nginx `auth_request` with a status.
 */
export async function dataPlaneRoutes(fastify: FastifyInstance, verify: Verify): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['Data plane'];

  // In this scope a body that does not fit the schema is a malformed request: 400.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) return sendError(request, reply, 'bad_request', `Malformed request: ${error.validation[0]?.instancePath || 'body'} ${error.validation[0]?.message ?? ''}`.trim());
    if (error instanceof KeywardError && error.code === 'bad_request') return sendError(request, reply, 'bad_request', error.message);
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return sendError(request, reply, 'bad_request', 'The request body is not valid JSON');
    throw error;
  });

  app.post(
    '/keyward/v1/verify',
    { schema: { tags, body: VerifyBody, response: { 200: VerifyResponse, 429: VerifyResponse, '4xx': ErrorBody } } },
    async (request, reply) => {
      const b = request.body;
      const action = b.action ? parseAction(b.action) : undefined;
      const result = await verify({ key: b.key, secret: b.secret, resource: b.resource, action, method: 'keyward.Verify', mechanism: 'VERIFY_API', request: requestMetadata(request) });
      if (result.code === 'RATE_LIMITED') reply.code(429).header('Retry-After', String(result.retryAfterSeconds ?? 1));
      return verifyBody(result);
    },
  );

  app.get('/keyward/v1/auth/basic', { schema: { tags, querystring: AuthBasicQuery } }, async (request, reply) => {
    const q = request.query;
    // nginx gates a cluster with this call: without a resource it would check the secret alone.
    if (!q.resource) return sendError(request, reply, 'bad_request', 'resource is required: the id of the resource this request is for, e.g. lkc-abc123');
    const credentials = basicCredentials(request.headers.authorization);
    // nginx reads only the status; other clients get the error body every route answers with.
    const challenge = () => sendError(request, reply.header('WWW-Authenticate', 'Basic realm="keyward"').header('Cache-Control', 'no-store'), 'user_unauthenticated', 'Invalid API key or secret');
    if (!credentials) return challenge();
    const action = q.operation || q.resource_type || q.resource_name ? parseAction({ operation: q.operation ?? '', resource_type: q.resource_type ?? '', resource_name: q.resource_name ?? '' }) : undefined;
    const result = await verify({ key: credentials.key, secret: credentials.secret, resource: q.resource, action, method: 'keyward.AuthBasic', mechanism: 'HTTP_BASIC', request: requestMetadata(request) });
    if (result.valid) {
      return reply.code(204).header('X-Keyward-Principal', result.principal).header('X-Keyward-Key', result.key.id).header('Cache-Control', 'no-store').send();
    }
    reply.header('X-Keyward-Code', result.code);
    if (result.code === 'RATE_LIMITED') return sendError(request, reply.header('Retry-After', String(result.retryAfterSeconds ?? 1)), 'too_many_requests', 'Too many failed attempts; try again later');
    if (result.code === 'WRONG_RESOURCE') return sendError(request, reply, 'user_unauthorized', 'This API key is not for this resource');
    if (result.code === 'FORBIDDEN') return sendError(request, reply, 'user_unauthorized', 'The action is not allowed');
    return challenge();
  });
}

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { basicCredentials, requestMetadata } from '../plugins/authentication.js';
import { AuthBasicQuery, ErrorBody, FAILURE_ANSWERS, VALID_ANSWER, VerifyBody, VerifyResponse, type VerificationFailureCode } from '../../contract/index.js';
import { sendError, validationMessage } from '../errors.js';
import { KeywardError } from '../../domain/errors.js';
import type { Verify, VerifyResult } from '../../services/verify/verifier.js';
import type { KeyRecord } from '../../services/verify/key-record.js';
import { parseAction } from '../../services/authz/data-plane-authorizer.js';

const RESOURCE_TYPE = { kafka: 'kafka', 'schema-registry': 'schema-registry', cloud: 'cloud' } as const;

export function verifyBody(result: VerifyResult): VerifyResponse {
  if (!result.valid) {
    return {
      valid: false,
      code: result.code,
      ...(FAILURE_ANSWERS[result.code].showsReason ? { reason: result.reason } : {}),
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
    if (error.validation) return sendError(request, reply, 'bad_request', `Malformed request: ${validationMessage(error)}`);
    if (error instanceof KeywardError && error.code === 'bad_request') return sendError(request, reply, 'bad_request', error.message);
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return sendError(request, reply, 'bad_request', 'The request body is not valid JSON');
    throw error;
  });

  // The handlers are not async: a cached key is answered in the same turn, without a promise; only
  // a verify that waits for the store or the authorizer returns one.
  app.post(
    '/keyward/v1/verify',
    { schema: { tags, body: VerifyBody, response: { 200: VerifyResponse, 429: VerifyResponse, '4xx': ErrorBody } } },
    (request, reply) => {
      const b = request.body;
      const action = b.action ? parseAction(b.action) : undefined;
      const result = verify({ key: b.key, secret: b.secret, resource: b.resource, action, method: 'keyward.Verify', mechanism: 'VERIFY_API', request: requestMetadata(request) });
      return result instanceof Promise ? result.then((settled) => answerVerify(reply, settled)) : answerVerify(reply, result);
    },
  );

  const validBody = validBodyCache();
  function answerVerify(reply: FastifyReply, result: VerifyResult) {
    if (result.valid && result.authorization === undefined) {
      reply.type(JSON_UTF8).send(validBody(result, reply));
      return undefined;
    }
    if (!result.valid) {
      const answer = FAILURE_ANSWERS[result.code];
      reply.code(answer.verifyStatus);
      if (answer.retryAfter) reply.header('Retry-After', String(result.retryAfterSeconds ?? 1));
    }
    return verifyBody(result);
  }

  app.get('/keyward/v1/auth/basic', { schema: { tags, querystring: AuthBasicQuery } }, (request, reply) => {
    const q = request.query;
    // nginx gates a cluster with this call: without a resource it would check the secret alone.
    if (!q.resource) {
      sendError(request, reply, 'bad_request', 'resource is required: the id of the resource this request is for, e.g. lkc-abc123');
      return;
    }
    const credentials = basicCredentials(request.headers.authorization);
    if (!credentials) {
      refuse(request, reply, 'INVALID_CREDENTIALS');
      return;
    }
    const action = q.operation || q.resource_type || q.resource_name ? parseAction({ operation: q.operation ?? '', resource_type: q.resource_type ?? '', resource_name: q.resource_name ?? '' }) : undefined;
    const result = verify({ key: credentials.key, secret: credentials.secret, resource: q.resource, action, method: 'keyward.AuthBasic', mechanism: 'HTTP_BASIC', request: requestMetadata(request) });
    if (result instanceof Promise) return result.then((settled) => answerBasic(request, reply, settled));
    answerBasic(request, reply, result);
    return;
  });
}

/** What Fastify sends a serialized JSON body as. */
const JSON_UTF8 = 'application/json; charset=utf-8';

/** A key's VALID answer (no action) as the route's serializer wrote it, with the fields it was written from. */
type SerializedValid = Pick<KeyRecord, 'id' | 'ownerId' | 'ownerKind' | 'resourceId' | 'resourceKind' | 'environment' | 'expiresAt'> & { body: SerializedBody };
type SerializedBody = ReturnType<FastifyReply['serialize']>;

/**
 * The VALID answer of a key is the same for every request without an action: it is serialized once per
 * key record, by the route's own serializer (so byte for byte what it would write), and written again
 * when a field it shows is no longer the one it was written from.
 */
export function validBodyCache() {
  const bodies = new WeakMap<KeyRecord, SerializedValid>();
  /** `serializer`: the reply of the route, whose serializer writes the body. */
  return (result: Extract<VerifyResult, { valid: true }>, serializer: Pick<FastifyReply, 'serialize'>): SerializedBody => {
    const key = result.key;
    const known = bodies.get(key);
    if (
      known !== undefined &&
      known.id === key.id &&
      known.ownerId === key.ownerId &&
      known.ownerKind === key.ownerKind &&
      known.resourceId === key.resourceId &&
      known.resourceKind === key.resourceKind &&
      known.environment === key.environment &&
      known.expiresAt === key.expiresAt
    ) {
      return known.body;
    }
    const { id, ownerId, ownerKind, resourceId, resourceKind, environment, expiresAt } = key;
    const body = serializer.serialize(verifyBody(result));
    bodies.set(key, { id, ownerId, ownerKind, resourceId, resourceKind, environment, expiresAt, body });
    return body;
  };
}

/** The answer to a failed verification (no credentials at all: INVALID_CREDENTIALS's). nginx reads only the status; other clients get the error body every route answers with. */
function refuse(request: FastifyRequest, reply: FastifyReply, code: VerificationFailureCode, retryAfterSeconds?: number): void {
  const { basic, retryAfter } = FAILURE_ANSWERS[code];
  if (basic.challenge) reply.header('WWW-Authenticate', 'Basic realm="keyward"').header('Cache-Control', 'no-store');
  if (retryAfter) reply.header('Retry-After', String(retryAfterSeconds ?? 1));
  sendError(request, reply, basic.error, basic.detail);
}

function answerBasic(request: FastifyRequest, reply: FastifyReply, result: VerifyResult): void {
  if (result.valid) {
    reply.code(VALID_ANSWER.basicStatus).header('X-Keyward-Principal', result.principal).header('X-Keyward-Key', result.key.id).header('Cache-Control', 'no-store').send();
    return;
  }
  refuse(request, reply.header('X-Keyward-Code', result.code), result.code, result.retryAfterSeconds);
}

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, KeywardError, type ErrorCode } from '../domain/errors.js';
import { isDatabaseUnavailable } from '../store/connect.js';

export function errorBody(requestId: string, code: ErrorCode, detail: string) {
  const entry = ERROR_CODES[code];
  return { errors: [{ id: requestId, status: String(entry.status), code, title: entry.title, detail }] };
}

export function sendError(request: FastifyRequest, reply: FastifyReply, code: ErrorCode, detail: string) {
  return reply.code(ERROR_CODES[code].status).type('application/json').send(errorBody(request.id, code, detail));
}

/** Removes anything shaped like a secret or a digest before a message reaches a log. */
export function scrub(text: string): string {
  return text.replace(/kw_[0-9A-Za-z]{8,}/g, 'kw_[redacted]').replace(/\b[0-9a-f]{64}\b/g, '[digest]');
}

type ValidationError = NonNullable<FastifyError['validation']>[number];

/** `/spec/owner` → `spec.owner`, `/0/token` → `[0].token`: a field as a client spells it. */
function fieldPath(instancePath: string, last?: string): string {
  const segments = instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (last !== undefined) segments.push(last);
  return segments.reduce((path, segment) => (/^[0-9]+$/.test(segment) ? `${path}[${segment}]` : path === '' ? segment : `${path}.${segment}`), '');
}

/**
 * The error to report: a body that may be an object or an array (the ACL body) fails the branch of
 * the other shape with a mere "must be object"; the branch of its own shape says what is wrong.
 */
function relevantError(errors: readonly ValidationError[]): ValidationError | undefined {
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const branchMismatch = (e: ValidationError) =>
    e.keyword === 'type' && unions.some((u) => u.instancePath === e.instancePath && e.schemaPath.startsWith(`${u.schemaPath}/`) && e.schemaPath.split('/').length === u.schemaPath.split('/').length + 2);
  return errors.find((e) => !unions.includes(e) && !branchMismatch(e)) ?? errors[0];
}

/** The detail of a schema failure, naming the field: `body: unknown field "spec.owner.foo"`, `body: spec.resource is required`. */
export function validationMessage(error: FastifyError): string {
  const first = relevantError(error.validation ?? []);
  if (!first) return 'The request is not valid';
  const where = error.validationContext ?? 'body';
  const params = first.params as Record<string, unknown>;
  if (first.keyword === 'required') return `${where}: ${fieldPath(first.instancePath, String(params.missingProperty))} is required`;
  if (first.keyword === 'additionalProperties') return `${where}: unknown field "${fieldPath(first.instancePath, String(params.additionalProperty))}"`;
  const path = fieldPath(first.instancePath);
  const field = `${where}${path === '' ? '' : path.startsWith('[') ? path : `.${path}`}`;
  if (first.keyword === 'const') {
    // A union of literals fails once per literal: name them all.
    const allowed = (error.validation ?? []).filter((e) => e.keyword === 'const' && e.instancePath === first.instancePath).map((e) => String((e.params as { allowedValue: unknown }).allowedValue));
    return `${field} must be ${allowed.length > 1 ? `one of ${allowed.join(', ')}` : allowed[0]}`;
  }
  return `${field} ${first.message ?? 'is not valid'}`;
}

/** The one error handler: every failure becomes the Confluent-style error body; never a stack trace. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | KeywardError, request, reply) => {
    if (error instanceof KeywardError) {
      // No Basic challenge here: a browser that answered one would send the credentials cross-site
      // (only GET /keyward/v1/auth/basic challenges, for nginx).
      if (error.retryAfterSeconds !== undefined) reply.header('Retry-After', String(error.retryAfterSeconds));
      return sendError(request, reply, error.code, error.message);
    }
    const fe = error as FastifyError;
    if (fe.validation) {
      const code: ErrorCode = fe.validationContext === 'querystring' ? 'invalid_filter' : fe.validationContext === 'body' ? 'invalid_configuration' : 'bad_request';
      return sendError(request, reply, code, validationMessage(fe));
    }
    switch (fe.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendError(request, reply, 'bad_request', 'The request body is not valid JSON');
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(request, reply, 'payload_too_large', 'The request body is too large');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendError(request, reply, 'unsupported_media_type', 'Send the request body as application/json');
      default:
        break;
    }
    // The client went away in the middle of its body (Node's "aborted", ECONNRESET): nobody reads
    // the answer, and it is not the database's ECONNRESET.
    if (fe.code === 'ECONNRESET' && (request.raw.readableAborted || request.raw.aborted)) {
      request.log.debug({ code: fe.code }, 'request body aborted by the client');
      return sendError(request, reply, 'bad_request', 'The request body was not received completely');
    }
    if (isDatabaseUnavailable(error)) {
      // Fail closed and retryable: never a 500, never the driver's message.
      request.log.warn({ err: { type: fe.name, code: fe.code, message: scrub(fe.message) } }, 'database unavailable');
      reply.header('Retry-After', '1');
      return sendError(request, reply, 'service_unavailable', 'The database is not reachable; try again shortly');
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return sendError(request, reply, fe.statusCode === 429 ? 'too_many_requests' : 'bad_request', scrub(fe.message));
    }
    request.log.error({ err: { type: fe.name, code: fe.code, message: scrub(fe.message) } }, 'request failed');
    return sendError(request, reply, 'internal_error', `Internal error; quote request id ${request.id} when reporting it`);
  });

  app.setNotFoundHandler((request, reply) => sendError(request, reply, 'not_found', `No route for ${request.method} ${request.url.split('?')[0]}`));
}

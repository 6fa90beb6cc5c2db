import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../domain/errors.js';
import { maskSecretsInText } from '../../domain/mask-secrets.js';
import type { CallContext, RequestMetadata } from '../../services/context.js';
import type { ManagementAuth } from '../../services/management-auth.js';
import { clientAddress, parseTrustedProxies, type TrustedProxies } from '../client-address.js';

declare module 'fastify' {
  interface FastifyRequest {
    callContext?: CallContext;
  }
  interface FastifyInstance {
    /** `--trust-proxy`: the peers whose X-Forwarded-For / X-Real-IP are believed (app.ts decorates it). */
    trustedProxies: TrustedProxies;
  }
}

const TRUST_NOBODY = parseTrustedProxies(undefined);

/**
 * The one place a request's metadata is read: the client address here is what the audit log, the
 * brute-force guard and host-bound ACLs see (the TCP peer unless it is a trusted proxy).
 */
export function requestMetadata(request: FastifyRequest): RequestMetadata {
  const agent = request.headers['user-agent'];
  return {
    clientAddress: clientAddress(request.ip, request.headers, request.server.trustedProxies ?? TRUST_NOBODY),
    requestId: request.id,
    // A secret pasted into the User-Agent is masked before it reaches the audit log or a log line.
    userAgent: typeof agent === 'string' ? maskSecretsInText(agent.slice(0, 256)) : '',
  };
}

/** Reads `Authorization: Basic base64(key:secret)`; undefined when absent or malformed. */
export function basicCredentials(header: string | undefined): { key: string; secret: string } | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** preHandler for management routes: HTTP Basic with a `cloud` key, the result kept on the request. */
export function managementAuthentication(authenticate: ManagementAuth) {
  return async function authenticateRequest(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const credentials = basicCredentials(request.headers.authorization);
    if (!credentials) throw errors.unauthenticated('Authenticate with HTTP Basic using a cloud API key and secret');
    const metadata = requestMetadata(request);
    const actor = await authenticate(credentials.key, credentials.secret, metadata);
    request.callContext = { actor, request: metadata };
  };
}

export function ctx(request: FastifyRequest): CallContext {
  if (!request.callContext) throw errors.unauthenticated();
  return request.callContext;
}

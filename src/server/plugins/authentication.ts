import type { FastifyReply, FastifyRequest } from 'fastify';
import { parse as parseCookies, serialize as serializeCookie, type SerializeOptions } from 'cookie';
import { errors } from '../../domain/errors.js';
import { maskSecretsInText } from '../../domain/mask-secrets.js';
import { CSRF_HEADER, SESSION_COOKIE, csrfTokenMatches } from '../../domain/session-token.js';
import type { CallContext, RequestMetadata } from '../../services/context.js';
import type { ManagementAuth } from '../../services/management-auth.js';
import type { LiveSession, SessionService } from '../../services/sessions.js';
import { clientAddress, parseTrustedProxies, type TrustedProxies } from '../client-address.js';

declare module 'fastify' {
  interface FastifyRequest {
    callContext?: CallContext;
    /** Set when the request authenticated with a console session cookie rather than HTTP Basic. */
    consoleSession?: LiveSession;
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

/** Methods that change nothing: the only ones a session cookie may send without its CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const SESSION_COOKIE_PAIR = new RegExp(`(?:^|;)\\s*${SESSION_COOKIE}=`, 'g');

/**
 * The console session token of the request's cookie, if it sends one. A request with two session
 * cookies (one planted by a sibling subdomain for a narrower path, say) gets '' — no session at all —
 * rather than whichever comes first.
 */
export function sessionCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  const token = parseCookies(header)[SESSION_COOKIE];
  if (token === undefined) return undefined;
  return (header.match(SESSION_COOKIE_PAIR)?.length ?? 0) > 1 ? '' : token;
}

/** The session cookie is `Secure` when the public URL is https (`configured`) or the request came over TLS. */
export function secureCookie(request: FastifyRequest, configured: boolean): boolean {
  return configured || request.protocol === 'https';
}

/** The session cookie's attributes (DESIGN §10). */
function sessionCookieOptions(secure: boolean): SerializeOptions {
  return { httpOnly: true, sameSite: 'strict', path: '/', secure };
}

/** The `Set-Cookie` value that gives the browser a session's token. */
export function sessionSetCookie(token: string, secure: boolean): string {
  return serializeCookie(SESSION_COOKIE, token, sessionCookieOptions(secure));
}

/** A `Set-Cookie` value that removes the session cookie from the browser. */
export function clearedSessionCookie(secure: boolean): string {
  return serializeCookie(SESSION_COOKIE, '', { ...sessionCookieOptions(secure), maxAge: 0, expires: new Date(0) });
}

export interface ManagementAuthOptions {
  authenticate: ManagementAuth;
  sessions: SessionService;
  /** Whether the session cookie is `Secure` (the server's public URL is https). */
  secureCookies: boolean;
}

/**
 * preHandler for management routes: HTTP Basic with a `cloud` key, or, for a request without an
 * `Authorization` header, the console's session cookie (Basic wins when both are sent). With the
 * cookie, a request that changes state must carry the session's `X-CSRF-Token` (compared in constant
 * time), else 403; a cookie whose session has ended (or two session cookies) is cleared and answered 401.
 */
export function managementAuthentication(options: ManagementAuthOptions) {
  async function withSession(request: FastifyRequest, reply: FastifyReply, token: string): Promise<void> {
    // checked first, from the token alone: a refused request reads and writes nothing
    if (!SAFE_METHODS.has(request.method)) {
      const presented = request.headers[CSRF_HEADER];
      if (typeof presented !== 'string' || !csrfTokenMatches(token, presented)) {
        throw errors.forbidden('A console request that changes something must send its session\'s X-CSRF-Token header');
      }
    }
    const session = await options.sessions.resume(token, requestMetadata(request));
    if (!session) {
      reply.header('Set-Cookie', clearedSessionCookie(secureCookie(request, options.secureCookies)));
      throw errors.unauthenticated('The console session has ended; log in again');
    }
    request.callContext = session.ctx;
    request.consoleSession = session;
  }

  return async function authenticateRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.headers.authorization === undefined) {
      const token = sessionCookie(request);
      if (token !== undefined) return withSession(request, reply, token);
    }
    const credentials = basicCredentials(request.headers.authorization);
    if (!credentials) throw errors.unauthenticated('Authenticate with HTTP Basic using a cloud API key and secret');
    const metadata = requestMetadata(request);
    const actor = await options.authenticate(credentials.key, credentials.secret, metadata);
    request.callContext = { actor, request: metadata };
  };
}

export function ctx(request: FastifyRequest): CallContext {
  if (!request.callContext) throw errors.unauthenticated();
  return request.callContext;
}

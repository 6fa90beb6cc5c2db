import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../domain/errors.js';
import { ConsoleSession, ErrorBody, SessionLogin } from '../../contract/index.js';
import { clearedSessionCookie, requestMetadata, secureCookie, sessionSetCookie } from '../plugins/authentication.js';
import type { LiveSession, NewSession } from '../../services/sessions.js';
import type { RouteDeps } from './route-deps.js';

const SESSIONS = '/keyward/v1/sessions';
const sessionSecurity = [{ sessionCookie: [] }];

function sessionOf(request: FastifyRequest): LiveSession {
  if (!request.consoleSession) throw errors.notFound('Console session', 'current');
  return request.consoleSession;
}

function present(session: Pick<NewSession, 'principal' | 'csrfToken' | 'expiresAt'>): ConsoleSession {
  return { principal: session.principal, csrf_token: session.csrfToken, expires_at: session.expiresAt };
}

/**
 * The web console's login, session and logout (DESIGN §10). The token travels only in the HttpOnly,
 * SameSite=Strict cookie; the body answers the CSRF token the console sends back on every change.
 */
export async function sessionRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { sessions } = deps.services;
  const tags = ['Console sessions'];

  app.post(SESSIONS, { schema: { tags, body: SessionLogin, response: { 201: ConsoleSession, '4xx': ErrorBody } } }, async (request, reply) => {
    const session = await sessions.login(request.body.key, request.body.secret, requestMetadata(request));
    reply.header('Set-Cookie', sessionSetCookie(session.token, secureCookie(request, deps.secureCookies)));
    return reply.code(201).send(present(session));
  });
  app.get(`${SESSIONS}/current`, { preHandler: deps.authenticate, schema: { tags, security: sessionSecurity, response: { 200: ConsoleSession, '4xx': ErrorBody } } }, async (request) => {
    const session = sessionOf(request);
    return present({ principal: session.ctx.actor.principal, csrfToken: session.csrfToken, expiresAt: session.expiresAt });
  });
  app.delete(`${SESSIONS}/current`, { preHandler: deps.authenticate, schema: { tags, security: sessionSecurity, response: { 204: Type.Null(), '4xx': ErrorBody } } }, async (request, reply) => {
    await sessions.logout(sessionOf(request));
    reply.header('Set-Cookie', clearedSessionCookie(secureCookie(request, deps.secureCookies)));
    return reply.code(204).send(null);
  });
}

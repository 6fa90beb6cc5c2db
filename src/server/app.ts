import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import formbody from '@fastify/formbody';
import type { Services } from '../services/index.js';
import { registerErrorHandling, sendError } from './errors.js';
import { clientErrorHandler, installHttpEdge, requireHost } from './http-edge.js';
import { rejectNulCharacters } from './plugins/reject-nul.js';
import { maskSecretsInText } from '../domain/mask-secrets.js';
import { managementAuthentication } from './plugins/authentication.js';
import { createPresenters } from './presenters.js';
import { environmentRoutes } from './routes/environments.js';
import { clusterRoutes } from './routes/clusters.js';
import { userRoutes } from './routes/users.js';
import { serviceAccountRoutes } from './routes/service-accounts.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { auditRoutes } from './routes/audit.js';
import { systemRoutes } from './routes/system.js';
import type { RouteDeps } from './routes/route-deps.js';
import { dataPlaneRoutes } from './routes/data-plane.js';
import { oauthRoutes } from './routes/oauth.js';
import { accessControlRoutes } from './routes/access-control.js';
import { lifecycleRoutes } from './routes/lifecycle.js';

export interface AppOptions {
  services: Services;
  /** The URL clients use to reach this server (links, token issuer). */
  publicUrl: string;
  logger?: FastifyServerOptions['logger'];
  /** Extra route plugins (data plane, later capabilities) registered with the same deps. */
  plugins?: Array<(app: FastifyInstance, deps: RouteDeps) => Promise<void>>;
  /** Failing components reported by `/readyz`. */
  health?: RouteDeps['health'];
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds the Fastify app from services. It does not listen: tests use `app.inject()`. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    // Per-request logs would double the data plane's cost and the audit log already records each
    // authentication; management changes are logged below, errors by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    clientErrorHandler,
    // requireHostHeader: false lets requireHost (http-edge.ts) answer a missing Host with the error body.
    http: { requireHostHeader: false },
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      // A secret pasted as the request id would be echoed, logged and audited: it is replaced.
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) && maskSecretsInText(incoming) === incoming ? incoming : randomUUID();
    },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    // Failures Fastify meets before routing (a malformed URL, an over-long path parameter) get the
    // same error body and X-Request-Id as everything else, not Fastify's own shape.
    frameworkErrors: (error, request, reply) => {
      reply.header('X-Request-Id', request.id);
      const detail = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path parameter is too long' : 'The request URL is not valid';
      return sendError(request, reply, 'bad_request', detail);
    },
  });

  installHttpEdge(app.server);
  app.addHook('onRequest', requireHost);
  app.addHook('preValidation', rejectNulCharacters);

  // Callback-style hooks: on the data plane's hot path an async hook costs a promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    if (request.method !== 'GET' && !request.url.startsWith('/keyward/v1/verify') && !request.url.startsWith('/oauth2/')) {
      request.log.info({ method: request.method, url: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    }
    done();
  });
  registerErrorHandling(app);
  await app.register(formbody);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'keyward', version: '0.1.0', description: 'API keys, service accounts, role bindings, ACLs and audit log.' },
      servers: [{ url: options.publicUrl }],
      components: { securitySchemes: { basicAuth: { type: 'http', scheme: 'basic', description: 'A cloud API key and its secret' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const deps: RouteDeps = {
    services: options.services,
    present: createPresenters(options.publicUrl, options.services.deps.organizationId),
    authenticate: managementAuthentication(options.services.authenticate),
    health: options.health,
  };
  for (const routes of [systemRoutes, environmentRoutes, clusterRoutes, userRoutes, serviceAccountRoutes, apiKeyRoutes, accessControlRoutes, lifecycleRoutes, oauthRoutes, auditRoutes, ...(options.plugins ?? [])]) {
    await app.register(async (scope) => routes(scope, deps));
  }
  await app.register(async (scope) => dataPlaneRoutes(scope, options.services.verify));
  app.get('/openapi.json', { schema: { tags: ['System'], summary: 'This OpenAPI document' } }, async () => app.swagger());
  await app.ready();
  return app;
}

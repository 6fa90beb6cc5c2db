import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import formbody from '@fastify/formbody';
import type { TSchema } from '@sinclair/typebox';
import type { Services } from '../services/index.js';
import { registerErrorHandling, sendError } from './errors.js';
import { answeredMissingHost, clientErrorHandler, installHttpEdge } from './http-edge.js';
import { lazyChildLogger } from './request-logger.js';
import { rejectNulCharacters } from './plugins/reject-nul.js';
import { maskSecretsInText } from '../domain/mask-secrets.js';
import { parseTrustedProxies } from './client-address.js';
import { managementAuthentication } from './plugins/authentication.js';
import { createPresenters } from './presenters.js';
import { unknownFieldsRefused } from './schemas.js';
import { operationDocs, withOperationDocs } from './operation-docs.js';
import { environmentRoutes } from './routes/environments.js';
import { clusterRoutes } from './routes/clusters.js';
import { userRoutes } from './routes/users.js';
import { serviceAccountRoutes } from './routes/service-accounts.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { apiKeyUsageRoutes } from './routes/api-key-usage.js';
import { usageSummaryRoutes } from './routes/usage-summary.js';
import { accessCheckRoutes } from './routes/access-check.js';
import { auditRoutes } from './routes/audit.js';
import { systemRoutes } from './routes/system.js';
import { sessionRoutes } from './routes/sessions.js';
import type { RouteDeps } from './routes/route-deps.js';
import { dataPlaneRoutes } from './routes/data-plane.js';
import { oauthRoutes } from './routes/oauth.js';
import { accessControlRoutes } from './routes/access-control.js';
import { lifecycleRoutes } from './routes/lifecycle.js';
import { kafkaBrokerRoutes } from './routes/kafka-broker.js';
import { kafkaBrokersRoutes } from './routes/kafka-brokers.js';
import { consoleRoutes } from './routes/console.js';
import { loadConsoleBuild, type ConsoleBuild } from './console-assets.js';

export interface AppOptions {
  services: Services;
  /** The URL clients use to reach this server (links, token issuer). */
  publicUrl: string;
  logger?: FastifyServerOptions['logger'];
  /** Failing components reported by `/readyz`. */
  health?: RouteDeps['health'];
  /** `--trust-proxy`: CIDR ranges whose X-Forwarded-For / X-Real-IP are believed (default: none). */
  trustProxy?: string | readonly string[];
  /** Slow- and idle-client limits; tests shorten them (defaults: CONNECTION_LIMITS). */
  limits?: Partial<ConnectionLimits>;
  /** The web console's build (default: read from dist/console; null: serve no console). */
  console?: ConsoleBuild | null;
}

/** How long a client may take, and how many may be connected at once (docs/security.md). */
export interface ConnectionLimits {
  /** From the first byte of a request to the end of its headers. */
  headersTimeoutMs: number;
  /** From the first byte of a request to the end of its body (a body trickled byte by byte). */
  requestTimeoutMs: number;
  /** An idle kept-alive connection between two requests. */
  keepAliveTimeoutMs: number;
  /** No byte either way on a socket (a client that stops reading its response). */
  idleSocketTimeoutMs: number;
  /** How often Node checks headers/request timeouts (their precision). */
  checkIntervalMs: number;
  /** Open connections at most; more are refused at accept. */
  maxConnections: number;
}

export const CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  idleSocketTimeoutMs: 60_000,
  checkIntervalMs: 1_000,
  maxConnections: 10_000,
};

/** The only routes that take a body other than JSON: the OAuth token endpoint (RFC 6749 forms). */
const FORM_BODY_ROUTES = new Set(['/oauth2/token']);

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

const JSON_TYPE = 'application/json';

/** `application/json`, with or without parameters, in any case; the usual spellings without a split. */
export function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  if (contentType.startsWith(JSON_TYPE) && (contentType.length === JSON_TYPE.length || contentType[JSON_TYPE.length] === ';')) return true;
  return (contentType.split(';', 1)[0] ?? '').trim().toLowerCase() === JSON_TYPE;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds the Fastify app from services. It does not listen: tests use `app.inject()`. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const limits = { ...CONNECTION_LIMITS, ...options.limits };
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    // Fastify's own proxy handling ignores X-Real-IP: the client address is ours (client-address.ts).
    trustProxy: false,
    connectionTimeout: limits.idleSocketTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // requireHostHeader: false lets answeredMissingHost (http-edge.ts) answer a missing Host with the error body.
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: limits.checkIntervalMs, requireHostHeader: false },
    // Per-request logs would double the data plane's cost and the audit log already records each
    // authentication; management changes are logged below, errors by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    // A request's child logger is made when it first logs (request-logger.ts): most never do.
    ...(options.logger ? { childLoggerFactory: lazyChildLogger } : {}),
    clientErrorHandler,
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

  app.server.maxConnections = limits.maxConnections;
  installHttpEdge(app.server);
  app.decorate('trustedProxies', parseTrustedProxies(options.trustProxy));

  // One callback-style hook per stage: on the data plane's hot path an async hook costs a promise per
  // request, and every hook one more turn of Fastify's hook runner.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    // API answers are not for caches (several carry secrets); a route that may be cached says so.
    reply.header('Cache-Control', 'no-store');
    if (answeredMissingHost(request, reply)) return;
    // A browser can send a form or text/plain cross-site without a preflight: only JSON is read,
    // so such a request never reaches a handler (the token endpoint alone takes RFC 6749 forms).
    if (hasBody(request.headers) && !isJson(request.headers['content-type']) && !FORM_BODY_ROUTES.has(request.routeOptions.url ?? '')) {
      sendError(request, reply, 'unsupported_media_type', 'Send the request body as application/json');
      return;
    }
    done();
  });
  app.addHook('preValidation', rejectNulCharacters);
  app.addHook('onResponse', (request, reply, done) => {
    // Management changes are logged; reads and the data plane (verify, auth/basic, oauth2) are not.
    const method = request.method;
    if (method !== 'GET') {
      const url = request.url;
      if (!url.startsWith('/keyward/v1/verify') && !url.startsWith('/oauth2/')) {
        request.log.info({ method, url: url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
      }
    }
    done();
  });
  registerErrorHandling(app);
  // As each route is registered: its body refuses fields it does not define (422 naming the field),
  // and its operation gets its summary, description and example body (operation-docs.ts).
  const docs = operationDocs({ publicUrl: options.publicUrl });
  app.addHook('onRoute', (route) => {
    const body = route.schema?.body as TSchema | undefined;
    const schema = body === undefined ? route.schema : { ...route.schema, body: unknownFieldsRefused(body) };
    route.schema = withOperationDocs(docs, String(route.method), route.url, schema);
  });
  await app.register(formbody);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'keyward', version: '0.1.0', description: 'API keys, service accounts, role bindings, ACLs and audit log.' },
      servers: [{ url: options.publicUrl }],
      components: {
        securitySchemes: {
          basicAuth: { type: 'http', scheme: 'basic', description: 'A cloud API key and its secret' },
          sessionCookie: { type: 'apiKey', in: 'cookie', name: 'keyward_session', description: "The web console's session (POST /keyward/v1/sessions); a request that changes state also sends X-CSRF-Token" },
          brokerAuth: { type: 'http', scheme: 'basic', description: "A Kafka broker's key: a key of the cluster whose owner holds KafkaBroker on it (keyward kafka cluster broker-config)" },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const secureCookies = options.publicUrl.startsWith('https:');
  const deps: RouteDeps = {
    services: options.services,
    present: createPresenters(options.publicUrl, options.services.organizationId),
    authenticate: managementAuthentication({ authenticate: options.services.authenticate, sessions: options.services.sessions, secureCookies }),
    secureCookies,
    health: options.health,
  };
  for (const routes of [systemRoutes, sessionRoutes, environmentRoutes, clusterRoutes, userRoutes, serviceAccountRoutes, apiKeyRoutes, apiKeyUsageRoutes, usageSummaryRoutes, accessControlRoutes, accessCheckRoutes, lifecycleRoutes, oauthRoutes, auditRoutes, kafkaBrokerRoutes, kafkaBrokersRoutes]) {
    await app.register(async (scope) => routes(scope, deps));
  }
  await app.register(async (scope) => dataPlaneRoutes(scope, options.services.verify));
  await app.register(async (scope) => consoleRoutes(scope, options.console === null ? undefined : (options.console ?? loadConsoleBuild())));
  app.get('/openapi.json', { schema: { tags: ['System'] } }, async () => app.swagger());
  await app.ready();
  return app;
}

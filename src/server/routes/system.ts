import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ctx } from '../plugins/authentication.js';
import { ErrorBody, Health, Readiness, WhoAmI } from '../../contract/index.js';
import { security, type RouteDeps } from './route-deps.js';
import { sendError } from '../errors.js';
import { organizationCrn } from '../../domain/crn.js';

export async function systemRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['System'];
  app.get('/healthz', { schema: { tags, response: { 200: Health } } }, async () => ({ status: 'ok' }));
  // Ready means: the database answers, and no component reports a failure (audit writes that keep
  // failing, the lost LISTEN connection of cross-instance cache invalidation).
  app.get('/readyz', { schema: { tags, response: { 200: Readiness, '5xx': ErrorBody } } }, async (request, reply) => {
    const problems = deps.health?.problems() ?? [];
    if (!(await deps.services.system.databaseReachable())) problems.unshift({ component: 'database', reason: 'the database is not reachable' });
    if (problems.length > 0) {
      return sendError(request, reply, 'service_unavailable', `Not ready: ${problems.map((p) => `${p.component}: ${p.reason}`).join('; ')}`);
    }
    return { status: 'ready', database: deps.services.system.dialect };
  });
  app.get('/metrics', { preHandler: deps.authenticate, schema: { tags, security } }, async (request, reply) => {
    await deps.services.authz.require(ctx(request), 'metrics:read', organizationCrn(deps.services.organizationId));
    const { registry } = deps.services.metrics;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  app.get('/keyward/v1/whoami', { preHandler: deps.authenticate, schema: { tags, security, response: { 200: WhoAmI, '4xx': ErrorBody } } }, async (request): Promise<WhoAmI> => {
    const { actor } = ctx(request);
    return {
      principal: actor.principal,
      kind: actor.kind,
      id: actor.id,
      api_key: actor.apiKeyId,
      organization: deps.services.organizationId,
      roles: await deps.services.system.roleNamesOf(actor.principal),
    };
  });
}

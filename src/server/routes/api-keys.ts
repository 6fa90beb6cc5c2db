import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ctx } from '../plugins/authentication.js';
import { ApiKey, ErrorBody, IdParams, ListQuery, listOf } from '../schemas.js';
import { pageQuery, security, type RouteDeps } from './route-deps.js';

const Body = Type.Object({
  spec: Type.Object({
    display_name: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    owner: Type.Optional(Type.Object({ id: Type.String() })),
    resource: Type.Object({ id: Type.String() }),
    expires_in: Type.Optional(Type.String()),
    expires_at: Type.Optional(Type.String()),
  }),
});
const Patch = Type.Object({ spec: Type.Object({ display_name: Type.Optional(Type.String()), description: Type.Optional(Type.String()) }) });
const Query = Type.Composite([
  ListQuery,
  Type.Object({
    'spec.owner': Type.Optional(Type.String({ maxLength: 32 })),
    'spec.resource': Type.Optional(Type.String({ maxLength: 32 })),
    environment: Type.Optional(Type.String({ maxLength: 32 })),
    status: Type.Optional(Type.String({ maxLength: 16 })),
  }),
]);

export async function apiKeyRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { apiKeys } = deps.services;
  const common = { preHandler: deps.authenticate };
  const tags = ['API keys'];

  app.get('/iam/v2/api-keys', { ...common, schema: { tags, security, querystring: Query, response: { 200: listOf(ApiKey), '4xx': ErrorBody } } }, async (request) => {
    const q = request.query;
    const page = await apiKeys.list(ctx(request), { owner: q['spec.owner'], resource: q['spec.resource'], environment: q.environment, status: q.status }, pageQuery(q));
    return deps.present.list('iam/v2', 'ApiKey', '/iam/v2/api-keys', page, (k) => deps.present.apiKey(k), q);
  });
  app.post('/iam/v2/api-keys', { ...common, schema: { tags, security, body: Body, response: { 201: ApiKey, '4xx': ErrorBody } } }, async (request, reply) => {
    const s = request.body.spec;
    const created = await apiKeys.create(ctx(request), {
      resource: s.resource.id, serviceAccount: s.owner?.id, displayName: s.display_name, description: s.description, expiresIn: s.expires_in, expiresAt: s.expires_at,
    });
    return reply.code(201).send(deps.present.createdApiKey(created));
  });
  app.get('/iam/v2/api-keys/:id', { ...common, schema: { tags, security, params: IdParams, response: { 200: ApiKey, '4xx': ErrorBody } } }, async (request) => {
    return deps.present.apiKey(await apiKeys.get(ctx(request), request.params.id));
  });
  app.patch('/iam/v2/api-keys/:id', { ...common, schema: { tags, security, params: IdParams, body: Patch, response: { 200: ApiKey, '4xx': ErrorBody } } }, async (request) => {
    const s = request.body.spec;
    return deps.present.apiKey(await apiKeys.update(ctx(request), request.params.id, { description: s.description, displayName: s.display_name }));
  });
  app.delete('/iam/v2/api-keys/:id', { ...common, schema: { tags, security, params: IdParams, response: { 204: Type.Null(), '4xx': ErrorBody } } }, async (request, reply) => {
    await apiKeys.delete(ctx(request), request.params.id);
    return reply.code(204).send(null);
  });
  app.post('/keyward/v1/api-keys/:id/disable', { ...common, schema: { tags, security, params: IdParams, response: { 200: ApiKey, '4xx': ErrorBody } } }, async (request) => {
    return deps.present.apiKey(await apiKeys.setStatus(ctx(request), request.params.id, 'DISABLED'));
  });
  app.post('/keyward/v1/api-keys/:id/enable', { ...common, schema: { tags, security, params: IdParams, response: { 200: ApiKey, '4xx': ErrorBody } } }, async (request) => {
    return deps.present.apiKey(await apiKeys.setStatus(ctx(request), request.params.id, 'ACTIVE'));
  });
}

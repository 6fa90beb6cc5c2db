import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ctx } from '../plugins/authentication.js';
import { ApiKey, ApiKeyBody, ApiKeyPatch, ApiKeyQuery, ErrorBody, IdParams, listOf } from '../../contract/index.js';
import { pageQuery, security, type RouteDeps } from './route-deps.js';

export async function apiKeyRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { apiKeys } = deps.services;
  const common = { preHandler: deps.authenticate };
  const tags = ['API keys'];

  app.get('/iam/v2/api-keys', { ...common, schema: { tags, security, querystring: ApiKeyQuery, response: { 200: listOf(ApiKey), '4xx': ErrorBody } } }, async (request) => {
    const q = request.query;
    const page = await apiKeys.list(ctx(request), { owner: q['spec.owner'], resource: q['spec.resource'], environment: q.environment, status: q.status }, pageQuery(q));
    return deps.present.list('iam/v2', 'ApiKey', '/iam/v2/api-keys', page, (k) => deps.present.apiKey(k), q);
  });
  app.post('/iam/v2/api-keys', { ...common, schema: { tags, security, body: ApiKeyBody, response: { 201: ApiKey, '4xx': ErrorBody } } }, async (request, reply) => {
    const s = request.body.spec;
    const created = await apiKeys.create(ctx(request), {
      resource: s.resource.id, serviceAccount: s.owner?.id, displayName: s.display_name, description: s.description, expiresIn: s.expires_in, expiresAt: s.expires_at,
    });
    return reply.code(201).send(deps.present.createdApiKey(created));
  });
  app.get('/iam/v2/api-keys/:id', { ...common, schema: { tags, security, params: IdParams, response: { 200: ApiKey, '4xx': ErrorBody } } }, async (request) => {
    return deps.present.apiKey(await apiKeys.get(ctx(request), request.params.id));
  });
  app.patch('/iam/v2/api-keys/:id', { ...common, schema: { tags, security, params: IdParams, body: ApiKeyPatch, response: { 200: ApiKey, '4xx': ErrorBody } } }, async (request) => {
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

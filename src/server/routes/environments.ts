import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ctx } from '../plugins/authentication.js';
import { Environment, EnvironmentBody, EnvironmentPatch, ErrorBody, IdParams, ListQuery, listOf } from '../../contract/index.js';
import { pageQuery, security, type RouteDeps } from './route-deps.js';

export async function environmentRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { environments } = deps.services;
  const common = { preHandler: deps.authenticate };
  const tags = ['Environments'];

  app.get('/org/v2/environments', { ...common, schema: { tags, security, querystring: ListQuery, response: { 200: listOf(Environment), '4xx': ErrorBody } } }, async (request) => {
    const page = await environments.list(ctx(request), pageQuery(request.query));
    return deps.present.list('org/v2', 'Environment', '/org/v2/environments', page, deps.present.environment, request.query);
  });
  app.post('/org/v2/environments', { ...common, schema: { tags, security, body: EnvironmentBody, response: { 201: Environment, '4xx': ErrorBody } } }, async (request, reply) => {
    const env = await environments.create(ctx(request), { name: request.body.display_name, stage: request.body.stage });
    return reply.code(201).send(deps.present.environment(env));
  });
  app.get('/org/v2/environments/:id', { ...common, schema: { tags, security, params: IdParams, response: { 200: Environment, '4xx': ErrorBody } } }, async (request) => {
    return deps.present.environment(await environments.get(ctx(request), request.params.id));
  });
  app.patch('/org/v2/environments/:id', { ...common, schema: { tags, security, params: IdParams, body: EnvironmentPatch, response: { 200: Environment, '4xx': ErrorBody } } }, async (request) => {
    return deps.present.environment(await environments.update(ctx(request), request.params.id, { name: request.body.display_name, stage: request.body.stage }));
  });
  app.delete('/org/v2/environments/:id', { ...common, schema: { tags, security, params: IdParams, response: { 204: Type.Null(), '4xx': ErrorBody } } }, async (request, reply) => {
    await environments.delete(ctx(request), request.params.id);
    return reply.code(204).send(null);
  });
}

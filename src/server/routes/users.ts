import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ctx } from '../plugins/authentication.js';
import { CreatedUser, ErrorBody, IdParams, ListQuery, User, UserBody, UserPatch, listOf } from '../../contract/index.js';
import { pageQuery, security, type RouteDeps } from './route-deps.js';
import { reportDeleted } from './deleted-header.js';

export async function userRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { users } = deps.services;
  const common = { preHandler: deps.authenticate };
  const tags = ['Users'];

  app.get('/iam/v2/users', { ...common, schema: { tags, security, querystring: ListQuery, response: { 200: listOf(User), '4xx': ErrorBody } } }, async (request) => {
    const page = await users.list(ctx(request), pageQuery(request.query));
    return deps.present.list('iam/v2', 'User', '/iam/v2/users', page, deps.present.user, request.query);
  });
  app.post('/iam/v2/users', { ...common, schema: { tags, security, body: UserBody, response: { 201: CreatedUser, '4xx': ErrorBody } } }, async (request, reply) => {
    const created = await users.create(ctx(request), { email: request.body.email, fullName: request.body.full_name });
    return reply.code(201).send({ ...deps.present.user(created.user), api_key: { key: created.key, secret: created.secret } });
  });
  app.get('/iam/v2/users/:id', { ...common, schema: { tags, security, params: IdParams, response: { 200: User, '4xx': ErrorBody } } }, async (request) => {
    return deps.present.user(await users.get(ctx(request), request.params.id));
  });
  app.patch('/iam/v2/users/:id', { ...common, schema: { tags, security, params: IdParams, body: UserPatch, response: { 200: User, '4xx': ErrorBody } } }, async (request) => {
    return deps.present.user(await users.update(ctx(request), request.params.id, { fullName: request.body.full_name }));
  });
  app.delete('/iam/v2/users/:id', { ...common, schema: { tags, security, params: IdParams, response: { 204: Type.Null(), '4xx': ErrorBody } } }, async (request, reply) => {
    reportDeleted(reply, await users.delete(ctx(request), request.params.id));
    return reply.code(204).send(null);
  });
}

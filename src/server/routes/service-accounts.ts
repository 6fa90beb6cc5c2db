import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ctx } from '../plugins/authentication.js';
import { ErrorBody, IdParams, ServiceAccount, ServiceAccountBody, ServiceAccountPatch, ServiceAccountQuery, listOf } from '../../contract/index.js';
import { pageQuery, security, type RouteDeps } from './route-deps.js';
import { reportDeleted } from './deleted-header.js';

export async function serviceAccountRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { serviceAccounts } = deps.services;
  const common = { preHandler: deps.authenticate };
  const tags = ['Service accounts'];

  app.get('/iam/v2/service-accounts', { ...common, schema: { tags, security, querystring: ServiceAccountQuery, response: { 200: listOf(ServiceAccount), '4xx': ErrorBody } } }, async (request) => {
    const page = await serviceAccounts.list(ctx(request), { displayName: request.query.display_name }, pageQuery(request.query));
    return deps.present.list('iam/v2', 'ServiceAccount', '/iam/v2/service-accounts', page, deps.present.serviceAccount, request.query);
  });
  app.post('/iam/v2/service-accounts', { ...common, schema: { tags, security, body: ServiceAccountBody, response: { 201: ServiceAccount, '4xx': ErrorBody } } }, async (request, reply) => {
    const sa = await serviceAccounts.create(ctx(request), { name: request.body.display_name, description: request.body.description });
    return reply.code(201).send(deps.present.serviceAccount(sa));
  });
  app.get('/iam/v2/service-accounts/:id', { ...common, schema: { tags, security, params: IdParams, response: { 200: ServiceAccount, '4xx': ErrorBody } } }, async (request) => {
    return deps.present.serviceAccount(await serviceAccounts.get(ctx(request), request.params.id));
  });
  app.patch('/iam/v2/service-accounts/:id', { ...common, schema: { tags, security, params: IdParams, body: ServiceAccountPatch, response: { 200: ServiceAccount, '4xx': ErrorBody } } }, async (request) => {
    return deps.present.serviceAccount(await serviceAccounts.update(ctx(request), request.params.id, { description: request.body.description }));
  });
  app.delete('/iam/v2/service-accounts/:id', { ...common, schema: { tags, security, params: IdParams, response: { 204: Type.Null(), '4xx': ErrorBody } } }, async (request, reply) => {
    reportDeleted(reply, await serviceAccounts.delete(ctx(request), request.params.id));
    return reply.code(204).send(null);
  });
  app.post('/keyward/v1/service-accounts/:id/disable', { ...common, schema: { tags, security, params: IdParams, response: { 200: ServiceAccount, '4xx': ErrorBody } } }, async (request) => {
    return deps.present.serviceAccount(await serviceAccounts.disable(ctx(request), request.params.id));
  });
  app.post('/keyward/v1/service-accounts/:id/enable', { ...common, schema: { tags, security, params: IdParams, response: { 200: ServiceAccount, '4xx': ErrorBody } } }, async (request) => {
    return deps.present.serviceAccount(await serviceAccounts.enable(ctx(request), request.params.id));
  });
}

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { AccessCheckQuerySchema, AccessCheckSchema } from '../../contract/access-check.js';
import { ctx } from '../plugins/authentication.js';
import { ErrorBody } from '../../contract/index.js';
import { security, type RouteDeps } from './route-deps.js';

/** `GET /keyward/v1/access/check?principal=&operation=&resource_type=&resource_name=&cluster=`: the data plane's answer, asked ahead (DESIGN §3). */
export async function accessCheckRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { accessCheck } = deps.services;
  app.get('/keyward/v1/access/check', {
    preHandler: deps.authenticate,
    schema: {
      tags: ['Access control'],
      security,
      querystring: AccessCheckQuerySchema,
      response: { 200: AccessCheckSchema, '4xx': ErrorBody },
    },
  }, async (request) => {
    const q = request.query;
    return accessCheck.check(ctx(request), {
      principal: q.principal, operation: q.operation, resourceType: q.resource_type, resourceName: q.resource_name, cluster: q.cluster, host: q.host,
    });
  });
}

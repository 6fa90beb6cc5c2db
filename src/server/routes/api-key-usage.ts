import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { rfc3339Seconds } from '../../domain/usage.js';
import type { ApiKeyUsage } from '../../services/usage/usage-service.js';
import { ctx } from '../plugins/authentication.js';
import { ApiKeyUsage as ApiKeyUsageBody, ApiKeyUsageQuery, ErrorBody, IdParams } from '../../contract/index.js';
import { security, type RouteDeps } from './route-deps.js';

function present(usage: ApiKeyUsage): ApiKeyUsageBody {
  return {
    api_version: 'keyward/v1',
    kind: 'APIKeyUsage',
    id: usage.id,
    since: rfc3339Seconds(usage.since),
    until: rfc3339Seconds(usage.until),
    bucket: usage.bucket,
    totals: usage.totals,
    data: usage.buckets.map((b) => ({ start: rfc3339Seconds(b.start), counts: b.counts })),
  };
}

/** `GET /keyward/v1/api-keys/{id}/usage?since=24h&bucket=1h` (DESIGN §3). */
export async function apiKeyUsageRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { usage } = deps.services;
  app.get('/keyward/v1/api-keys/:id/usage', {
    preHandler: deps.authenticate,
    schema: {
      tags: ['API keys'],
      security,
      params: IdParams,
      querystring: ApiKeyUsageQuery,
      response: { 200: ApiKeyUsageBody, '4xx': ErrorBody },
    },
  }, async (request) => present(await usage.query.forKey(ctx(request), request.params.id, { since: request.query.since, bucket: request.query.bucket })));
}

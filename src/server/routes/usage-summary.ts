import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { UsageQuerySchema, UsageSummarySchema, type UsageSummaryBody } from '../../contract/usage-summary.js';
import { rfc3339Seconds } from '../../domain/usage.js';
import type { UsageSummary } from '../../services/usage/usage-summary.js';
import { ctx } from '../plugins/authentication.js';
import { ErrorBody } from '../../contract/index.js';
import { security, type RouteDeps } from './route-deps.js';

const bucketsOf = (buckets: UsageSummary['buckets']) => buckets.map((b) => ({ start: rfc3339Seconds(b.start), counts: b.counts }));

function present(summary: UsageSummary): UsageSummaryBody {
  return {
    api_version: 'keyward/v1',
    kind: 'UsageSummary',
    since: rfc3339Seconds(summary.since),
    until: rfc3339Seconds(summary.until),
    bucket: summary.bucket,
    totals: summary.totals,
    data: bucketsOf(summary.buckets),
    keys: summary.keys.map((k) => ({ key: k.key, totals: k.totals, buckets: bucketsOf(k.buckets) })),
  };
}

/** `GET /keyward/v1/usage?since=24h&bucket=1h`: the organization's API key usage, and each key's (DESIGN §3). */
export async function usageSummaryRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { usageSummary } = deps.services;
  app.get('/keyward/v1/usage', {
    preHandler: deps.authenticate,
    schema: {
      tags: ['API keys'],
      security,
      querystring: UsageQuerySchema,
      response: { 200: UsageSummarySchema, '4xx': ErrorBody },
    },
  }, async (request) => present(await usageSummary.summary(ctx(request), { since: request.query.since, bucket: request.query.bucket })));
}

import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { USAGE_BUCKET_NAMES, USAGE_OUTCOMES, rfc3339Seconds } from '../../domain/usage.js';
import type { ApiKeyUsage } from '../../services/usage/usage-service.js';
import { ctx } from '../plugins/authentication.js';
import { ErrorBody, IdParams } from '../schemas.js';
import { security, type RouteDeps } from './route-deps.js';

const Counts = Type.Object(Object.fromEntries(USAGE_OUTCOMES.map((o) => [o, Type.Integer()])), {
  description: 'Authentications per outcome (the verification codes), every outcome listed',
});

const EXAMPLE_COUNTS = { VALID: 0, INVALID_CREDENTIALS: 0, EXPIRED: 0, DISABLED: 0, WRONG_RESOURCE: 0, FORBIDDEN: 0, RATE_LIMITED: 0 };
const EXAMPLE = {
  api_version: 'keyward/v1',
  kind: 'APIKeyUsage',
  id: 'UTT6WDRXX7FHD2GV',
  since: '2026-03-01T10:00:00Z',
  until: '2026-03-01T12:34:56Z',
  bucket: '1h',
  totals: { ...EXAMPLE_COUNTS, VALID: 5210, INVALID_CREDENTIALS: 3 },
  data: [
    { start: '2026-03-01T10:00:00Z', counts: { ...EXAMPLE_COUNTS, VALID: 1800 } },
    { start: '2026-03-01T11:00:00Z', counts: { ...EXAMPLE_COUNTS, VALID: 2410, INVALID_CREDENTIALS: 3 } },
    { start: '2026-03-01T12:00:00Z', counts: { ...EXAMPLE_COUNTS, VALID: 1000 } },
  ],
};

const Usage = Type.Object(
  {
    api_version: Type.Literal('keyward/v1'),
    kind: Type.Literal('APIKeyUsage'),
    id: Type.String({ description: 'The API key' }),
    since: Type.String({ description: 'Start of the first bucket (RFC 3339, UTC)' }),
    until: Type.String({ description: 'When the counts were read (RFC 3339, UTC); the last bucket is still filling' }),
    bucket: Type.String({ description: 'Bucket size' }),
    totals: Counts,
    data: Type.Array(Type.Object({ start: Type.String({ description: 'Start of the bucket (RFC 3339, UTC)' }), counts: Counts }), {
      description: 'Every bucket, oldest first, zeros included',
    }),
  },
  { examples: [EXAMPLE] },
);

const Query = Type.Object({
  since: Type.Optional(Type.String({ maxLength: 64, description: 'A duration back from now, 1m to 90d (e.g. 24h, 7d), or an RFC 3339 time; default 24h' })),
  bucket: Type.Optional(Type.String({ maxLength: 8, description: `Bucket size: ${USAGE_BUCKET_NAMES.join(', ')}; default 1h` })),
});

function present(usage: ApiKeyUsage) {
  return {
    api_version: 'keyward/v1' as const,
    kind: 'APIKeyUsage' as const,
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
      querystring: Query,
      response: { 200: Usage, '4xx': ErrorBody },
    },
  }, async (request) => present(await usage.query.forKey(ctx(request), request.params.id, { since: request.query.since, bucket: request.query.bucket })));
}

/**
 * Key lifecycle and best practices (DESIGN §3, §6): rotation, the organization policy, the advisor's
 * findings and leak reports. Thin: validate, call the service, map.
 */
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { SEVERITIES } from '../../domain/advisor/index.js';
import { parseSeverity } from '../../services/advisor.js';
import { ctx } from '../plugins/authentication.js';
import { ApiKey, ErrorBody, IdParams, Nullable } from '../schemas.js';
import { security, type RouteDeps } from './route-deps.js';

const RotateBody = Type.Object({
  grace: Type.Optional(Type.String({ maxLength: 32, description: 'How long the old key keeps working: 0 to 7d (default 24h)' })),
  service_account: Type.Optional(Type.String({ maxLength: 64, description: 'Issue the new key to this service account (sa-…) instead of the old key\'s owner: hands a user\'s key over to a service account' })),
});

/** The new key (ApiKey, with `spec.secret` in this response only) and what happened to the old one. */
const RotatedApiKey = Type.Composite([
  ApiKey,
  Type.Object({
    rotation: Type.Object({
      replaces: Type.String({ description: 'The rotated-out key' }),
      old_key_expires_at: Type.String({ description: 'When the rotated-out key stops working' }),
    }),
  }),
]);

const Policy = Type.Object({
  max_key_lifetime: Nullable(Type.String()),
  require_service_account_keys_in_production: Type.Boolean(),
  max_keys_per_owner_resource: Type.Integer(),
  unused_key_days: Type.Integer(),
  rotation_days: Type.Integer(),
});

const PolicyPatch = Type.Object({
  max_key_lifetime: Type.Optional(Nullable(Type.String({ maxLength: 32 }))),
  require_service_account_keys_in_production: Type.Optional(Type.Boolean()),
  max_keys_per_owner_resource: Type.Optional(Type.Integer()),
  unused_key_days: Type.Optional(Type.Integer()),
  rotation_days: Type.Optional(Type.Integer()),
});

const Finding = Type.Object({
  id: Type.String(),
  rule: Type.String(),
  severity: Type.String(),
  subject: Type.String(),
  message: Type.String(),
  remediation: Type.String({ description: 'A runnable keyward command' }),
});

const FindingList = Type.Object({
  api_version: Type.String(),
  kind: Type.String(),
  metadata: Type.Object({ total_size: Type.Integer(), evaluated_at: Type.String() }),
  data: Type.Array(Finding),
});

const FindingsQuery = Type.Object({
  severity: Type.Optional(Type.String({ maxLength: 16, description: `Only findings at or above: ${SEVERITIES.join(', ')}` })),
});

const LeakReports = Type.Array(
  Type.Object({
    token: Type.String({ maxLength: 256 }),
    type: Type.Optional(Nullable(Type.String())),
    url: Type.Optional(Nullable(Type.String())),
    source: Type.Optional(Nullable(Type.String())),
  }),
  { maxItems: 1000 },
);

const LeakResults = Type.Array(
  Type.Object({
    label: Type.Union([Type.Literal('true_positive'), Type.Literal('false_positive')]),
    key: Nullable(Type.String()),
    url: Nullable(Type.String()),
    source: Nullable(Type.String()),
  }),
);

const LeaksQuery = Type.Object({
  dry_run: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')], { description: 'true: classify only, disable nothing' })),
});

export async function lifecycleRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { keyRotation, policy, advisor, leaks } = deps.services;
  const common = { preHandler: deps.authenticate };

  app.post(
    '/keyward/v1/api-keys/:id/rotate',
    {
      ...common,
      // No body at all means the defaults, as `{}` does.
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
      schema: { tags: ['API keys'], security, params: IdParams, body: RotateBody, response: { 201: RotatedApiKey, '4xx': ErrorBody } },
    },
    async (request, reply) => {
      const rotated = await keyRotation.rotate(ctx(request), request.params.id, { grace: request.body?.grace, serviceAccount: request.body?.service_account });
      const key = deps.present.apiKey(rotated.key, rotated.secret);
      return reply.code(201).send({ ...key, rotation: { replaces: rotated.replaces, old_key_expires_at: rotated.old_key_expires_at } });
    },
  );

  const policyTags = ['Policy'];
  app.get('/keyward/v1/policy', { ...common, schema: { tags: policyTags, security, response: { 200: Policy, '4xx': ErrorBody } } }, async (request) =>
    policy.get(ctx(request)),
  );
  app.patch('/keyward/v1/policy', { ...common, schema: { tags: policyTags, security, body: PolicyPatch, response: { 200: Policy, '4xx': ErrorBody } } }, async (request) =>
    policy.update(ctx(request), request.body),
  );

  app.get(
    '/keyward/v1/advisor/findings',
    { ...common, schema: { tags: ['Advisor'], security, querystring: FindingsQuery, response: { 200: FindingList, '4xx': ErrorBody } } },
    async (request) => {
      const report = await advisor.findings(ctx(request), { minSeverity: parseSeverity(request.query.severity) });
      return {
        api_version: 'keyward/v1',
        kind: 'AdvisorFindingList',
        metadata: { total_size: report.findings.length, evaluated_at: report.evaluated_at },
        data: report.findings,
      };
    },
  );

  app.post(
    '/keyward/v1/leaks',
    { ...common, schema: { tags: ['Leaks'], security, querystring: LeaksQuery, body: LeakReports, response: { 200: LeakResults, '4xx': ErrorBody } } },
    async (request) => leaks.report(ctx(request), request.body, { dryRun: request.query.dry_run === 'true' }),
  );
}

/**
 * Key lifecycle and best practices (DESIGN §3, §6): rotation, the organization policy, the advisor's
 * findings and leak reports. Thin: validate, call the service, map.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { parseSeverity } from '../../services/advisor.js';
import { ctx } from '../plugins/authentication.js';
import { ErrorBody, FindingList, FindingsQuery, IdParams, LeakReports, LeakResults, LeaksQuery, Policy, PolicyPatch, RotateBody, RotatedApiKey } from '../../contract/index.js';
import { security, type RouteDeps } from './route-deps.js';

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
      const body: RotatedApiKey = { ...deps.present.apiKey(rotated.key, rotated.secret), rotation: { replaces: rotated.replaces, old_key_expires_at: rotated.old_key_expires_at } };
      return reply.code(201).send(body);
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
    async (request): Promise<FindingList> => {
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

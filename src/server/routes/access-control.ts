import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ctx } from '../plugins/authentication.js';
import { ErrorBody, IdParams, ListQuery, listOf } from '../schemas.js';
import { pageQuery, security, type RouteDeps } from './route-deps.js';
import type { Acl } from '../../services/acls.js';
import type { RoleBinding } from '../../services/role-bindings.js';

const RoleBindingBody = Type.Object({ principal: Type.String({ maxLength: 64 }), role_name: Type.String({ maxLength: 64 }), crn_pattern: Type.String({ maxLength: 512 }) });
const RoleBindingSchema = Type.Object({
  api_version: Type.String(),
  kind: Type.String(),
  id: Type.String(),
  metadata: Type.Object({ self: Type.String(), resource_name: Type.String(), created_at: Type.String() }),
  principal: Type.String(),
  role_name: Type.String(),
  crn_pattern: Type.String(),
});
const RoleBindingQuery = Type.Composite([
  ListQuery,
  Type.Object({ principal: Type.Optional(Type.String({ maxLength: 64 })), role_name: Type.Optional(Type.String({ maxLength: 64 })), crn_pattern: Type.Optional(Type.String({ maxLength: 512 })) }),
]);

const AclFields = {
  resource_type: Type.String({ maxLength: 32 }),
  resource_name: Type.String({ maxLength: 255 }),
  pattern_type: Type.Optional(Type.String({ maxLength: 16 })),
  principal: Type.String({ maxLength: 64 }),
  host: Type.Optional(Type.String({ maxLength: 64 })),
  operation: Type.String({ maxLength: 32 }),
  permission: Type.String({ maxLength: 8 }),
};
const AclBody = Type.Union([Type.Object(AclFields), Type.Array(Type.Object(AclFields), { minItems: 1, maxItems: 100 })]);
const AclSchema = Type.Object({
  kind: Type.String(),
  cluster_id: Type.String(),
  resource_type: Type.String(),
  resource_name: Type.String(),
  pattern_type: Type.String(),
  principal: Type.String(),
  host: Type.String(),
  operation: Type.String(),
  permission: Type.String(),
});
const AclList = Type.Object({ kind: Type.String(), metadata: Type.Object({ self: Type.String() }), data: Type.Array(AclSchema) });
const AclQuery = Type.Object({
  resource_type: Type.Optional(Type.String({ maxLength: 32 })),
  resource_name: Type.Optional(Type.String({ maxLength: 255 })),
  pattern_type: Type.Optional(Type.String({ maxLength: 16 })),
  principal: Type.Optional(Type.String({ maxLength: 64 })),
  host: Type.Optional(Type.String({ maxLength: 64 })),
  operation: Type.Optional(Type.String({ maxLength: 32 })),
  permission: Type.Optional(Type.String({ maxLength: 8 })),
});
const ClusterParams = Type.Object({ cluster_id: Type.String({ maxLength: 32 }) });

/** Role bindings (`/iam/v2/role-bindings`) and Kafka ACLs (`/kafka/v3/clusters/{id}/acls`), Confluent-shaped. */
export async function accessControlRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { roleBindings, acls } = deps.services;
  const common = { preHandler: deps.authenticate };
  const base = deps.present.baseUrl;

  const binding = (rb: RoleBinding) => ({
    api_version: 'iam/v2',
    kind: 'RoleBinding',
    id: rb.id,
    metadata: { self: `${base}/iam/v2/role-bindings/${rb.id}`, resource_name: `${rb.crn_pattern.replace(/\*$/, '')}/role-binding=${rb.id}`, created_at: rb.created_at },
    principal: rb.principal,
    role_name: rb.role_name,
    crn_pattern: rb.crn_pattern,
  });
  const acl = (a: Acl) => ({
    kind: 'KafkaAcl',
    cluster_id: a.cluster_id,
    resource_type: a.resource_type,
    resource_name: a.resource_name,
    pattern_type: a.pattern_type,
    principal: a.principal,
    host: a.host,
    operation: a.operation,
    permission: a.permission,
  });

  const rt = ['Role bindings'];
  app.get('/iam/v2/role-bindings', { ...common, schema: { tags: rt, security, querystring: RoleBindingQuery, response: { 200: listOf(RoleBindingSchema), '4xx': ErrorBody } } }, async (request) => {
    const q = request.query;
    const page = await roleBindings.list(ctx(request), { principal: q.principal, roleName: q.role_name, crnPrefix: q.crn_pattern?.replace(/\*$/, '') }, pageQuery(q));
    return deps.present.list('iam/v2', 'RoleBinding', '/iam/v2/role-bindings', page, binding, q);
  });
  app.post('/iam/v2/role-bindings', { ...common, schema: { tags: rt, security, body: RoleBindingBody, response: { 201: RoleBindingSchema, '4xx': ErrorBody } } }, async (request, reply) => {
    const b = request.body;
    const created = await roleBindings.create(ctx(request), { principal: b.principal, roleName: b.role_name, crnPattern: b.crn_pattern });
    return reply.code(201).send(binding(created));
  });
  app.get('/iam/v2/role-bindings/:id', { ...common, schema: { tags: rt, security, params: IdParams, response: { 200: RoleBindingSchema, '4xx': ErrorBody } } }, async (request) => binding(await roleBindings.get(ctx(request), request.params.id)));
  app.delete('/iam/v2/role-bindings/:id', { ...common, schema: { tags: rt, security, params: IdParams, response: { 204: Type.Null(), '4xx': ErrorBody } } }, async (request, reply) => {
    await roleBindings.delete(ctx(request), request.params.id);
    return reply.code(204).send(null);
  });

  const at = ['Kafka ACLs'];
  const query = (q: Record<string, string | undefined>) => ({
    principal: q.principal, permission: q.permission, operation: q.operation, resourceType: q.resource_type, resourceName: q.resource_name, patternType: q.pattern_type,
  });
  app.get('/kafka/v3/clusters/:cluster_id/acls', { ...common, schema: { tags: at, security, params: ClusterParams, querystring: AclQuery, response: { 200: AclList, '4xx': ErrorBody } } }, async (request) => {
    const rows = await acls.list(ctx(request), request.params.cluster_id, query(request.query));
    return { kind: 'KafkaAclDataList', metadata: { self: `${base}/kafka/v3/clusters/${request.params.cluster_id}/acls` }, data: rows.map(acl) };
  });
  app.post('/kafka/v3/clusters/:cluster_id/acls', { ...common, schema: { tags: at, security, params: ClusterParams, body: AclBody, response: { 201: AclList, '4xx': ErrorBody } } }, async (request, reply) => {
    const inputs = Array.isArray(request.body) ? request.body : [request.body];
    const rows = await acls.create(ctx(request), request.params.cluster_id, inputs);
    return reply.code(201).send({ kind: 'KafkaAclDataList', metadata: { self: `${base}/kafka/v3/clusters/${request.params.cluster_id}/acls` }, data: rows.map(acl) });
  });
  app.delete('/kafka/v3/clusters/:cluster_id/acls', { ...common, schema: { tags: at, security, params: ClusterParams, querystring: AclQuery, response: { 200: AclList, '4xx': ErrorBody } } }, async (request) => {
    const rows = await acls.delete(ctx(request), request.params.cluster_id, query(request.query));
    return { kind: 'KafkaAclDataList', metadata: { self: `${base}/kafka/v3/clusters/${request.params.cluster_id}/acls` }, data: rows.map(acl) };
  });
}

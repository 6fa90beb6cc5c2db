import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ctx } from '../plugins/authentication.js';
import { type Acl, AclBody, AclList, AclQuery, ClusterIdParams, ErrorBody, IdParams, RoleBinding, RoleBindingBody, RoleBindingQuery, listOf } from '../../contract/index.js';
import { pageQuery, security, type RouteDeps } from './route-deps.js';
import type { Acl as AclRow } from '../../services/acls.js';
import type { RoleBinding as RoleBindingRow } from '../../services/role-bindings.js';

/** Role bindings (`/iam/v2/role-bindings`) and Kafka ACLs (`/kafka/v3/clusters/{id}/acls`), Confluent-shaped. */
export async function accessControlRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { roleBindings, acls } = deps.services;
  const common = { preHandler: deps.authenticate };
  const base = deps.present.baseUrl;

  const binding = (rb: RoleBindingRow): RoleBinding => ({
    api_version: 'iam/v2',
    kind: 'RoleBinding',
    id: rb.id,
    metadata: { self: `${base}/iam/v2/role-bindings/${rb.id}`, resource_name: `${rb.crn_pattern.replace(/\*$/, '')}/role-binding=${rb.id}`, created_at: rb.created_at },
    principal: rb.principal,
    role_name: rb.role_name,
    crn_pattern: rb.crn_pattern,
  });
  const acl = (a: AclRow): Acl => ({
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
  app.get('/iam/v2/role-bindings', { ...common, schema: { tags: rt, security, querystring: RoleBindingQuery, response: { 200: listOf(RoleBinding), '4xx': ErrorBody } } }, async (request) => {
    const q = request.query;
    const page = await roleBindings.list(ctx(request), { principal: q.principal, roleName: q.role_name, crnPrefix: q.crn_pattern?.replace(/\*$/, '') }, pageQuery(q));
    return deps.present.list('iam/v2', 'RoleBinding', '/iam/v2/role-bindings', page, binding, q);
  });
  app.post('/iam/v2/role-bindings', { ...common, schema: { tags: rt, security, body: RoleBindingBody, response: { 201: RoleBinding, '4xx': ErrorBody } } }, async (request, reply) => {
    const b = request.body;
    const created = await roleBindings.create(ctx(request), { principal: b.principal, roleName: b.role_name, crnPattern: b.crn_pattern });
    return reply.code(201).send(binding(created));
  });
  app.get('/iam/v2/role-bindings/:id', { ...common, schema: { tags: rt, security, params: IdParams, response: { 200: RoleBinding, '4xx': ErrorBody } } }, async (request) => binding(await roleBindings.get(ctx(request), request.params.id)));
  app.delete('/iam/v2/role-bindings/:id', { ...common, schema: { tags: rt, security, params: IdParams, response: { 204: Type.Null(), '4xx': ErrorBody } } }, async (request, reply) => {
    await roleBindings.delete(ctx(request), request.params.id);
    return reply.code(204).send(null);
  });

  const at = ['Kafka ACLs'];
  const query = (q: Record<string, string | undefined>) => ({
    principal: q.principal, permission: q.permission, operation: q.operation, resourceType: q.resource_type, resourceName: q.resource_name, patternType: q.pattern_type,
  });
  app.get('/kafka/v3/clusters/:cluster_id/acls', { ...common, schema: { tags: at, security, params: ClusterIdParams, querystring: AclQuery, response: { 200: AclList, '4xx': ErrorBody } } }, async (request) => {
    const rows = await acls.list(ctx(request), request.params.cluster_id, query(request.query));
    return { kind: 'KafkaAclDataList', metadata: { self: `${base}/kafka/v3/clusters/${request.params.cluster_id}/acls` }, data: rows.map(acl) };
  });
  app.post('/kafka/v3/clusters/:cluster_id/acls', { ...common, schema: { tags: at, security, params: ClusterIdParams, body: AclBody, response: { 201: AclList, '4xx': ErrorBody } } }, async (request, reply) => {
    const inputs = Array.isArray(request.body) ? request.body : [request.body];
    const rows = await acls.create(ctx(request), request.params.cluster_id, inputs);
    return reply.code(201).send({ kind: 'KafkaAclDataList', metadata: { self: `${base}/kafka/v3/clusters/${request.params.cluster_id}/acls` }, data: rows.map(acl) });
  });
  app.delete('/kafka/v3/clusters/:cluster_id/acls', { ...common, schema: { tags: at, security, params: ClusterIdParams, querystring: AclQuery, response: { 200: AclList, '4xx': ErrorBody } } }, async (request) => {
    const rows = await acls.delete(ctx(request), request.params.cluster_id, query(request.query));
    return { kind: 'KafkaAclDataList', metadata: { self: `${base}/kafka/v3/clusters/${request.params.cluster_id}/acls` }, data: rows.map(acl) };
  });
}

import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ctx } from '../plugins/authentication.js';
import { ErrorBody, IdParams, KafkaCluster, ListQuery, SchemaRegistryCluster, listOf } from '../schemas.js';
import { pageQuery, security, type RouteDeps } from './route-deps.js';
import { reportDeleted } from './deleted-header.js';

const EnvRef = Type.Object({ id: Type.String() });
const KafkaBody = Type.Object({
  spec: Type.Object({
    display_name: Type.String(),
    cloud: Type.String(),
    region: Type.String(),
    availability: Type.Optional(Type.String()),
    config: Type.Optional(Type.Object({ kind: Type.String() })),
    kafka_bootstrap_endpoint: Type.Optional(Type.String()),
    environment: Type.Optional(EnvRef),
  }),
});
const SrBody = Type.Object({
  spec: Type.Object({
    display_name: Type.String(),
    cloud: Type.String(),
    region: Type.String(),
    http_endpoint: Type.Optional(Type.String()),
    environment: Type.Optional(EnvRef),
  }),
});
const Patch = Type.Object({ spec: Type.Object({ display_name: Type.Optional(Type.String()) }) });
const ClusterListQuery = Type.Composite([ListQuery, Type.Object({ environment: Type.Optional(Type.String({ maxLength: 32 })) })]);

/** Availability and type arrive in Confluent's spellings (`SINGLE_ZONE`, `Basic`) or keyward's. */
const lowerDash = (v: string | undefined) => (v === undefined ? undefined : v.toLowerCase().replace(/_/g, '-'));

export async function clusterRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const common = { preHandler: deps.authenticate };
  const { kafkaClusters, schemaRegistries } = deps.services;

  const kt = ['Kafka clusters'];
  app.get('/cmk/v2/clusters', { ...common, schema: { tags: kt, security, querystring: ClusterListQuery, response: { 200: listOf(KafkaCluster), '4xx': ErrorBody } } }, async (request) => {
    const page = await kafkaClusters.list(ctx(request), { environment: request.query.environment }, pageQuery(request.query));
    return deps.present.list('cmk/v2', 'Cluster', '/cmk/v2/clusters', page, deps.present.kafkaCluster, request.query);
  });
  app.post('/cmk/v2/clusters', { ...common, schema: { tags: kt, security, body: KafkaBody, response: { 201: KafkaCluster, '4xx': ErrorBody } } }, async (request, reply) => {
    const s = request.body.spec;
    const cluster = await kafkaClusters.create(ctx(request), {
      name: s.display_name, cloud: s.cloud, region: s.region, availability: lowerDash(s.availability), type: s.config?.kind?.toLowerCase(),
      endpoint: s.kafka_bootstrap_endpoint, environment: s.environment?.id,
    });
    return reply.code(201).send(deps.present.kafkaCluster(cluster));
  });
  app.get('/cmk/v2/clusters/:id', { ...common, schema: { tags: kt, security, params: IdParams, response: { 200: KafkaCluster, '4xx': ErrorBody } } }, async (request) => {
    return deps.present.kafkaCluster(await kafkaClusters.get(ctx(request), request.params.id));
  });
  app.patch('/cmk/v2/clusters/:id', { ...common, schema: { tags: kt, security, params: IdParams, body: Patch, response: { 200: KafkaCluster, '4xx': ErrorBody } } }, async (request) => {
    return deps.present.kafkaCluster(await kafkaClusters.update(ctx(request), request.params.id, { name: request.body.spec.display_name }));
  });
  app.delete('/cmk/v2/clusters/:id', { ...common, schema: { tags: kt, security, params: IdParams, response: { 204: Type.Null(), '4xx': ErrorBody } } }, async (request, reply) => {
    const deleted = await kafkaClusters.delete(ctx(request), request.params.id);
    reportDeleted(reply, deleted);
    return reply.code(204).send(null);
  });

  const st = ['Schema Registry clusters'];
  app.get('/srcm/v2/clusters', { ...common, schema: { tags: st, security, querystring: ClusterListQuery, response: { 200: listOf(SchemaRegistryCluster), '4xx': ErrorBody } } }, async (request) => {
    const page = await schemaRegistries.list(ctx(request), { environment: request.query.environment }, pageQuery(request.query));
    return deps.present.list('srcm/v2', 'Cluster', '/srcm/v2/clusters', page, deps.present.schemaRegistry, request.query);
  });
  app.post('/srcm/v2/clusters', { ...common, schema: { tags: st, security, body: SrBody, response: { 201: SchemaRegistryCluster, '4xx': ErrorBody } } }, async (request, reply) => {
    const s = request.body.spec;
    const cluster = await schemaRegistries.create(ctx(request), { name: s.display_name, cloud: s.cloud, region: s.region, endpoint: s.http_endpoint, environment: s.environment?.id });
    return reply.code(201).send(deps.present.schemaRegistry(cluster));
  });
  app.get('/srcm/v2/clusters/:id', { ...common, schema: { tags: st, security, params: IdParams, response: { 200: SchemaRegistryCluster, '4xx': ErrorBody } } }, async (request) => {
    return deps.present.schemaRegistry(await schemaRegistries.get(ctx(request), request.params.id));
  });
  app.delete('/srcm/v2/clusters/:id', { ...common, schema: { tags: st, security, params: IdParams, response: { 204: Type.Null(), '4xx': ErrorBody } } }, async (request, reply) => {
    const deleted = await schemaRegistries.delete(ctx(request), request.params.id);
    reportDeleted(reply, deleted);
    return reply.code(204).send(null);
  });
}

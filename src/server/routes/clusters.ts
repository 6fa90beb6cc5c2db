import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ctx } from '../plugins/authentication.js';
import { ClusterListQuery, ClusterPatch, ErrorBody, IdParams, KafkaCluster, KafkaClusterBody, SchemaRegistryBody, SchemaRegistryCluster, listOf } from '../../contract/index.js';
import { pageQuery, security, type RouteDeps } from './route-deps.js';
import { reportDeleted } from './deleted-header.js';

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
  app.post('/cmk/v2/clusters', { ...common, schema: { tags: kt, security, body: KafkaClusterBody, response: { 201: KafkaCluster, '4xx': ErrorBody } } }, async (request, reply) => {
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
  app.patch('/cmk/v2/clusters/:id', { ...common, schema: { tags: kt, security, params: IdParams, body: ClusterPatch, response: { 200: KafkaCluster, '4xx': ErrorBody } } }, async (request) => {
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
  app.post('/srcm/v2/clusters', { ...common, schema: { tags: st, security, body: SchemaRegistryBody, response: { 201: SchemaRegistryCluster, '4xx': ErrorBody } } }, async (request, reply) => {
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

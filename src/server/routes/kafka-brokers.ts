import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { KafkaBrokersSchema } from '../../contract/kafka-brokers.js';
import { ctx } from '../plugins/authentication.js';
import { ErrorBody, IdParams } from '../../contract/index.js';
import { security, type RouteDeps } from './route-deps.js';

/** `GET /keyward/v1/kafka/clusters/{id}/brokers` (DESIGN §8): the brokers' sync state, for anyone who may read the cluster. */
export async function kafkaBrokersRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/keyward/v1/kafka/clusters/:id/brokers', {
    preHandler: deps.authenticate,
    schema: { tags: ['Kafka clusters'], security, params: IdParams, response: { 200: KafkaBrokersSchema, '4xx': ErrorBody } },
  }, async (request) => deps.services.kafkaBrokerSync.brokers(ctx(request), request.params.id));
}

import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../domain/errors.js';
import { basicCredentials, requestMetadata } from '../plugins/authentication.js';
import { ErrorBody, Nullable } from '../../contract/index.js';
import { unknownFieldsIgnored } from '../schemas.js';
import { scrub } from '../errors.js';
import type { RouteDeps } from './route-deps.js';
import type { BrokerIdentity } from '../../services/kafka/broker-auth.js';
import { BrokerEventBatchSchema } from '../../services/kafka/broker-events.js';
import { BROKER_HEADER, brokerName, type BrokerPeer } from '../../services/kafka/broker-sync.js';

/**
 * The Kafka broker plugin's endpoints (DESIGN §8), authenticated by the broker's own key (a key of the
 * cluster whose owner holds KafkaBroker there): the replica, its change stream and the broker's events.
 */

const ClusterParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 32 }) });
const Status = Type.Union([Type.Literal('ACTIVE'), Type.Literal('DISABLED')]);
const OwnerKind = Type.Union([Type.Literal('service-account'), Type.Literal('user')]);

export const ReplicaKeySchema = Type.Object({
  id: Type.String(),
  secret_sha256: Type.String({ description: 'SHA-256 of the secret, 64 lowercase hex' }),
  status: Status,
  owner: Type.Object({ id: Type.String(), kind: OwnerKind, status: Status }),
  expires_at: Nullable(Type.String()),
});

export const ReplicaGrantSchema = Type.Object({
  principal: Type.String(),
  permission: Type.Union([Type.Literal('ALLOW'), Type.Literal('DENY')]),
  operations: Type.Array(Type.String(), { description: "Kafka's operation names; ALL matches every one" }),
  resource_type: Type.Union([Type.Literal('TOPIC'), Type.Literal('GROUP'), Type.Literal('CLUSTER'), Type.Literal('TRANSACTIONAL_ID')]),
  pattern_type: Type.Union([Type.Literal('LITERAL'), Type.Literal('PREFIXED')]),
  name: Type.String(),
  host: Type.String(),
  source: Type.Object({ kind: Type.Union([Type.Literal('role-binding'), Type.Literal('acl')]), id: Type.String(), role: Nullable(Type.String()) }),
});

const ReplicaSchema = Type.Object({
  cluster: Type.String(),
  revision: Type.Integer(),
  keys: Type.Array(ReplicaKeySchema),
  grants: Type.Array(ReplicaGrantSchema),
});

const StreamQuery = Type.Object({ since: Type.Optional(Type.String({ maxLength: 16, description: 'the revision the broker holds' })) });

/** The broker's contract: fields an item does not define are accepted and ignored (a newer plugin may send more). */
const BROKER_EVENTS_BODY = unknownFieldsIgnored(BrokerEventBatchSchema);

const REVISION = /^[0-9]{1,15}$/;
const security = [{ brokerAuth: [] }];
/** A broker that stops reading is cut off once this much is waiting for it (it reconnects and resumes). */
const MAX_BUFFERED = 8 * 1024 * 1024;

export async function kafkaBrokerRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const broker = deps.services.kafkaBroker;
  const tags = ['Kafka broker'];

  // The broker authenticates before anything of its request is validated: a stranger learns nothing
  // from the answers to malformed requests.
  const identities = new WeakMap<FastifyRequest, BrokerIdentity>();
  const authenticateBroker = async (request: FastifyRequest): Promise<void> => {
    const { id } = request.params as { id?: unknown };
    const clusterId = typeof id === 'string' ? id.slice(0, 64) : '';
    identities.set(request, await broker.authenticate(clusterId, basicCredentials(request.headers.authorization), requestMetadata(request)));
  };
  const identity = (request: FastifyRequest): BrokerIdentity => {
    const found = identities.get(request);
    if (!found) throw errors.unauthenticated();
    return found;
  };
  const common = { preValidation: authenticateBroker };
  /** The broker as its request names it (`X-Keyward-Broker`, optional), for its sync state. */
  const peer = (request: FastifyRequest): BrokerPeer => {
    const { clientAddress } = requestMetadata(request);
    return { broker: brokerName(request.headers[BROKER_HEADER], clientAddress), clientAddress };
  };

  // Every stream ends before the server waits for its connections to close.
  fastify.addHook('preClose', (done) => {
    void broker.close();
    done();
  });

  // Untyped on purpose: the answer is sent as serialized JSON text (below), the schema documents it.
  fastify.get(
    '/keyward/v1/kafka/clusters/:id/replica',
    {
      ...common,
      schema: {
        tags, security, params: ClusterParams,
        response: { 200: ReplicaSchema, '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const replica = await broker.replica(identity(request), peer(request));
      // Serialized directly: the schema documents the shape, and at 100,000 keys the schema-driven
      // serializer (which checks each union) would cost more than reading the store.
      return reply.header('Cache-Control', 'no-store').type('application/json; charset=utf-8').send(JSON.stringify(replica));
    },
  );

  app.get(
    '/keyward/v1/kafka/clusters/:id/replica/stream',
    {
      ...common,
      schema: {
        tags, security, params: ClusterParams, querystring: StreamQuery,
        response: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const lastEventId = request.headers['last-event-id'];
      const text = typeof lastEventId === 'string' && lastEventId !== '' ? lastEventId : request.query.since;
      if (text === undefined || !REVISION.test(text)) throw errors.badRequest('since (or Last-Event-ID) must be the revision the broker holds, e.g. since=42');
      const raw = reply.raw;
      const head = () => {
        if (raw.headersSent) return;
        raw.writeHead(200, {
          'Content-Type': 'text/event-stream; charset=utf-8',
          'Cache-Control': 'no-store',
          'X-Request-Id': request.id,
          'X-Accel-Buffering': 'no',
        });
        raw.flushHeaders();
      };
      // Nothing is written before the stream is open: a refusal (404, 429) is an ordinary error answer.
      const stream = await broker.openStream(identity(request), Number(text), {
        write(frame) {
          if (raw.destroyed || raw.writableEnded) return;
          head();
          raw.write(frame);
          if (raw.writableLength > MAX_BUFFERED) raw.destroy();
        },
        end() {
          if (raw.destroyed || raw.writableEnded) return;
          head();
          raw.end();
        },
        failed(error) {
          request.log.warn({ err: { type: (error as Error).name, message: scrub((error as Error).message ?? '') }, cluster: identity(request).clusterId }, 'replica stream ended by an error');
        },
      }, peer(request));
      reply.hijack();
      raw.on('close', () => stream.stop());
      if (raw.destroyed) stream.stop();
    },
  );

  app.post(
    '/keyward/v1/kafka/clusters/:id/events',
    {
      ...common,
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags, security, params: ClusterParams, body: BROKER_EVENTS_BODY,
        response: { 202: Type.Object({ accepted: Type.Integer() }), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const result = await broker.ingestEvents(identity(request), request.body, requestMetadata(request), peer(request));
      return reply.code(202).send(result);
    },
  );
}

import { Type, type Static } from '@sinclair/typebox';

/**
 * `GET /keyward/v1/kafka/clusters/{id}/brokers` (DESIGN §8): each broker's sync state as keyward saw it
 * from the plugin's own requests. A broker is named by the plugin's `X-Keyward-Broker` header (its
 * node.id); a plugin that does not send it appears as `unknown@<client address>`.
 */

export const BROKER_SYNC_HEADER = 'X-Keyward-Broker';

export const KafkaBrokerSyncSchema = Type.Object({
  broker: Type.String({ description: 'The broker\'s node.id (X-Keyward-Broker), or unknown@<client address> for a plugin that does not send it' }),
  revision: Type.Union([Type.Integer(), Type.Null()], { description: 'The revision keyward last gave the broker (the replica served or the last one its change stream reached); null when it has only sent events' }),
  lag: Type.Union([Type.Integer(), Type.Null()], { description: 'The cluster\'s revision minus the broker\'s (0: in sync); null with revision null' }),
  last_seen: Type.String({ description: 'Its last request to keyward (RFC 3339, UTC; by default recorded at most every 10 s while nothing changes)' }),
  streaming: Type.Boolean({ description: 'A keyward instance holds its open change stream (confirmed within the last 30 s by default)' }),
  client_address: Type.String({ description: 'Where its last request came from' }),
});

export const KafkaBrokersSchema = Type.Object(
  {
    cluster: Type.String(),
    revision: Type.Integer({ description: 'The current replica revision' }),
    brokers: Type.Array(KafkaBrokerSyncSchema, { description: 'Every broker seen, by broker id' }),
  },
  {
    examples: [{
      cluster: 'lkc-3xw9pd',
      revision: 1207,
      brokers: [
        { broker: '1', revision: 1207, lag: 0, last_seen: '2026-03-01T12:00:05.120Z', streaming: true, client_address: '10.0.4.11' },
        { broker: '2', revision: 1180, lag: 27, last_seen: '2026-03-01T11:58:40.003Z', streaming: false, client_address: '10.0.4.12' },
      ],
    }],
  },
);

export type KafkaBrokerSync = Static<typeof KafkaBrokerSyncSchema>;
export type KafkaBrokers = Static<typeof KafkaBrokersSchema>;

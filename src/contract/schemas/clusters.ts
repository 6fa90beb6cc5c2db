/** `/cmk/v2/clusters` (Kafka) and `/srcm/v2/clusters` (Schema Registry), Confluent-shaped. */
import { Type, type Static } from '@sinclair/typebox';
import { EnvironmentRef, ListQuery, Metadata, Nullable } from './common.js';

export const KafkaCluster = Type.Object({
  api_version: Type.String(),
  kind: Type.String(),
  id: Type.String(),
  metadata: Metadata,
  spec: Type.Object({
    display_name: Type.String(),
    availability: Type.String(),
    cloud: Type.String(),
    region: Type.String(),
    config: Type.Object({ kind: Type.String() }),
    kafka_bootstrap_endpoint: Nullable(Type.String()),
    environment: EnvironmentRef,
  }),
  status: Type.Object({ phase: Type.String() }),
});
export type KafkaCluster = Static<typeof KafkaCluster>;

export const SchemaRegistryCluster = Type.Object({
  api_version: Type.String(),
  kind: Type.String(),
  id: Type.String(),
  metadata: Metadata,
  spec: Type.Object({
    display_name: Type.String(),
    cloud: Type.String(),
    region: Type.String(),
    http_endpoint: Nullable(Type.String()),
    environment: EnvironmentRef,
  }),
  status: Type.Object({ phase: Type.String() }),
});
export type SchemaRegistryCluster = Static<typeof SchemaRegistryCluster>;

const EnvironmentId = Type.Object({ id: Type.String() });

export const KafkaClusterBody = Type.Object({
  spec: Type.Object({
    display_name: Type.String(),
    cloud: Type.String(),
    region: Type.String(),
    availability: Type.Optional(Type.String()),
    config: Type.Optional(Type.Object({ kind: Type.String() })),
    kafka_bootstrap_endpoint: Type.Optional(Type.String()),
    environment: Type.Optional(EnvironmentId),
  }),
});
export type KafkaClusterBody = Static<typeof KafkaClusterBody>;

export const SchemaRegistryBody = Type.Object({
  spec: Type.Object({
    display_name: Type.String(),
    cloud: Type.String(),
    region: Type.String(),
    http_endpoint: Type.Optional(Type.String()),
    environment: Type.Optional(EnvironmentId),
  }),
});
export type SchemaRegistryBody = Static<typeof SchemaRegistryBody>;

export const ClusterPatch = Type.Object({ spec: Type.Object({ display_name: Type.Optional(Type.String()) }) });
export type ClusterPatch = Static<typeof ClusterPatch>;

export const ClusterListQuery = Type.Composite([ListQuery, Type.Object({ environment: Type.Optional(Type.String({ maxLength: 32 })) })]);
export type ClusterListQuery = Static<typeof ClusterListQuery>;

import type { Command } from 'commander';
import { encode } from '../client.js';
import { done, printList, printObject, withListOutput, withOutput, type Column, type ListOutputOptions, type OutputOptions } from '../output.js';
import { confirm } from '../prompt.js';
import { countsLine, environmentOf, forceOption, withClient } from './shared.js';
import { register as registerAcl } from './kafka-acl.js';
import { enumOption, idOfKindOption } from '../flag-values.js';
import { AVAILABILITIES, CLUSTER_TYPES, DEFAULT_AVAILABILITY, DEFAULT_CLUSTER_TYPE, PROVIDERS } from '../../contract/enums.js';
import type { KafkaCluster } from '../../contract/index.js';
import { register as registerBrokerConfig } from './kafka-broker-config.js';

/** The seed's shape: `{availability,id,name,provider,region,status,type}` plus environment and endpoint. */
export const flatCluster = (c: KafkaCluster) => ({
  availability: c.spec.availability.toLowerCase().replace(/_/g, '-'),
  id: c.id,
  name: c.spec.display_name,
  provider: c.spec.cloud.toLowerCase(),
  region: c.spec.region,
  status: c.status.phase,
  type: c.spec.config.kind.toUpperCase(),
  environment: c.spec.environment.id,
  endpoint: c.spec.kafka_bootstrap_endpoint ?? '',
});

const columns: Column<KafkaCluster>[] = [
  ['ID', (c) => c.id, { priority: 0, kind: 'id' }],
  ['Name', (c) => c.spec.display_name, { priority: 1 }],
  ['Type', (c) => c.spec.config.kind.toUpperCase(), { priority: 6, kind: 'id' }],
  ['Provider', (c) => c.spec.cloud.toLowerCase(), { priority: 3, kind: 'id' }],
  ['Region', (c) => c.spec.region, { priority: 4, kind: 'id' }],
  ['Availability', (c) => c.spec.availability.toLowerCase().replace(/_/g, '-'), { priority: 8, kind: 'id' }],
  ['Status', (c) => c.status.phase, { priority: 2, kind: 'status' }],
  ['Environment', (c) => c.spec.environment.id, { priority: 5, kind: 'id' }],
  ['Endpoint', (c) => c.spec.kafka_bootstrap_endpoint ?? '', { priority: 7 }],
];

export function register(program: Command): void {
  const kafka = program.command('kafka').description('Manage Kafka clusters');
  const cluster = kafka.command('cluster').description('Manage Kafka clusters registered with keyward');
  registerAcl(kafka);
  registerBrokerConfig(cluster);

  withOutput(
    cluster
      .command('create <name>')
      .description('Register a Kafka cluster')
      .addOption(enumOption('--cloud <cloud>', 'cloud provider', PROVIDERS).makeOptionMandatory())
      .requiredOption('--region <region>', 'cloud region, e.g. us-east-1')
      .addOption(enumOption('--type <type>', 'cluster type', CLUSTER_TYPES).default(DEFAULT_CLUSTER_TYPE))
      .addOption(enumOption('--availability <availability>', 'zones the cluster spans', AVAILABILITIES).default(DEFAULT_AVAILABILITY))
      .option('--bootstrap <host:port>', 'the bootstrap endpoint')
      .addOption(idOfKindOption('--environment <env>', 'environment id (default: the current environment)', 'environment')),
  ).action(
    withClient(async (client, name: string, o: { cloud: string; region: string; type: string; availability: string; bootstrap?: string; environment?: string } & OutputOptions) => {
      const env = environmentOf(client, o.environment);
      const created = await client.post<KafkaCluster>('/cmk/v2/clusters', {
        spec: { display_name: name, cloud: o.cloud, region: o.region, availability: o.availability, config: { kind: o.type }, kafka_bootstrap_endpoint: o.bootstrap, environment: env ? { id: env } : undefined },
      });
      await printObject(created, o.output, columns, flatCluster);
    }),
  );

  withListOutput(cluster.command('list').description('List Kafka clusters').addOption(idOfKindOption('--environment <env>', 'only this environment', 'environment'))).action(
    withClient(async (client, o: { environment?: string } & ListOutputOptions) => {
      const rows = await client.listAll<KafkaCluster>('/cmk/v2/clusters', { environment: o.environment });
      await printList(rows, o, columns, flatCluster);
    }),
  );

  withOutput(cluster.command('describe <id>').description('Describe a Kafka cluster')).action(
    withClient(async (client, id: string, o: OutputOptions) => {
      await printObject(await client.get<KafkaCluster>(`/cmk/v2/clusters/${encode(id)}`), o.output, columns, flatCluster);
    }),
  );

  withOutput(cluster.command('update <id>').description('Rename a Kafka cluster').requiredOption('--name <name>', 'new name')).action(
    withClient(async (client, id: string, o: { name: string } & OutputOptions) => {
      await printObject(await client.patch<KafkaCluster>(`/cmk/v2/clusters/${encode(id)}`, { spec: { display_name: o.name } }), o.output, columns, flatCluster);
    }),
  );

  cluster
    .command('delete <id>')
    .description('Delete a Kafka cluster with its API keys and ACLs')
    .addOption(forceOption())
    .action(
      withClient(async (client, id: string, o: { force?: boolean }) => {
        await client.get(`/cmk/v2/clusters/${encode(id)}`);
        await confirm(`Delete Kafka cluster "${id}" and every API key and ACL on it?`, o.force);
        const response = await client.delete(`/cmk/v2/clusters/${encode(id)}`);
        const counts = countsLine(response.headers.get('x-keyward-deleted'));
        done(`Deleted Kafka cluster "${id}"${counts ? ` (with ${counts})` : ''}.`);
      }),
    );
}

import type { Command } from 'commander';
import { encode } from '../client.js';
import { done, printList, printObject, withOutput, type Column, type OutputOptions } from '../output.js';
import { confirm } from '../prompt.js';
import { countsLine, environmentOf, forceOption, withClient } from './shared.js';
import { register as registerAcl } from './kafka-acl.js';
import { register as registerBrokerConfig } from './kafka-broker-config.js';

interface KafkaCluster {
  id: string;
  metadata: { created_at: string };
  spec: { display_name: string; availability: string; cloud: string; region: string; config: { kind: string }; kafka_bootstrap_endpoint: string | null; environment: { id: string } };
  status: { phase: string };
}

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
  ['ID', (c) => c.id],
  ['Name', (c) => c.spec.display_name],
  ['Type', (c) => c.spec.config.kind.toUpperCase()],
  ['Provider', (c) => c.spec.cloud.toLowerCase()],
  ['Region', (c) => c.spec.region],
  ['Availability', (c) => c.spec.availability.toLowerCase().replace(/_/g, '-')],
  ['Status', (c) => c.status.phase],
  ['Environment', (c) => c.spec.environment.id],
  ['Endpoint', (c) => c.spec.kafka_bootstrap_endpoint ?? ''],
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
      .requiredOption('--cloud <cloud>', 'aws, gcp, azure or self-managed')
      .requiredOption('--region <region>', 'cloud region, e.g. us-east-1')
      .option('--type <type>', 'basic, standard, enterprise or dedicated', 'basic')
      .option('--availability <availability>', 'single-zone or multi-zone', 'single-zone')
      .option('--bootstrap <host:port>', 'the bootstrap endpoint')
      .option('--environment <env>', 'environment id (default: the current environment)'),
  ).action(
    withClient(async (client, name: string, o: { cloud: string; region: string; type: string; availability: string; bootstrap?: string; environment?: string } & OutputOptions) => {
      const env = environmentOf(client, o.environment);
      const created = await client.post<KafkaCluster>('/cmk/v2/clusters', {
        spec: { display_name: name, cloud: o.cloud, region: o.region, availability: o.availability, config: { kind: o.type }, kafka_bootstrap_endpoint: o.bootstrap, environment: env ? { id: env } : undefined },
      });
      await printObject(created, o.output, columns, flatCluster);
    }),
  );

  withOutput(cluster.command('list').description('List Kafka clusters').option('--environment <env>', 'only this environment')).action(
    withClient(async (client, o: { environment?: string } & OutputOptions) => {
      const rows = await client.listAll<KafkaCluster>('/cmk/v2/clusters', { environment: o.environment });
      await printList(rows, o.output, columns, flatCluster);
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

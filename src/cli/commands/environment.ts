import type { Command } from 'commander';
import { encode, connect } from '../client.js';
import { setCurrentEnvironment } from '../config.js';
import { done, notice, printList, printObject, withListOutput, withOutput, type Column, type ListOutputOptions, type OutputOptions } from '../output.js';
import { confirm } from '../prompt.js';
import { forceOption, withClient } from './shared.js';
import { enumOption } from '../flag-values.js';
import { DEFAULT_STAGE, STAGES } from '../../contract/enums.js';
import type { Environment } from '../../contract/index.js';

const flat = (current?: string) => (e: Environment) => ({ id: e.id, name: e.display_name, stage: e.stage, is_current: e.id === current });
const columns: Column<Environment>[] = [
  ['ID', (e) => e.id, { priority: 0, kind: 'id' }],
  ['Name', (e) => e.display_name, { priority: 1 }],
  ['Stage', (e) => e.stage, { priority: 2, kind: 'id' }],
];

export function register(program: Command): void {
  const env = program.command('environment').description('Manage environments');

  withOutput(env.command('create <name>').description('Create an environment').addOption(enumOption('--stage <stage>', 'the stage', STAGES).default(DEFAULT_STAGE))).action(
    withClient(async (client, name: string, options: { stage: string } & OutputOptions) => {
      const created = await client.post<Environment>('/org/v2/environments', { display_name: name, stage: options.stage });
      await printObject(created, options.output, columns, flat(client.environment));
    }),
  );

  withListOutput(env.command('list').description('List environments')).action(
    withClient(async (client, options: ListOutputOptions) => {
      const rows = await client.listAll<Environment>('/org/v2/environments');
      const current = client.environment;
      await printList(rows, options, [['Current', (e) => (e.id === current ? '*' : ''), { priority: 3, kind: 'id' }], ...columns], flat(current));
    }),
  );

  withOutput(env.command('describe <id>').description('Describe an environment')).action(
    withClient(async (client, id: string, options: OutputOptions) => {
      const e = await client.get<Environment>(`/org/v2/environments/${encode(id)}`);
      await printObject(e, options.output, [...columns, ['Created', (x) => x.metadata.created_at, { kind: 'time' }]], flat(client.environment));
    }),
  );

  withOutput(env.command('update <id>').description('Rename an environment or change its stage').option('--name <name>', 'new name').addOption(enumOption('--stage <stage>', 'the new stage', STAGES))).action(
    withClient(async (client, id: string, options: { name?: string; stage?: string } & OutputOptions) => {
      const e = await client.patch<Environment>(`/org/v2/environments/${encode(id)}`, { display_name: options.name, stage: options.stage });
      await printObject(e, options.output, columns, flat(client.environment));
    }),
  );

  env
    .command('delete <id>')
    .description('Delete an empty environment')
    .addOption(forceOption())
    .action(
      withClient(async (client, id: string, options: { force?: boolean }) => {
        await client.get(`/org/v2/environments/${encode(id)}`);
        await confirm(`Delete environment "${id}"?`, options.force);
        await client.delete(`/org/v2/environments/${encode(id)}`);
        done(`Deleted environment "${id}".`);
      }),
    );

  env
    .command('use <id>')
    .description('Make an environment the current one for later commands')
    .action(async (id: string) => {
      const client = connect();
      await client.get(`/org/v2/environments/${encode(id)}`);
      setCurrentEnvironment(id);
      notice(`Now using "${id}" as the default (active) environment.`);
    });
}

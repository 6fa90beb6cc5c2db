import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { findContext, readConfigFile, savedContextNames, writeConfigFile, type CliConfig, type CliContext } from '../config.js';
import { done, notice, printList, printObject, withListOutput, withOutput, type Column, type ListOutputOptions, type OutputOptions } from '../output.js';
import { confirm } from '../prompt.js';
import { maskSecret } from '../../domain/secrets.js';
import { forceOption } from './shared.js';

/** A saved context as shown (`context list -o json`): never its secret, at most the secret's masked form in `describe`. */
export interface ContextRow {
  name: string;
  current: boolean;
  url: string | null;
  api_key: string | null;
  environment: string | null;
}

const row = (config: CliConfig, name: string, context: CliContext): ContextRow => ({
  name,
  current: config.current_context === name,
  url: context.url ?? null,
  api_key: context.api_key ?? null,
  environment: context.environment ?? null,
});

const listColumns: Column<ContextRow>[] = [
  // kubectl's marker column: `*` on the current context
  ['', (c) => (c.current ? '*' : ''), { priority: 0, kind: 'id' }],
  ['Name', (c) => c.name, { priority: 0, kind: 'id' }],
  ['URL', (c) => c.url, { priority: 1, kind: 'id' }],
  ['API Key', (c) => c.api_key, { priority: 2, kind: 'id' }],
  ['Environment', (c) => c.environment, { priority: 3, kind: 'id', ifNone: '-' }],
];

type DescribedContext = ContextRow & { api_secret: string | null };

const describeFields: Column<DescribedContext>[] = [
  ['Name', (c) => c.name],
  ['Current', (c) => (c.current ? 'yes' : 'no')],
  ['URL', (c) => c.url],
  ['API Key', (c) => c.api_key],
  ['API Secret', (c) => c.api_secret],
  ['Environment', (c) => c.environment],
];

/** `keyward context list|use|describe|delete` (DESIGN §2): the servers saved by `keyward login`. */
export function register(program: Command): void {
  const context = program.command('context').description('List, switch, describe and delete the saved CLI contexts (one per server and key)');

  withListOutput(context.command('list').description('List the saved contexts; the current one is marked with *')).action(async (options: ListOutputOptions) => {
    const config = readConfigFile();
    const rows = Object.entries(config.contexts).map(([name, saved]) => row(config, name, saved));
    await printList(rows, options, listColumns);
  });

  context
    .command('use <name>')
    .description('Make a saved context the current one')
    .action((name: string) => {
      const config = readConfigFile();
      const saved = findContext(config, name);
      writeConfigFile({ ...config, current_context: name });
      notice(`Now using context "${name}"${saved.url ? ` (${saved.url})` : ''}.`);
    });

  withOutput(context.command('describe [name]').description('Describe a saved context (default: the current one); the secret is shown masked')).action(
    async (name: string | undefined, options: OutputOptions) => {
      const config = readConfigFile();
      const wanted = name ?? config.current_context;
      if (wanted === undefined) throw new CliError(`No current context: name one (saved contexts: ${savedContextNames(config)})`);
      const saved = findContext(config, wanted);
      const described: DescribedContext = { ...row(config, wanted, saved), api_secret: saved.api_secret ? maskSecret(saved.api_secret) : null };
      await printObject(described, options.output, describeFields);
    },
  );

  context
    .command('delete <name>')
    .description('Delete a saved context and its credentials')
    .addOption(forceOption())
    .action(async (name: string, options: { force?: boolean }) => {
      const config = readConfigFile();
      findContext(config, name);
      await confirm(`Delete context "${name}"?`, options.force);
      const contexts = { ...config.contexts };
      delete contexts[name];
      writeConfigFile({ current_context: config.current_context === name ? undefined : config.current_context, contexts });
      done(`Deleted context "${name}".`);
    });
}

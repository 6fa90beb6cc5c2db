#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error.js';
import { VERSION } from './version.js';

/**
 * The command tree. Each noun's module is imported only when that noun is used, so
 * `keyward version` and `keyward api-key list` load only what they need.
 */
const NOUNS: Record<string, { summary: string; load: () => Promise<{ register(program: Command): void }> }> = {
  login: { summary: 'Log in to a keyward server and save the context', load: () => import('./commands/login.js') },
  logout: { summary: 'Forget the saved credentials', load: () => import('./commands/login.js') },
  server: { summary: 'Run and administer a keyward server', load: () => import('./commands/server.js') },
  environment: { summary: 'Manage environments', load: () => import('./commands/environment.js') },
  kafka: { summary: 'Manage Kafka clusters', load: () => import('./commands/kafka.js') },
  'schema-registry': { summary: 'Manage Schema Registry clusters', load: () => import('./commands/schema-registry.js') },
  iam: { summary: 'Manage users and service accounts', load: () => import('./commands/iam.js') },
  'api-key': { summary: 'Manage API keys', load: () => import('./commands/api-key.js') },
  'audit-log': { summary: 'List, export and verify the audit log', load: () => import('./commands/audit-log.js') },
  advisor: { summary: 'Check the organization against API-key best practices', load: () => import('./commands/advisor.js') },
  policy: { summary: 'Show and change the organization policy for API keys', load: () => import('./commands/policy.js') },
  scan: { summary: 'Find keyward secrets in files, and disable their keys', load: () => import('./commands/scan.js') },
};

function configure(command: Command): void {
  command.exitOverride();
  command.configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  command.showHelpAfterError('(add --help for usage)');
  for (const sub of command.commands) configure(sub);
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('keyward')
    .description('keyward: API keys, service accounts, role bindings, ACLs and audit log')
    .version(VERSION, '-V, --version', 'print the version');
  program
    .command('version')
    .description('Print the version')
    .action(() => {
      process.stdout.write(`keyward ${VERSION}\n`);
    });

  const noun = argv.slice(2).find((a) => !a.startsWith('-'));
  const wanted = noun && NOUNS[noun] ? [noun] : noun === undefined || noun === 'help' ? Object.keys(NOUNS) : [];
  const loaded = new Set<unknown>();
  for (const name of wanted) {
    const entry = NOUNS[name];
    if (!entry) continue;
    const module = await entry.load();
    if (loaded.has(module)) continue;
    loaded.add(module);
    module.register(program);
  }
  configure(program);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      return 2;
    }
    if (error instanceof CliError) {
      process.stderr.write(`Error: ${error.message}\n`);
      return error.exitCode;
    }
    const known = error as { name?: string; message?: string };
    if (known.name === 'KeywardError') {
      process.stderr.write(`Error: ${known.message}\n`);
      return 1;
    }
    process.stderr.write(`Error: ${known.message ?? String(error)}\n`);
    return 1;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Error: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);

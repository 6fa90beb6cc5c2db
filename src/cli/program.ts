import { Command } from 'commander';
import { VERSION } from './version.js';

interface Noun {
  summary: string;
  load: () => Promise<{ register(program: Command): void }>;
}

/**
 * The command tree. Each noun's module is imported only when that noun is used, so
 * `keyward version` and `keyward api-key list` load only what they need.
 */
export const NOUNS: Record<string, Noun> = {
  login: { summary: 'Log in to a keyward server and save the context', load: () => import('./commands/login.js') },
  logout: { summary: 'Forget the saved credentials', load: () => import('./commands/login.js') },
  context: { summary: 'List, switch, describe and delete the saved CLI contexts', load: () => import('./commands/context.js') },
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
  completion: { summary: 'Print a shell completion script', load: () => import('./commands/completion.js') },
  __complete: { summary: 'Candidates for the completion scripts (hidden)', load: () => import('./commands/completion.js') },
};

/** Nouns whose commands need the whole tree: help, the completion script. */
const WHOLE_TREE = new Set(['help', 'completion']);

/** The nouns to load for a command line: its first word's, or all of them. */
export function nounsFor(argv: readonly string[]): string[] {
  const noun = argv.slice(2).find((a) => !a.startsWith('-'));
  if (noun === undefined || WHOLE_TREE.has(noun)) return Object.keys(NOUNS);
  return NOUNS[noun] ? [noun] : [];
}

/** The root command with `version`, and the given nouns registered. */
export async function buildProgram(nouns: readonly string[] = Object.keys(NOUNS)): Promise<Command> {
  const program = new Command('keyward')
    .description('keyward: API keys, service accounts, role bindings, ACLs and audit log')
    .version(VERSION, '-V, --version', 'print the version')
    // accepted anywhere on the line; output.ts colours nothing when NO_COLOR is set
    .option('--no-color', 'no colours in the output (as NO_COLOR=1 does)')
    .on('option:no-color', () => void (process.env.NO_COLOR = '1'));
  program
    .command('version')
    .description('Print the version')
    .action(() => {
      process.stdout.write(`keyward ${VERSION}\n`);
    });
  const loaded = new Set<unknown>();
  for (const name of nouns) {
    const entry = NOUNS[name];
    if (!entry) continue;
    const module = await entry.load();
    if (loaded.has(module)) continue;
    loaded.add(module);
    module.register(program);
  }
  return program;
}

/** "api-key list": the names below the root (the root itself is ""). */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at?.parent; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

/** The subcommands `--help` lists, without commander's implicit `help` command. */
export function visibleSubcommands(command: Command): Command[] {
  return command
    .createHelp()
    .visibleCommands(command)
    .filter((sub) => sub.name() !== 'help');
}

/** Every visible command, depth first, the root first. */
export function visibleCommands(root: Command): Command[] {
  return [root, ...visibleSubcommands(root).flatMap(visibleCommands)];
}

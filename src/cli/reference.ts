import type { Argument, Command, Option } from 'commander';
import { HELP_EXAMPLES } from './help-examples.js';
import { buildProgram, commandPath, visibleCommands, visibleSubcommands } from './program.js';

/** How to bring docs/cli.md up to date; the drift test says it too. */
export const REGENERATE = 'npm run docs';

/**
 * The command tree as documented: built with no KEYWARD_* variable set, because some flags take
 * their default from one (`server start --data-dir` from KEYWARD_DATA_DIR), and the reference must
 * not depend on the shell it was generated in.
 */
export async function referenceProgram(): Promise<Command> {
  const saved = Object.entries(process.env).filter(([name]) => name.startsWith('KEYWARD_'));
  for (const [name] of saved) delete process.env[name];
  try {
    return await buildProgram();
  } finally {
    for (const [name, value] of saved) process.env[name] = value;
  }
}

const title = (command: Command) => ['keyward', commandPath(command)].filter(Boolean).join(' ');
const anchor = (command: Command) => title(command).replace(/ /g, '-');
const cell = (text: string) => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
const code = (text: string) => `\`${text}\``;
/** Contents indentation: `keyward` and its nouns at the left, each level below them further in. */
const depth = (command: Command) => Math.max(0, commandPath(command).split(' ').length - 1);

const valuesNote = (choices: readonly string[] | undefined) => (choices?.length ? `values: ${choices.map(code).join(', ')}` : '');

function defaultNote(option: Option): string {
  if (option.defaultValueDescription) return `default: ${option.defaultValueDescription}`;
  if (option.defaultValue === undefined || option.negate || typeof option.defaultValue === 'boolean') return '';
  return `default: ${code(String(option.defaultValue))}`;
}

/** "only keys in this state; values: `active`, `disabled`, `expired`". */
const describe = (...parts: string[]) => cell(parts.filter(Boolean).join('; '));

function optionRow(option: Option): string {
  const flags = option.mandatory ? `${option.flags} (required)` : option.flags;
  return `| ${code(flags)} | ${describe(option.description, valuesNote(option.argChoices), defaultNote(option))} |`;
}

function argumentRow(argument: Argument): string {
  const name = `${argument.name()}${argument.variadic ? '...' : ''}`;
  return `| ${code(argument.required ? `<${name}>` : `[${name}]`)} | ${describe(argument.description, valuesNote(argument.argChoices))} |`;
}

function section(command: Command): string {
  const help = command.createHelp();
  const lines = [`## ${title(command)}`, '', command.description(), '', `Usage: ${code(help.commandUsage(command))}`, ''];
  const subcommands = visibleSubcommands(command);
  if (subcommands.length) {
    lines.push('| command | description |', '|---|---|');
    for (const sub of subcommands) lines.push(`| [${title(sub)}](#${anchor(sub)}) | ${cell(sub.description())} |`);
    lines.push('');
  }
  const args = command.registeredArguments;
  if (args.some((a) => a.description || a.argChoices?.length)) {
    lines.push('| argument | description |', '|---|---|', ...args.map(argumentRow), '');
  }
  const options = help.visibleOptions(command);
  lines.push('| flag | description |', '|---|---|', ...options.map(optionRow), '');
  const examples = HELP_EXAMPLES[commandPath(command)] ?? [];
  if (examples.length) {
    lines.push('Examples:', '', '```sh', ...examples.flatMap(([does, run], i) => [...(i ? [''] : []), `# ${does}`, run]), '```', '');
  }
  return lines.join('\n');
}

/** docs/cli.md: every visible command with its arguments, flags (values, defaults) and examples. */
export function renderCliReference(root: Command): string {
  const commands = visibleCommands(root);
  const head = [
    '# keyward command-line reference',
    '',
    `<!-- Generated from the command definitions (src/cli/reference.ts) by \`${REGENERATE}\`: do not edit by hand. -->`,
    '',
    'Every command that shows data takes `-o, --output human|json|yaml`. Data goes to stdout; notices, prompts',
    'and errors go to stderr. Exit codes: 0 ok, 1 failure (for `scan` and `advisor`: findings), 2 usage error.',
    '`KEYWARD_URL`, `KEYWARD_API_KEY` and `KEYWARD_API_SECRET` override the current context saved by',
    '`keyward login` (see `keyward context`); a `KEYWARD_URL` naming another server takes no key or secret from',
    'the context, so a saved secret only ever goes to the server it was saved for.',
    '',
    ...commands.map((command) => `${'  '.repeat(depth(command))}- [${title(command)}](#${anchor(command)})`),
    '',
  ];
  return [head.join('\n'), ...commands.map(section)].join('\n');
}

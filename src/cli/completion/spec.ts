import type { Command, Option } from 'commander';
import { commandPath, visibleCommands, visibleSubcommands } from '../program.js';

/**
 * What a word can be completed with: fixed words (an enum's values), `@KIND` (ids the scripts ask
 * `keyward __complete KIND` for), `@files` (the shell's file names), or nothing (free text).
 */
export type Values = readonly string[];
export const FILES: Values = ['@files'];

export interface FlagSpec {
  /** `--output` and `-o`. */
  names: string[];
  description: string;
  /** Takes a value (the next word), or a switch. */
  takesValue: boolean;
  values: Values;
}

export interface CommandSpec {
  /** "api-key list"; the root is "". */
  path: string;
  subcommands: Array<{ name: string; description: string }>;
  flags: FlagSpec[];
  /** The candidates for the command's arguments; null when it takes none. */
  argument: Values | null;
}

/** Which ids the argument of a command below these nouns names (`api-key describe KEY`). */
const ARGUMENT_IDS: Record<string, string> = {
  context: 'context',
  environment: 'environment',
  'kafka cluster': 'kafka-cluster',
  'schema-registry cluster': 'schema-registry-cluster',
  'iam user': 'user',
  'iam service-account': 'service-account',
  'iam rbac role-binding': 'role-binding',
  'api-key': 'api-key',
};

/** Which ids a flag names, wherever it appears ... */
const FLAG_IDS: Record<string, string> = {
  '--environment': 'environment',
  '--service-account': 'service-account',
  '--cluster': 'kafka-cluster',
  '--kafka-cluster': 'kafka-cluster',
  '--cloud-cluster': 'kafka-cluster',
  '--schema-registry-cluster': 'schema-registry-cluster',
  '--api-key': 'api-key',
};

/** ... unless the command says otherwise (null: complete nothing). */
const COMMAND_FLAG_IDS: Record<string, string | null> = {
  'api-key create --resource': 'resource',
  'api-key list --resource': 'resource',
  // the key to log in with: the server's keys are not the ones to offer before logging in
  'login --api-key': null,
};

/** A value named like `<file>`, `<dir>` or `<path>` is a file name. */
const isFileName = (placeholder: string) => /file|dir|path/i.test(placeholder);

function flagValues(path: string, option: Option): Values {
  if (option.argChoices?.length) return option.argChoices;
  const long = option.long ?? '';
  const specific = COMMAND_FLAG_IDS[`${path} ${long}`];
  const kind = specific === undefined ? FLAG_IDS[long] : specific;
  if (kind) return [`@${kind}`];
  return isFileName(option.flags) ? FILES : [];
}

function argumentValues(command: Command, path: string): Values | null {
  const [first] = command.registeredArguments;
  if (!first) return null;
  if (first.argChoices?.length) return first.argChoices;
  const noun = path.split(' ').slice(0, -1).join(' ');
  const kind = command.name() === 'create' ? undefined : ARGUMENT_IDS[noun];
  if (kind) return [`@${kind}`];
  return isFileName(first.name()) ? FILES : [];
}

function specOf(command: Command): CommandSpec {
  const path = commandPath(command);
  const options = command.createHelp().visibleOptions(command);
  return {
    path,
    subcommands: visibleSubcommands(command).map((sub) => ({ name: sub.name(), description: sub.description() })),
    flags: options.map((option) => ({
      names: [option.long, option.short].filter((name): name is string => Boolean(name)),
      description: option.description,
      takesValue: option.required || option.optional,
      values: option.required || option.optional ? flagValues(path, option) : [],
    })),
    argument: argumentValues(command, path),
  };
}

/** The completion data of every visible command of the tree, read from its definitions. */
export function completionSpec(root: Command): CommandSpec[] {
  return visibleCommands(root).map(specOf);
}

/** The kinds of id a spec asks the server (or the config file) for. */
export function idKindsOf(specs: readonly CommandSpec[]): string[] {
  const values = specs.flatMap((s) => [...(s.argument ?? []), ...s.flags.flatMap((f) => f.values)]);
  return [...new Set(values.filter((v) => v.startsWith('@') && v !== FILES[0]).map((v) => v.slice(1)))].sort();
}

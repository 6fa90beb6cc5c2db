import type { CommandSpec } from './spec.js';

/**
 * The completion scripts carry the spec as lines of four tab-separated fields, one function
 * (`_keyward_spec PATH`) printing a command's lines:
 *   c NAME DESCRIPTION           a subcommand
 *   f NAME DESCRIPTION           a switch (`--force`)
 *   v NAME DESCRIPTION VALUES    a flag that takes a value, with its candidates
 *   a ARG DESCRIPTION VALUES     the command's arguments
 * VALUES is words separated by spaces, `@KIND` (ids from `keyward __complete KIND`), `@files`, or
 * empty. No field but VALUES is ever empty: shells that split on tabs would merge empty fields.
 */
export function specLines(spec: CommandSpec): string[] {
  const lines = spec.subcommands.map((sub) => line('c', sub.name, sub.description));
  for (const flag of spec.flags) for (const name of flag.names) lines.push(line(flag.takesValue ? 'v' : 'f', name, flag.description, flag.values));
  if (spec.argument) lines.push(line('a', 'ARG', 'argument', spec.argument));
  return lines;
}

/** Descriptions are one short line: completion menus are no place for a paragraph. */
const MAX_DESCRIPTION = 80;

function line(kind: string, name: string, description: string, values: readonly string[] = []): string {
  let text = description.replace(/\s+/g, ' ').trim() || name;
  if (text.length > MAX_DESCRIPTION) text = text.slice(0, MAX_DESCRIPTION - 1).trimEnd() + '…';
  return [kind, name, text, values.join(' ')].join('\t');
}

/** A string in single quotes for bash and zsh. */
export const posixQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

import type { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { HELP_EXAMPLES, examplesHelpText } from './help-examples.js';
import { buildProgram, commandPath, visibleCommands, visibleSubcommands } from './program.js';

/** The words of an example from `keyward` on, up to a redirection or the end of a `<(…)`. */
function keywardWords(run: string): string[] {
  const words = run.match(/"[^"]*"|\S+/g) ?? [];
  const start = words.findIndex((w) => w === 'keyward' || w.endsWith('(keyward'));
  if (start < 0) return [];
  const end = words.findIndex((w, i) => i > start && /^[<>|]|\)$/.test(w));
  return ['keyward', ...words.slice(start + 1, end < 0 ? undefined : end)];
}

/** The command an example runs, and the flags it gives that command does not have. */
function resolve(root: Command, words: string[]): { command: Command; unknownFlags: string[] } {
  let command = root;
  const unknownFlags: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const word = words[i] as string;
    if (word.startsWith('-')) {
      const option = command.createHelp().visibleOptions(command).find((o) => o.long === word || o.short === word);
      if (!option) unknownFlags.push(word);
      else if (option.required || option.optional) i++;
      continue;
    }
    const sub = visibleSubcommands(command).find((c) => c.name() === word);
    if (sub) command = sub;
  }
  return { command, unknownFlags };
}

describe('help examples', () => {
  let root: Command;
  beforeAll(async () => {
    root = await buildProgram();
  });

  it('gives every command one or two examples', () => {
    const missing = visibleCommands(root)
      .map(commandPath)
      .filter((path) => !(HELP_EXAMPLES[path]?.length && (HELP_EXAMPLES[path]?.length ?? 0) <= 2));
    expect(missing, 'add one or two examples for these commands to src/cli/help-examples.ts').toEqual([]);
  });

  it('lists examples only for commands that exist', () => {
    const paths = new Set(visibleCommands(root).map(commandPath));
    expect(Object.keys(HELP_EXAMPLES).filter((path) => !paths.has(path))).toEqual([]);
  });

  it('runs, in each example, the command (or a subcommand of the group) it is listed under, with flags that command has', () => {
    const wrong: string[] = [];
    for (const [path, examples] of Object.entries(HELP_EXAMPLES)) {
      for (const [, run] of examples) {
        const { command, unknownFlags } = resolve(root, keywardWords(run));
        const ran = commandPath(command);
        const underPath = path === '' || ran === path || ran.startsWith(`${path} `);
        if (!underPath || unknownFlags.length) wrong.push(`${path}: "${run}" runs "${ran}"${unknownFlags.length ? ` with unknown ${unknownFlags.join(', ')}` : ''}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('formats the examples as an Examples: section of comment and command lines', () => {
    expect(examplesHelpText('context use')).toBe('\nExamples:\n  # Talk to the server of the context "prod" from now on\n  keyward context use prod');
    expect(examplesHelpText('no such command')).toBeUndefined();
  });
});

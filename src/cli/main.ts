#!/usr/bin/env node
import { CommanderError, type Command } from 'commander';
import { CliError } from './cli-error.js';
import { examplesHelpText } from './help-examples.js';
import { buildProgram, commandPath, nounsFor } from './program.js';

function configure(command: Command): void {
  command.exitOverride();
  command.configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  command.showHelpAfterError('(add --help for usage)');
  // Every command's --help ends with its examples, all from the one table of help-examples.ts.
  const examples = examplesHelpText(commandPath(command));
  if (examples) command.addHelpText('after', examples);
  for (const sub of command.commands) configure(sub);
}

async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(nounsFor(argv));
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

// A reader that goes away (`keyward --help | head`, `api-key list | grep -m1 …`) is not an error:
// stop quietly, as other command-line tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Error: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);

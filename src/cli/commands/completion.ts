import { Argument, type Command } from 'commander';
import { bashScript } from '../completion/bash.js';
import { fishScript } from '../completion/fish.js';
import { idCandidates } from '../completion/ids.js';
import { completionSpec } from '../completion/spec.js';
import { zshScript } from '../completion/zsh.js';

const SHELLS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;
type Shell = keyof typeof SHELLS;

/**
 * `keyward completion bash|zsh|fish` prints the script, generated from the command tree `program`
 * holds (main loads every noun for this command); the hidden `keyward __complete KIND` prints the
 * ids the scripts offer, one `id<TAB>description` a line, and nothing at all when it cannot.
 */
export function register(program: Command): void {
  program
    .command('completion')
    .description('Print the shell completion script for bash, zsh or fish on stdout')
    .addArgument(new Argument('<shell>', 'the shell').choices(Object.keys(SHELLS)))
    .action((shell: Shell) => {
      process.stdout.write(SHELLS[shell](completionSpec(program)));
    });

  program
    .command('__complete <kind>', { hidden: true })
    .description('Candidates of one kind (context, environment, api-key, …) for the completion scripts')
    .action(async (kind: string) => {
      const candidates = await idCandidates(kind);
      process.stdout.write(candidates.map(([word, description]) => `${word}\t${description}\n`).join(''));
    });
}

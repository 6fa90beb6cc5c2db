import { createInterface } from 'node:readline';
import { CliError } from './cli-error.js';

export const isInteractive = () => Boolean(process.stdin.isTTY && process.stderr.isTTY);

/** Asks on stderr, reads a line from the TTY; `hidden` echoes nothing (for secrets). */
export function ask(question: string, hidden = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    if (hidden) {
      const output = rl as unknown as { _writeToOutput: (s: string) => void };
      output._writeToOutput = (s: string) => {
        if (s.includes(question)) process.stderr.write(question);
      };
    }
    rl.on('SIGINT', () => {
      rl.close();
      reject(new CliError('Cancelled'));
    });
    rl.question(question, (answer) => {
      rl.close();
      if (hidden) process.stderr.write('\n');
      resolve(answer);
    });
  });
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks for confirmation on a TTY; without a TTY (and without --force) the command fails. */
export async function confirm(question: string, force: boolean | undefined): Promise<void> {
  if (force) return;
  if (!isInteractive()) throw new CliError('Refusing to delete without confirmation: run on a terminal or pass --force');
  const answer = (await ask(`${question} [y/N] `)).trim().toLowerCase();
  if (answer !== 'y' && answer !== 'yes') throw new CliError('Cancelled; nothing was deleted');
}

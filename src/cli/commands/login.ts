import type { Command } from 'commander';
import { ApiClient } from '../client.js';
import { CliError, usageError } from '../cli-error.js';
import { readConfig, writeConfig, configPath } from '../config.js';
import { ask, isInteractive, readStdin } from '../prompt.js';
import { notice } from '../output.js';

interface WhoAmI {
  principal: string;
  organization: string;
}

/** Secrets never come from flags: the environment, stdin, or a hidden prompt. */
async function readSecret(fromStdin: boolean | undefined): Promise<string> {
  if (fromStdin) {
    const secret = (await readStdin()).trim();
    if (!secret) throw new CliError('No secret on stdin');
    return secret;
  }
  if (process.env.KEYWARD_API_SECRET) return process.env.KEYWARD_API_SECRET;
  if (!isInteractive()) throw new CliError('No secret: set KEYWARD_API_SECRET, pass --secret-stdin, or run on a terminal');
  return (await ask('API secret: ', true)).trim();
}

export function register(program: Command): void {
  program
    .command('login')
    .description('Log in to a keyward server with a cloud API key and save the context')
    .requiredOption('--url <url>', 'the server URL, e.g. http://127.0.0.1:8090')
    .option('--api-key <key>', 'cloud API key (default: KEYWARD_API_KEY or a prompt)')
    .option('--secret-stdin', 'read the API secret from stdin')
    .action(async (options: { url: string; apiKey?: string; secretStdin?: boolean }) => {
      if (!/^https?:\/\/[^\s/]+/.test(options.url)) throw usageError(`invalid --url "${options.url}": use http://HOST:PORT or https://HOST`);
      let key = options.apiKey ?? process.env.KEYWARD_API_KEY;
      if (!key) {
        if (!isInteractive()) throw new CliError('No API key: pass --api-key or set KEYWARD_API_KEY');
        key = (await ask('API key: ')).trim();
      }
      const secret = await readSecret(options.secretStdin);
      const url = options.url.replace(/\/+$/, '');
      const who = await new ApiClient({ url, key, secret }).get<WhoAmI>('/keyward/v1/whoami');
      const config = readConfig();
      writeConfig({ ...config, url, api_key: key, api_secret: secret });
      notice(`Logged in to ${url} as ${who.principal}. Context saved to ${configPath()}.`);
    });

  program
    .command('logout')
    .description('Forget the saved API key and secret')
    .action(() => {
      const config = readConfig();
      if (!config.api_key && !config.api_secret) {
        notice('Not logged in.');
        return;
      }
      writeConfig({ url: config.url, environment: config.environment });
      notice('Logged out.');
    });
}

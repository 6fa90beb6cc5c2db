import type { Command } from 'commander';
import { ApiClient } from '../client.js';
import { CliError, usageError } from '../cli-error.js';
import { checkContextName, configPath, contextNameFor, currentContext, readConfigFile, saveContext, writeConfigFile } from '../config.js';
import { ask, isInteractive, readStdin } from '../prompt.js';
import { notice } from '../output.js';
import type { WhoAmI } from '../../contract/index.js';

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
    .description('Log in to a keyward server with a cloud API key, save it as a context and make that context current')
    .requiredOption('--url <url>', 'the server URL, e.g. http://127.0.0.1:8090')
    .option('--api-key <key>', 'cloud API key (default: KEYWARD_API_KEY or a prompt)')
    .option('--secret-stdin', 'read the API secret from stdin')
    .option('--context <name>', "the context's name (default: the URL's host:port); an existing context of that name is replaced")
    .action(async (options: { url: string; apiKey?: string; secretStdin?: boolean; context?: string }) => {
      if (!/^https?:\/\/[^\s/]+/.test(options.url)) throw usageError(`invalid --url "${options.url}": use http://HOST:PORT or https://HOST`);
      const url = options.url.replace(/\/+$/, '');
      const name = checkContextName(options.context ?? contextNameFor(url));
      let key = options.apiKey ?? process.env.KEYWARD_API_KEY;
      if (!key) {
        if (!isInteractive()) throw new CliError('No API key: pass --api-key or set KEYWARD_API_KEY');
        key = (await ask('API key: ')).trim();
      }
      const secret = await readSecret(options.secretStdin);
      const who = await new ApiClient({ url, key, secret }).get<WhoAmI>('/keyward/v1/whoami');
      const saved = readConfigFile();
      const previous = Object.hasOwn(saved.contexts, name) ? saved.contexts[name] : undefined;
      // The environment chosen with `environment use` stays when the context still names the same server.
      const environment = previous?.url === url ? previous.environment : undefined;
      saveContext(name, { url, api_key: key, api_secret: secret, environment });
      notice(`Logged in to ${url} as ${who.principal}. Context "${name}" saved to ${configPath()} and made current.`);
    });

  program
    .command('logout')
    .description("Forget the current context's API key and secret (its URL and environment stay)")
    .action(() => {
      const config = readConfigFile();
      const name = config.current_context;
      const context = currentContext(config);
      if (!name || !context || (!context.api_key && !context.api_secret)) {
        notice('Not logged in.');
        return;
      }
      writeConfigFile({ ...config, contexts: { ...config.contexts, [name]: { url: context.url, environment: context.environment } } });
      notice(`Logged out of context "${name}".`);
    });
}

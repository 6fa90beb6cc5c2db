import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The saved CLI context: `$KEYWARD_HOME/config.json` (default `~/.keyward`), mode 0600. */
export interface CliConfig {
  url?: string;
  api_key?: string;
  api_secret?: string;
  environment?: string;
}

export function keywardHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.KEYWARD_HOME && env.KEYWARD_HOME !== '' ? env.KEYWARD_HOME : join(homedir(), '.keyward');
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(keywardHome(env), 'config.json');
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const path = configPath(env);
  if (!existsSync(path)) return {};
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as CliConfig) : {};
  } catch {
    throw new Error(`The CLI configuration ${path} is not valid JSON; fix it or run keyward logout`);
  }
}

export function writeConfig(config: CliConfig, env: NodeJS.ProcessEnv = process.env): string {
  const home = keywardHome(env);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const path = configPath(env);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return path;
}

export function hasSavedContext(env: NodeJS.ProcessEnv = process.env): boolean {
  const config = readConfig(env);
  return Boolean(config.url && config.api_key && config.api_secret);
}

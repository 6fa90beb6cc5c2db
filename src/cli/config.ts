import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError, usageError } from './cli-error.js';

/** One saved server: where it is, the cloud key the CLI uses there, and the current environment. */
export interface CliContext {
  url?: string;
  api_key?: string;
  api_secret?: string;
  environment?: string;
}

/**
 * `$KEYWARD_HOME/config.json` (default `~/.keyward`), mode 0600: several named contexts and the
 * current one. The older file held one context at its top level; it is read as the context
 * `default` and written in this shape on the next change.
 */
export interface CliConfig {
  current_context?: string;
  contexts: Record<string, CliContext>;
}

/** The name of the context the single-context file of earlier versions becomes. */
export const LEGACY_CONTEXT_NAME = 'default';

const CONTEXT_FIELDS = ['url', 'api_key', 'api_secret', 'environment'] as const;

export function keywardHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.KEYWARD_HOME && env.KEYWARD_HOME !== '' ? env.KEYWARD_HOME : join(homedir(), '.keyward');
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(keywardHome(env), 'config.json');
}

function contextFrom(value: unknown): CliContext {
  const context: CliContext = {};
  if (!value || typeof value !== 'object') return context;
  for (const field of CONTEXT_FIELDS) {
    const text = (value as Record<string, unknown>)[field];
    if (typeof text === 'string' && text !== '') context[field] = text;
  }
  return context;
}

/** Either shape of the file (contexts, or the older single context) as contexts. */
export function parseConfig(parsed: unknown): CliConfig {
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { contexts: {} };
  const raw = parsed as Record<string, unknown>;
  if (raw.contexts && typeof raw.contexts === 'object' && !Array.isArray(raw.contexts)) {
    const contexts: Record<string, CliContext> = {};
    for (const [name, value] of Object.entries(raw.contexts as Record<string, unknown>)) if (name !== '__proto__') contexts[name] = contextFrom(value);
    const current = typeof raw.current_context === 'string' && Object.hasOwn(contexts, raw.current_context) ? raw.current_context : undefined;
    return { current_context: current, contexts };
  }
  const legacy = contextFrom(raw);
  if (Object.keys(legacy).length === 0) return { contexts: {} };
  return { current_context: LEGACY_CONTEXT_NAME, contexts: { [LEGACY_CONTEXT_NAME]: legacy } };
}

export function readConfigFile(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const path = configPath(env);
  if (!existsSync(path)) return { contexts: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new CliError(`The CLI configuration ${path} is not valid JSON; fix or delete it`);
  }
  return parseConfig(parsed);
}

/** Writes the whole file atomically (a temporary file renamed over it), mode 0600. */
export function writeConfigFile(config: CliConfig, env: NodeJS.ProcessEnv = process.env): string {
  const home = keywardHome(env);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const path = configPath(env);
  const tmp = `${path}.${process.pid}.tmp`;
  const file: CliConfig = { current_context: config.current_context, contexts: config.contexts };
  writeFileSync(tmp, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return path;
}

/** The current context, if one is current and saved. */
export function currentContext(config: CliConfig): CliContext | undefined {
  const name = config.current_context;
  return name !== undefined && Object.hasOwn(config.contexts, name) ? config.contexts[name] : undefined;
}

/**
 * Sets the current context's environment (`environment use`). Without a current context there is
 * nothing to set it on: an error, never a new context of just an environment.
 */
export function setCurrentEnvironment(environment: string, env: NodeJS.ProcessEnv = process.env): string {
  const config = readConfigFile(env);
  const context = currentContext(config);
  if (!context || config.current_context === undefined) {
    throw new CliError(`No current context to keep the environment in: run keyward login --url URL or keyward context use NAME (saved contexts: ${savedContextNames(config)})`);
  }
  return writeConfigFile({ current_context: config.current_context, contexts: { ...config.contexts, [config.current_context]: contextFrom({ ...context, environment }) } }, env);
}

/** Saves (or overwrites) the context `name` and makes it the current one. */
export function saveContext(name: string, context: CliContext, env: NodeJS.ProcessEnv = process.env): string {
  const config = readConfigFile(env);
  return writeConfigFile({ current_context: name, contexts: { ...config.contexts, [name]: contextFrom(context) } }, env);
}

export const hasCredentials = (context: CliContext | undefined) => Boolean(context?.url && context.api_key && context.api_secret);

/** Is any context saved with a URL, key and secret? */
export function hasSavedContext(env: NodeJS.ProcessEnv = process.env): boolean {
  return Object.values(readConfigFile(env).contexts).some(hasCredentials);
}

/** The default name of a server's context: its host and port, as in `127.0.0.1:8090`. */
export function contextNameFor(url: string): string {
  return new URL(url).host;
}

/** Context names are one word (they are typed, and completed, on the command line). */
export function checkContextName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,99}$/.test(name)) {
    throw usageError(`invalid context name "${name}": use letters, digits and . _ : @ / - (up to 100, starting with a letter or digit)`);
  }
  return name;
}

export function savedContextNames(config: CliConfig): string {
  const names = Object.keys(config.contexts);
  return names.length ? names.join(', ') : 'none (run keyward login --url URL)';
}

/** The context `name`, or exit 1 naming it and the saved ones. */
export function findContext(config: CliConfig, name: string): CliContext {
  const context = Object.hasOwn(config.contexts, name) ? config.contexts[name] : undefined;
  if (!context) throw new CliError(`Context "${name}" not found; saved contexts: ${savedContextNames(config)}`);
  return context;
}

import { Option } from 'commander';
import { connect, type ApiClient } from '../client.js';

/** Runs an action with a connected client; errors propagate to main's single handler. */
export function withClient<A extends unknown[]>(action: (client: ApiClient, ...args: A) => Promise<void>) {
  return async (...args: A) => action(connect(), ...args);
}

export const forceOption = () => new Option('--force', 'skip the confirmation prompt');

/** Where a command acts when no --environment is given: the context's current environment. */
export function environmentOf(client: ApiClient, flag: string | undefined): string | undefined {
  return flag ?? client.environment;
}

export function countsLine(header: string | null): string {
  if (!header) return '';
  return header
    .split(',')
    .map((part) => part.trim().split('='))
    .filter((pair): pair is [string, string] => pair.length === 2)
    .map(([k, v]) => `${v} ${k.replace(/_/g, ' ')}`)
    .join(', ');
}

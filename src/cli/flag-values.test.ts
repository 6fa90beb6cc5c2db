import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { apiKeyResourceOption, durationOption, durationOrTimeOption, enumOption, idOfKindOption, timeOption, wholeNumberOption } from './flag-values.js';
import { AUDIT_TIME_BOUND, ROTATION_GRACE } from '../contract/durations.js';
import { PROVIDERS } from '../contract/enums.js';

/** Parses `args` with one option; returns the options, or the CliError the option's parser threw. */
function parse(option: ReturnType<typeof enumOption>, ...args: string[]): Record<string, unknown> | CliError {
  const command = new Command('t').exitOverride().addOption(option).action(() => undefined);
  try {
    command.parse(args, { from: 'user' });
    return command.opts();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
}

function refusal(result: Record<string, unknown> | CliError): string {
  expect(result).toBeInstanceOf(CliError);
  expect((result as CliError).exitCode).toBe(2);
  return (result as CliError).message;
}

describe('enumOption', () => {
  it('lists its values as argChoices, for help and completion', () => {
    expect(enumOption('--cloud <cloud>', 'cloud provider', PROVIDERS).argChoices).toEqual([...PROVIDERS]);
  });

  it('accepts a value in any case, spelled as in the list', () => {
    expect(parse(enumOption('--cloud <cloud>', '', PROVIDERS), '--cloud', 'AWS')).toEqual({ cloud: 'aws' });
    expect(parse(enumOption('--role <role>', '', ['DeveloperRead']), '--role', 'developerread')).toEqual({ role: 'DeveloperRead' });
  });

  it('refuses anything else with exit 2, naming the valid values', () => {
    expect(refusal(parse(enumOption('--cloud <cloud>', '', PROVIDERS), '--cloud', 'mars'))).toBe('invalid --cloud "mars": valid values are aws, gcp, azure, self-managed');
  });
});

describe('durationOption', () => {
  it('keeps the text of a duration in range and refuses one outside it', () => {
    expect(parse(durationOption('--grace <d>', '', ROTATION_GRACE), '--grace', '1d12h')).toEqual({ grace: '1d12h' });
    expect(refusal(parse(durationOption('--grace <d>', '', ROTATION_GRACE), '--grace', '8d'))).toBe('invalid --grace "8d": valid values are durations from 0 to 7d, such as 24h, 30m or 0');
  });

  it('accepts an extra word and names it', () => {
    const lifetime = () => durationOption('--max <d>', '', ROTATION_GRACE, { word: 'none', means: 'no limit' });
    expect(parse(lifetime(), '--max', 'none')).toEqual({ max: 'none' });
    expect(refusal(parse(lifetime(), '--max', 'never'))).toMatch(/, or "none" \(no limit\)$/);
  });
});

describe('timeOption and durationOrTimeOption', () => {
  it('takes ISO-8601 times, in the future when asked', () => {
    expect(parse(timeOption('--at <t>', ''), '--at', '2020-01-01')).toEqual({ at: '2020-01-01' });
    expect(refusal(parse(timeOption('--at <t>', '', { future: true }), '--at', '2020-01-01'))).toBe(
      'invalid --at "2020-01-01": valid values are ISO-8601 times in the future, such as 2027-01-31T00:00:00Z',
    );
    expect(parse(timeOption('--at <t>', '', { future: true }), '--at', '2999-01-01T00:00:00Z')).toEqual({ at: '2999-01-01T00:00:00Z' });
  });

  it('takes a duration back from now or a time', () => {
    const since = () => durationOrTimeOption('--since <t>', '', AUDIT_TIME_BOUND);
    expect(parse(since(), '--since', '24h')).toEqual({ since: '24h' });
    expect(parse(since(), '--since', '2027-01-31T00:00:00Z')).toEqual({ since: '2027-01-31T00:00:00Z' });
    expect(refusal(parse(since(), '--since', 'yesterday'))).toBe(
      'invalid --since "yesterday": valid values are durations back from now, such as 24h or 7d, or ISO-8601 times such as 2027-01-31T00:00:00Z',
    );
  });
});

describe('wholeNumberOption and id options', () => {
  it('bounds whole numbers', () => {
    expect(parse(wholeNumberOption('--n <n>', '', 1, 10), '--n', '10')).toEqual({ n: 10 });
    expect(refusal(parse(wholeNumberOption('--n <n>', '', 1, 10), '--n', '11'))).toBe('invalid --n "11": valid values are whole numbers from 1 to 10');
    expect(refusal(parse(wholeNumberOption('--n <n>', '', 1), '--n', '1.5'))).toBe('invalid --n "1.5": valid values are whole numbers of 1 or more');
  });

  it('checks id shapes (DESIGN §1)', () => {
    expect(parse(idOfKindOption('--sa <id>', '', 'serviceAccount'), '--sa', 'sa-abc123')).toEqual({ sa: 'sa-abc123' });
    expect(refusal(parse(idOfKindOption('--sa <id>', '', 'serviceAccount'), '--sa', 'orders-app'))).toBe('invalid --sa "orders-app": valid values are service account ids such as sa-abc123');
    for (const resource of ['lkc-abc123', 'lsrc-abc123', 'cloud']) expect(parse(apiKeyResourceOption('--resource <id>', ''), '--resource', resource)).toEqual({ resource });
    for (const resource of ['lkc-abc', 'env-abc123', 'Cloud', 'xcloud']) expect(parse(apiKeyResourceOption('--resource <id>', ''), '--resource', resource)).toBeInstanceOf(CliError);
  });
});

/** A failure the CLI reports as one line on stderr, with exit code 1 (failure) or 2 (usage). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, 2);

/**
 * The one message for a flag value the CLI refuses before any request, exit 2:
 * `invalid --cloud "mars": valid values are aws, gcp, azure, self-managed`.
 */
export const invalidValue = (flag: string, value: string, valid: string) => usageError(`invalid ${flag} "${value}": valid values are ${valid}`);

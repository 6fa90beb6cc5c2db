/**
 * Commander options whose values the CLI checks before it sends any request, from the shared contract:
 * an invalid value is a usage error (exit 2) naming the valid values, in one style (`invalidValue`).
 * Enum options carry `argChoices`, so `--help` and shell completion list their values.
 */
import { Option } from 'commander';
import { invalidValue } from './cli-error.js';
import { describeDurationRange, durationExamples, durationWithin, type DurationRange } from '../contract/durations.js';
import { parseTime, TIME_EXAMPLE } from '../contract/times.js';
import { ID_EXAMPLES, ID_PATTERNS } from '../contract/ids.js';

/** The option's long flag (`--cloud`), for messages. */
function flagName(option: Option): string {
  return option.long ?? option.flags;
}

/** Lists values as people read them: `a, b, c`. */
const listed = (values: readonly string[]) => values.join(', ');

/** An option taking one of `values`, matched without regard to case and returned as spelled in `values`. */
export function enumOption(flags: string, description: string, values: readonly string[]): Option {
  const option = new Option(flags, description).choices(values);
  return option.argParser((value: string) => {
    const found = values.find((v) => v.toLowerCase() === value.toLowerCase());
    if (found === undefined) throw invalidValue(flagName(option), value, listed(values));
    return found;
  });
}

/** "durations from 0 to 7d, such as 24h or 30m"; with a qualifier: "durations back from now of any length, such as 24h or 7d". */
export function durationsText(range: DurationRange, qualifier?: string): string {
  const words = ['durations', qualifier, describeDurationRange(range)].filter((word) => word !== undefined && word !== '');
  return `${words.join(' ')}, such as ${durationExamples(range)}`;
}

/** An option taking a duration inside `range` (the server's range for that field); returns the text as given. */
export function durationOption(flags: string, description: string, range: DurationRange, extra?: { word: string; means: string }): Option {
  const option = new Option(flags, description);
  return option.argParser((value: string) => {
    if (extra && value === extra.word) return value;
    if (durationWithin(value, range) === undefined) {
      throw invalidValue(flagName(option), value, `${durationsText(range)}${extra ? `, or "${extra.word}" (${extra.means})` : ''}`);
    }
    return value;
  });
}

/** An option taking an ISO-8601 time; `future: true` refuses a time that has passed. Returns the text as given. */
export function timeOption(flags: string, description: string, options: { future?: boolean } = {}): Option {
  const option = new Option(flags, description);
  return option.argParser((value: string) => {
    const time = parseTime(value);
    if (time === undefined || (options.future && time.getTime() <= Date.now())) {
      throw invalidValue(flagName(option), value, `ISO-8601 times${options.future ? ' in the future' : ''}, such as ${TIME_EXAMPLE}`);
    }
    return value;
  });
}

/** An option taking a duration back from now inside `range`, or an ISO-8601 time (`--since`, `--until`). */
export function durationOrTimeOption(flags: string, description: string, range: DurationRange): Option {
  const option = new Option(flags, description);
  return option.argParser((value: string) => {
    if (durationWithin(value, range) !== undefined || parseTime(value) !== undefined) return value;
    throw invalidValue(flagName(option), value, `${durationsText(range, 'back from now')}, or ISO-8601 times such as ${TIME_EXAMPLE}`);
  });
}

/** An option taking a whole number from `min` to `max`. */
export function wholeNumberOption(flags: string, description: string, min: number, max = Number.MAX_SAFE_INTEGER): Option {
  const option = new Option(flags, description);
  return option.argParser((value: string) => {
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw invalidValue(flagName(option), value, max === Number.MAX_SAFE_INTEGER ? `whole numbers of ${min} or more` : `whole numbers from ${min} to ${max}`);
    }
    return n;
  });
}

/** An option taking an id of the shape `pattern` (`sa-abc123`), described by `what` ("service account ids such as sa-abc123"). */
export function idOption(flags: string, description: string, pattern: RegExp, what: string): Option {
  const option = new Option(flags, description);
  return option.argParser((value: string) => {
    if (!pattern.test(value)) throw invalidValue(flagName(option), value, what);
    return value;
  });
}

const ID_NAMES = {
  environment: 'environment ids',
  kafkaCluster: 'Kafka cluster ids',
  schemaRegistry: 'Schema Registry cluster ids',
  user: 'user ids',
  serviceAccount: 'service account ids',
  roleBinding: 'role binding ids',
  apiKey: 'API keys',
} as const;

/** An option taking the id of one kind of object (DESIGN §1), e.g. `--environment env-abc123`. */
export function idOfKindOption(flags: string, description: string, kind: keyof typeof ID_NAMES): Option {
  return idOption(flags, description, ID_PATTERNS[kind], `${ID_NAMES[kind]} such as ${ID_EXAMPLES[kind]}`);
}

const API_KEY_RESOURCE = new RegExp(`${ID_PATTERNS.kafkaCluster.source}|${ID_PATTERNS.schemaRegistry.source}|^cloud$`);

/** `--resource` of an API key: a Kafka cluster id, a Schema Registry cluster id, or `cloud`. */
export function apiKeyResourceOption(flags: string, description: string): Option {
  return idOption(flags, description, API_KEY_RESOURCE, `Kafka cluster ids such as ${ID_EXAMPLES.kafkaCluster}, Schema Registry cluster ids such as ${ID_EXAMPLES.schemaRegistry}, and cloud`);
}

import { Option, type Command } from 'commander';
import { encode, type ApiClient } from '../client.js';
import { invalidValue, usageError } from '../cli-error.js';
import { durationsText, enumOption } from '../flag-values.js';
import { USAGE_SINCE } from '../../contract/durations.js';
import { USAGE_BUCKET_NAMES, USAGE_OUTCOMES } from '../../contract/enums.js';
import { TIME_EXAMPLE } from '../../contract/times.js';
import type { ApiKeyUsage } from '../../contract/index.js';
import { printObject, withOutput, type Format, type OutputOptions } from '../output.js';
import { sparkline } from '../sparkline.js';
import { escapeForTerminal } from '../terminal-text.js';
import { DEFAULT_USAGE_BUCKET, DEFAULT_USAGE_SINCE, parseUsageSince, usageWindow } from '../../domain/usage.js';
import { withClient } from './shared.js';

/** The shape of `api-key usage -o json` (DESIGN §2): one entry per bucket and outcome, zeros included, oldest first. */
export function usageSeries(usage: ApiKeyUsage) {
  return {
    key: usage.id,
    since: usage.since,
    until: usage.until,
    bucket: usage.bucket,
    totals: usage.totals,
    series: usage.data.flatMap((b) => USAGE_OUTCOMES.map((outcome) => ({ time: b.start, outcome, count: b.counts[outcome] ?? 0 }))),
  };
}

/**
 * Human output: the window, then one sparkline per outcome that occurred (each scaled to its own
 * largest bucket; a blank is a bucket without any) with its total, then the overall total.
 */
export function renderUsage(usage: ApiKeyUsage): string {
  const occurred = USAGE_OUTCOMES.filter((o) => (usage.totals[o] ?? 0) > 0);
  const total = USAGE_OUTCOMES.reduce((n, o) => n + (usage.totals[o] ?? 0), 0);
  const buckets = usage.data.length;
  const lines = [`API key ${escapeForTerminal(usage.id)}: ${buckets} bucket${buckets === 1 ? '' : 's'} of ${usage.bucket} from ${usage.since} to ${usage.until} (UTC)`];
  if (occurred.length === 0) {
    lines.push('No authentications in this window.');
    return lines.join('\n') + '\n';
  }
  const label = Math.max(...occurred.map((o) => o.length), 'Total'.length);
  const digits = String(total).length;
  for (const outcome of occurred) {
    const row = sparkline(usage.data.map((b) => b.counts[outcome] ?? 0));
    lines.push(`${outcome.padEnd(label)}  ${row}  ${String(usage.totals[outcome]).padStart(digits)}`);
  }
  lines.push(`${'Total'.padEnd(label)}  ${' '.repeat(buckets)}  ${String(total).padStart(digits)}`);
  return lines.join('\n') + '\n';
}

async function printUsage(usage: ApiKeyUsage, format: Format): Promise<void> {
  if (format === 'human') process.stdout.write(renderUsage(usage));
  else await printObject(usage, format, [], usageSeries);
}

/** `--since`: the server's rule (`parseUsageSince`), refused before the request in the CLI's one style. */
function sinceOption(): Option {
  return new Option('--since <when>', 'a duration back from now, 1m to 90d (e.g. 24h, 7d), or an RFC 3339 time').default(DEFAULT_USAGE_SINCE).argParser((value: string) => {
    try {
      parseUsageSince(value, Date.now());
    } catch {
      throw invalidValue('--since', value, `${durationsText(USAGE_SINCE, 'back from now')}, or RFC 3339 times in the past such as ${TIME_EXAMPLE}`);
    }
    return value;
  });
}

export function usagePath(key: string, since: string, bucket: string): string {
  return `/keyward/v1/api-keys/${encode(key)}/usage?${new URLSearchParams({ since, bucket })}`;
}

/** `keyward api-key usage KEY [--since 24h] [--bucket 1h]`. */
export function registerUsage(apiKey: Command): void {
  withOutput(
    apiKey
      .command('usage <key>')
      .description("Show a key's authentications over time by outcome: a sparkline per outcome with totals")
      .addOption(sinceOption())
      .addOption(enumOption('--bucket <size>', 'bucket size', USAGE_BUCKET_NAMES).default(DEFAULT_USAGE_BUCKET)),
  ).action(
    withClient(async (client, key: string, o: { since: string; bucket: string } & OutputOptions) => {
      try {
        usageWindow(o.since, o.bucket, Date.now());
      } catch (error) {
        throw usageError((error as Error).message.replace(/^since /, '--since ').replace(/ with bucket /, ' with --bucket '));
      }
      await printUsage(await client.get<ApiKeyUsage>(usagePath(key, o.since, o.bucket)), o.output);
    }),
  );
}

/** At most this many usage requests at once for `api-key list`. */
const LIST_CONCURRENCY = 8;

/**
 * Each key's authentications of every outcome in the last 24 hourly buckets (the current hour
 * included), for `api-key list`'s "Last 24h" column: one usage request per key, LIST_CONCURRENCY at a
 * time. A key whose usage cannot be read (deleted meanwhile, an older server) is absent.
 */
export async function last24hTotals(client: ApiClient, keys: readonly string[]): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++] as string;
      try {
        const usage = await client.get<ApiKeyUsage>(usagePath(key, '24h', '1h'));
        totals.set(key, USAGE_OUTCOMES.reduce((n, o) => n + (usage.totals[o] ?? 0), 0));
      } catch {
        // shown as n/a
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(LIST_CONCURRENCY, keys.length) }, worker));
  return totals;
}

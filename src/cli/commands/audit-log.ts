import { once } from 'node:events';
import { closeSync, createWriteStream, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { ApiClient } from '../client.js';
import { CliError } from '../cli-error.js';
import { durationOrTimeOption, enumOption, idOption, wholeNumberOption } from '../flag-values.js';
import { MAX_AUDIT_LIMIT } from '../../contract/audit-paging.js';
import { MAX_EVENT_TARGET } from '../../contract/audit-target.js';
import { AUDIT_RESULTS, AUDIT_TYPE_NAMES } from '../../contract/enums.js';
import { AUDIT_TIME_BOUND } from '../../contract/durations.js';
import type { AuditCheckpoint, AuditEvent, AuditEventList, AuditListQuery, AuditVerification } from '../../contract/index.js';
import { colourWanted } from '../colour.js';
import { done, notice, printObject, printRecords, terminalWidth, withListOutput, withOutput, type ListOutputOptions, type OutputOptions } from '../output.js';
import { withClient } from './shared.js';
import { renderEventLines } from './audit-event-lines.js';

/** What `--target` takes: one object id, as wide as the server's target column. */
const TARGET_ID = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._:@-]{0,${MAX_EVENT_TARGET - 1}}$`);

/** What `audit-log verify -o json` prints: the server's verification without its envelope. */
type Verification = Omit<AuditVerification, 'api_version' | 'kind'>;

/** Names what broke: an event, a chain, or (chain '') the registry. */
function describeBreak(broken: NonNullable<Verification['first_broken']>): string {
  if (broken.chain === '') return `the audit chain registry is broken: ${broken.reason}`;
  if (broken.id) return `audit event ${broken.id} (chain ${broken.chain}, seq ${broken.seq}, ${broken.time}) is broken: ${broken.reason}`;
  return `audit chain ${broken.chain}${broken.seq === undefined ? '' : ` (at seq ${broken.seq})`} is broken: ${broken.reason}`;
}

/** Reads a checkpoint file given to --anchor: JSON, or a clear error. */
function readAnchor(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read the anchor ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(`The anchor ${file} is not JSON: give a file written by keyward audit-log checkpoint`);
  }
}

/** Writes a new file, mode 0600, refusing to overwrite one (a checkpoint is evidence). */
function writeNewFile(file: string, text: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === 'EEXIST' ? `${file} already exists; choose another file` : `Cannot create ${file}: ${code ?? (error as Error).message}`);
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

const PATH = '/keyward/v1/audit-events';

/** The filters of `list` (`--target` included): the query's fields, but `--api-key` arrives as `apiKey`; `export` takes the time bounds. */
type FilterFlags = Pick<AuditListQuery, 'principal' | 'type' | 'result' | 'since' | 'until' | 'target'> & { apiKey?: string };

function filterParams(o: FilterFlags): URLSearchParams {
  const params = new URLSearchParams();
  const filters: ReadonlyArray<readonly [keyof AuditListQuery, string | undefined]> = [['api_key', o.apiKey], ['principal', o.principal], ['type', o.type], ['result', o.result], ['since', o.since], ['until', o.until], ['target', o.target]];
  for (const [name, value] of filters) {
    if (value !== undefined) params.set(name, value);
  }
  return params;
}

/** Newest first: follows `metadata.next` until `limit` events are read. */
export async function listEvents(client: ApiClient, o: FilterFlags, limit: number): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  const params = filterParams(o);
  params.set('limit', String(Math.min(limit, MAX_AUDIT_LIMIT)));
  let next: string | undefined = `${PATH}?${params}`;
  while (next) {
    const page: AuditEventList = await client.get(next);
    events.push(...page.data.slice(0, limit - events.length));
    const remaining = limit - events.length;
    if (!page.metadata.next || remaining <= 0) break;
    const url = new URL(page.metadata.next);
    url.searchParams.set('limit', String(Math.min(remaining, MAX_AUDIT_LIMIT)));
    next = `${url.pathname}${url.search}`;
  }
  return events;
}

/** Shows `Exported N events` on a terminal's stderr, at most four times a second. */
function progressLine(enabled: boolean) {
  let shown = 0;
  return {
    update(count: number) {
      const now = Date.now();
      if (!enabled || now - shown < 250) return;
      shown = now;
      process.stderr.write(`\rExported ${count} events`);
    },
    clear() {
      if (enabled && shown > 0) process.stderr.write('\r\x1b[K');
    },
  };
}

async function write(target: Writable, chunk: Uint8Array): Promise<void> {
  if (target.destroyed) throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
  if (!target.write(chunk)) await once(target, 'drain');
}

/**
 * Streams the export to stdout or to a file. A file is written under a temporary name and renamed
 * when complete, so a failed export leaves nothing half-written behind.
 */
async function exportEvents(body: ReadableStream<Uint8Array>, out: string | undefined): Promise<number> {
  const temporary = out ? `${out}.partial-${process.pid}` : undefined;
  const file = temporary ? createWriteStream(temporary, { flags: 'wx', mode: 0o600 }) : undefined;
  if (file) await once(file, 'open');
  const target: Writable = file ?? process.stdout;
  const ignore = () => undefined; // a closed stdout is handled below, not as an uncaught error
  if (!file) process.stdout.on('error', ignore);
  const progress = progressLine(process.stderr.isTTY === true);
  let count = 0;
  let last = 0x0a;
  try {
    for await (const chunk of body) {
      if (chunk.length === 0) continue;
      for (const byte of chunk) if (byte === 0x0a) count += 1;
      last = chunk[chunk.length - 1] as number;
      await write(target, chunk);
      progress.update(count);
    }
    if (last !== 0x0a) throw new CliError('The export was cut short by the server; try again');
    if (file && temporary && out) {
      file.end();
      await once(file, 'finish');
      renameSync(temporary, out);
    }
    return count;
  } catch (error) {
    if (file && temporary) {
      file.destroy();
      rmSync(temporary, { force: true });
    }
    // The reader of stdout went away (`| head`): stop quietly, as Unix tools do.
    if (!file && (error as NodeJS.ErrnoException).code === 'EPIPE') return count;
    if (error instanceof CliError) throw error;
    throw new CliError(`The export failed: ${(error as Error).message}`);
  } finally {
    progress.clear();
    process.stdout.off('error', ignore);
  }
}

export function register(program: Command): void {
  const audit = program.command('audit-log').description('List, export and verify the audit log');
  const since = () => durationOrTimeOption('--since <time>', 'from this time: a duration back from now (24h, 7d) or an ISO-8601 time', AUDIT_TIME_BOUND);
  const until = () => durationOrTimeOption('--until <time>', 'up to this time (exclusive): a duration back from now or an ISO-8601 time', AUDIT_TIME_BOUND);

  withListOutput(
    audit
      .command('list')
      .description('List audit events, newest first: one line per event (time in UTC, who, what, target, result, client address)')
      .option('--api-key <key>', 'only events authenticated with this API key')
      .addOption(idOption('--target <id>', 'only management events about this object (who created, rotated, disabled or deleted it): an API key, service account, user, role binding, cluster or environment id; keys deleted with their owner or cluster are in that delete\'s event, under the owner\'s or cluster\'s id', TARGET_ID, `one object id (up to ${MAX_EVENT_TARGET} letters, digits and . _ : @ -), such as UTT6WDRXX7FHD2GV or sa-abc123`))
      .option('--principal <principal>', 'only events of this principal (User:sa-… or sa-…)')
      .addOption(enumOption('--type <type>', 'only events of this type', AUDIT_TYPE_NAMES))
      .addOption(enumOption('--result <result>', 'success, or failure (any other status)', AUDIT_RESULTS))
      .addOption(since())
      .addOption(until())
      .addOption(wholeNumberOption('--limit <n>', 'at most this many events', 1).default(100)),
  ).action(
    withClient(async (client, o: FilterFlags & { limit: number } & ListOutputOptions) => {
      const events = await listEvents(client, o, o.limit);
      if (o.output !== 'human') await printRecords(events, o.output);
      else if (events.length === 0) notice('None found.');
      else process.stdout.write(renderEventLines(events, { width: terminalWidth(), wide: o.wide, headers: o.headers, colour: colourWanted() }));
    }),
  );

  audit
    .command('export')
    .description('Export audit events as CloudEvents JSON lines, oldest first, streamed')
    .addOption(since())
    .addOption(until())
    .option('--out <file>', 'write to this file (default: stdout)')
    .action(
      withClient(async (client, o: FilterFlags & { out?: string }) => {
        const params = filterParams({ since: o.since, until: o.until });
        const query = params.size > 0 ? `?${params}` : '';
        const body = await client.stream(`${PATH}/export${query}`, 'application/x-ndjson');
        const count = await exportEvents(body, o.out);
        notice(`Exported ${count} audit event${count === 1 ? '' : 's'}${o.out ? ` to ${o.out}` : ''}.`);
      }),
    );

  withOutput(
    audit
      .command('verify')
      .description('Check the audit log: every chain against the sealed registry and, with --anchor, against a shipped checkpoint; exit 1 naming the first break')
      .option('--anchor <file>', 'a checkpoint written by `audit-log checkpoint` and kept outside the database'),
  ).action(
    withClient(async (client, o: OutputOptions & { anchor?: string }) => {
      const result = o.anchor
        ? await client.post<AuditVerification>(`${PATH}/verify`, { anchor: readAnchor(o.anchor) })
        : await client.get<AuditVerification>(`${PATH}/verify`);
      const summary: Verification = {
        ok: result.ok, chains: result.chains, events: result.events, broken_chains: result.broken_chains,
        ...(result.first_broken ? { first_broken: result.first_broken } : {}), ...(result.anchor ? { anchor: result.anchor } : {}),
      };
      const counted = `Verified ${summary.events} audit event${summary.events === 1 ? '' : 's'} in ${summary.chains} chain${summary.chains === 1 ? '' : 's'}`;
      const anchored = summary.anchor ? ` and the ${summary.anchor.chains} chain head${summary.anchor.chains === 1 ? '' : 's'} of the checkpoint of ${summary.anchor.time}` : '';
      if (o.output !== 'human') await printObject(summary, o.output, []);
      else done(summary.ok ? `${counted}${anchored}: every chain is intact.` : `${counted}${anchored}: ${summary.broken_chains} broken.`);
      const broken = summary.first_broken;
      if (!summary.ok && broken) throw new CliError(describeBreak(broken));
      if (!summary.ok) throw new CliError('the audit log is broken');
    }),
  );

  audit
    .command('checkpoint')
    .description('Verify the audit log and write a signed checkpoint of every chain\'s head (JSON), to ship outside the database')
    .option('--out <file>', 'write to this new file, mode 0600 (default: stdout)')
    .action(
      withClient(async (client, o: { out?: string }) => {
        const checkpoint = await client.post<AuditCheckpoint>(`${PATH}/checkpoint`);
        const text = JSON.stringify(checkpoint, null, 2) + '\n';
        if (!o.out) {
          process.stdout.write(text);
          return;
        }
        writeNewFile(o.out, text);
        notice(`Wrote the checkpoint of ${checkpoint.time} (${checkpoint.chains.length} chain${checkpoint.chains.length === 1 ? '' : 's'}) to ${o.out}.`);
      }),
    );
}

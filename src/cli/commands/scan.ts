import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { connect, type ApiClient } from '../client.js';
import { CliError } from '../cli-error.js';
import { escapeForTerminal } from '../terminal-text.js';
import { notice, printList, withListOutput, type Column, type ListOutputOptions } from '../output.js';
import type { LeakResult } from '../../contract/index.js';
import { ScanPathError, scanPaths, type LeakedSecret, type ScanProgress, type ScanReport, type SkipCounts } from '../../domain/scan/index.js';

/** One line of `keyward scan -o json` (DESIGN §2). `key` is null when it could not be resolved. */
export interface ScanRow {
  path: string;
  line: number;
  key: string | null;
  masked_secret: string;
}

const BATCH = 500;
const TOKEN_TYPE = 'keyward_api_secret';

/** A row and, for people, why its key is not shown. */
interface Shown {
  row: ScanRow;
  note: string;
}

const columns: Column<Shown>[] = [
  // A file name may hold control characters or an ANSI escape: people see them escaped (JSON stays exact).
  ['Path', (s) => escapeForTerminal(s.row.path), { priority: 0, cut: 'start' }],
  ['Line', (s) => s.row.line, { priority: 3, kind: 'id' }],
  ['Key', (s) => s.row.key ?? s.note, { priority: 1, kind: 'id' }],
  ['Secret', (s) => s.row.masked_secret, { priority: 2, kind: 'id' }],
];

/** Where the secret was found, for the audit log: `file:///abs/path#L12`. */
function locationUrl(found: LeakedSecret): string {
  return `${pathToFileURL(resolve(found.path)).href}#L${found.line}`;
}

/**
 * Sends the secrets found to `/keyward/v1/leaks`: with `dry_run` only to learn their keys, else to
 * disable them. The endpoint answers one entry per token sent, in order, so this returns one result
 * per finding, in order.
 */
async function report(client: ApiClient, findings: LeakedSecret[], disable: boolean): Promise<LeakResult[]> {
  const results: LeakResult[] = [];
  for (let start = 0; start < findings.length; start += BATCH) {
    const body = findings.slice(start, start + BATCH).map((f) => ({ token: f.secret, type: TOKEN_TYPE, url: locationUrl(f), source: 'keyward scan' }));
    results.push(...(await client.post<LeakResult[]>(`/keyward/v1/leaks${disable ? '' : '?dry_run=true'}`, body)));
  }
  return results;
}

function skippedText(skipped: SkipCounts): string {
  const parts = Object.entries(skipped)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${n} ${reason}`);
  return parts.length === 0 ? '' : `; skipped ${parts.join(', ')}`;
}

/** A progress line on a TTY, rewritten in place at most ten times a second. */
function progressLine(): { update: (p: ScanProgress) => void; clear: () => void } {
  if (!process.stderr.isTTY) return { update: () => undefined, clear: () => undefined };
  let last = 0;
  let shown = false;
  const width = Math.max(40, (process.stderr.columns ?? 80) - 1);
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      shown = true;
      const line = `Scanning: ${p.filesScanned} files, ${p.secretsFound} secrets found: ${escapeForTerminal(p.path)}`;
      process.stderr.write(`\r${line.slice(0, width).padEnd(width)}`);
    },
    clear() {
      if (shown) process.stderr.write(`\r${' '.repeat(width)}\r`);
    },
  };
}

/** Scans; a path given that does not exist or cannot be read is exit 2, naming it (1 means secrets were found). */
async function scanOrFail(paths: string[], progress: { update: (p: ScanProgress) => void; clear: () => void }): Promise<ScanReport> {
  try {
    return await scanPaths(paths.length === 0 ? ['.'] : paths, { onProgress: progress.update });
  } catch (error) {
    // the path is as typed, and a file name may hold escape sequences: shown escaped, like the findings' paths
    if (error instanceof ScanPathError) throw new CliError(error.message.replace(`"${error.path}"`, `"${escapeForTerminal(error.path)}"`), 2);
    throw error;
  } finally {
    progress.clear();
  }
}

function tryConnect(): ApiClient | undefined {
  try {
    return connect();
  } catch {
    return undefined;
  }
}

export function register(program: Command): void {
  withListOutput(
    program
      .command('scan [paths...]')
      .description('Find keyward API secrets in files (prefix and checksum); exit 0 when none is found, 1 when any is, 2 when a path given does not exist or cannot be read')
      .option('--disable', 'disable the keys the secrets belong to (needs a login or KEYWARD_* variables)'),
  )
    .addHelpText(
      'after',
      '\nDirectories are walked respecting .gitignore; binary files and files over 5 MiB are skipped.\n' +
        'Key ids are resolved through the server when a login or KEYWARD_URL/KEYWARD_API_KEY/KEYWARD_API_SECRET is available;\n' +
        'offline, the scan still works and prints key as null. Secrets are never printed, only masked.\n',
    )
    .action(async (paths: string[], o: { disable?: boolean } & ListOutputOptions) => {
      // --disable needs the server: fail before scanning rather than after.
      const client = o.disable ? connect() : tryConnect();
      const progress = progressLine();
      const scanned = await scanOrFail(paths, progress);
      const { findings } = scanned;

      let results: LeakResult[] | undefined;
      if (findings.length > 0 && client) {
        try {
          results = await report(client, findings, Boolean(o.disable));
        } catch (error) {
          if (o.disable) throw error;
          notice(`Could not resolve the keys of the secrets found: ${(error as Error).message}`);
        }
      } else if (findings.length > 0) {
        notice('Not logged in: the keys of the secrets found are not resolved (key is null). Log in, or set KEYWARD_URL, KEYWARD_API_KEY and KEYWARD_API_SECRET.');
      }

      const shown: Shown[] = findings.map((f, i) => {
        const result = results?.[i];
        const note = !result ? 'unresolved' : result.label === 'false_positive' ? 'no such key' : 'not yours to see';
        return { row: { path: f.path, line: f.line, key: result?.key ?? null, masked_secret: f.masked_secret }, note };
      });
      await printList(shown, o, columns, (s) => s.row);

      const files = new Set(findings.map((f) => f.path)).size;
      notice(
        `Found ${findings.length} keyward secret${findings.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} ` +
          `(scanned ${scanned.filesScanned} file${scanned.filesScanned === 1 ? '' : 's'}${skippedText(scanned.skipped)}).`,
      );
      if (o.disable && results) {
        const disabled = [...new Set(results.filter((r) => r.label === 'true_positive').map((r) => r.key ?? '(a key you may not manage)'))];
        const unknown = results.filter((r) => r.label === 'false_positive').length;
        if (disabled.length > 0) notice(`Disabled API key${disabled.length === 1 ? '' : 's'} ${disabled.join(', ')}. Create replacements (keyward api-key create), move the clients, delete the disabled keys, and remove the secrets from these files.`);
        if (unknown > 0) notice(`${unknown} secret${unknown === 1 ? '' : 's'} match no key of this server.`);
      }
      if (findings.length > 0) throw new CliError(`Found ${findings.length} keyward secret${findings.length === 1 ? '' : 's'}`);
    });
}

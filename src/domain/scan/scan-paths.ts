import { opendir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { maskSecret } from '../secrets.js';
import type { SecretInText } from './find-secrets-in-text.js';
import { scanFile } from './scan-file.js';
import { ScanPathError } from './scan-path-error.js';
import { emptySkipCounts } from './skip-reasons.js';
import type { SkipCounts, SkippedPath } from './skip-reasons.js';
import { walkFiles } from './walk-files.js';

export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;

export interface LeakedSecret {
  /** The file, as the path given joined with its path inside the walked directory. */
  path: string;
  line: number;
  column: number;
  /** Safe to print: `kw_abcd********wxyz`. */
  masked_secret: string;
  /**
   * The raw secret, for the caller to hash and look up its key; never print it. Not enumerable, so
   * `JSON.stringify`, spreading and `console.log` leave it out.
   */
  readonly secret: string;
}

export interface ScanProgress {
  path: string;
  filesScanned: number;
  secretsFound: number;
}

export interface ScanOptions {
  /** Files larger than this are skipped (default 5 MiB). */
  maxFileBytes?: number;
  /** Called after each file scanned. */
  onProgress?: (progress: ScanProgress) => void;
  /** Called for each path left out, with the reason. */
  onSkip?: (skipped: SkippedPath) => void;
}

export interface ScanReport {
  findings: LeakedSecret[];
  filesScanned: number;
  skipped: SkipCounts;
}

function leakedSecret(path: string, { line, column, secret }: SecretInText): LeakedSecret {
  const row = { path, line, column, masked_secret: maskSecret(secret) };
  Object.defineProperty(row, 'secret', { value: secret, enumerable: false });
  return row as LeakedSecret;
}

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

function pathError(path: string, error: unknown): ScanPathError {
  const code = codeOf(error);
  return new ScanPathError(path, code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable', code);
}

/**
 * Fails before any scanning when a path given does not exist or is a directory that cannot be listed,
 * so nothing is half-reported.
 */
async function assertPathsUsable(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const info = await stat(path).catch((error: unknown) => {
      throw pathError(path, error);
    });
    if (info.isDirectory()) {
      await opendir(path).then(
        (dir) => dir.close(),
        (error: unknown) => {
          throw pathError(path, error);
        },
      );
    }
  }
}

/** A directory's files, walked; any other path is scanned as a file (and skipped if it is none). */
async function filesOf(path: string, onSkip: (skipped: SkippedPath) => void): Promise<{ files: AsyncIterable<string> | string[]; given: boolean }> {
  try {
    return (await stat(path)).isDirectory() ? { files: walkFiles(path, onSkip), given: false } : { files: [path], given: true };
  } catch (error) {
    throw pathError(path, error);
  }
}

/**
 * `keyward scan PATH...`: finds keyward secrets in the files under the given paths. A file named
 * directly is read even if a `.gitignore` would leave it out (size and binary checks still apply);
 * a symbolic link named directly is followed, links met while walking are not. A file reached twice
 * (say `scan . src`) is scanned once. A path given that does not exist, a directory given that cannot
 * be listed, or a file given that cannot be read fails the scan with a ScanPathError; inside a walked
 * directory the same problems are skip reasons.
 */
export async function scanPaths(paths: readonly string[], options: ScanOptions = {}): Promise<ScanReport> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const report: ScanReport = { findings: [], filesScanned: 0, skipped: emptySkipCounts() };
  const onSkip = (skipped: SkippedPath): void => {
    report.skipped[skipped.reason]++;
    options.onSkip?.(skipped);
  };
  await assertPathsUsable(paths);
  const seen = new Set<string>();
  for (const path of paths) {
    const { files, given } = await filesOf(path, onSkip);
    for await (const file of files) {
      const absolute = resolve(file);
      if (seen.has(absolute)) continue;
      seen.add(absolute);
      const result = await scanFile(file, maxFileBytes);
      if (!result.scanned && given && result.reason === 'unreadable') throw new ScanPathError(file, 'unreadable', result.code);
      if (!result.scanned) {
        onSkip({ path: file, reason: result.reason });
        continue;
      }
      report.filesScanned++;
      report.findings.push(...result.secrets.map((found) => leakedSecret(file, found)));
      options.onProgress?.({ path: file, filesScanned: report.filesScanned, secretsFound: report.findings.length });
    }
  }
  return report;
}

import { readFile, stat } from 'node:fs/promises';
import { findSecretsInText } from './find-secrets-in-text.js';
import type { SecretInText } from './find-secrets-in-text.js';
import { looksBinary } from './looks-binary.js';
import type { SkipReason } from './skip-reasons.js';

/** A file scanned, or why not; when unreadable, the system's error code (`EACCES`, `EIO`) if any. */
export type FileScan = { scanned: true; secrets: SecretInText[] } | { scanned: false; reason: SkipReason; code?: string };

/**
 * Scans one file: skipped when it is not a regular file, larger than `maxFileBytes` (checked before
 * reading, and again after, in case it grew), binary (a NUL byte in its first 8 KiB) or unreadable.
 */
export async function scanFile(path: string, maxFileBytes: number): Promise<FileScan> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { scanned: false, reason: 'not-a-file' };
    if (info.size > maxFileBytes) return { scanned: false, reason: 'too-large' };
    const content = await readFile(path);
    if (content.length > maxFileBytes) return { scanned: false, reason: 'too-large' };
    if (looksBinary(content)) return { scanned: false, reason: 'binary' };
    return { scanned: true, secrets: findSecretsInText(content.toString('utf8')) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === undefined ? { scanned: false, reason: 'unreadable' } : { scanned: false, reason: 'unreadable', code };
  }
}

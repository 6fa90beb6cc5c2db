/**
 * A path named on the command line that cannot be scanned: it does not exist, or it cannot be read.
 * Unlike a file met while walking a directory (skipped, with a reason), this fails the whole scan:
 * `keyward scan` exits 2, as for a usage error, so a typo is never mistaken for a clean tree.
 */
export class ScanPathError extends Error {
  constructor(
    readonly path: string,
    readonly problem: 'missing' | 'unreadable',
    /** The system's error code (`ENOENT`, `EACCES`, `EIO`), when there is one. */
    readonly code?: string,
  ) {
    super(problem === 'missing' ? `File or directory "${path}" not found` : `File or directory "${path}" cannot be read${code ? ` (${code})` : ''}`);
    this.name = 'ScanPathError';
  }
}

/** Why a path was not scanned. */
export const SKIP_REASONS = ['ignored', 'binary', 'too-large', 'symlink', 'not-a-file', 'unreadable'] as const;

export type SkipReason = (typeof SKIP_REASONS)[number];

export type SkipCounts = Record<SkipReason, number>;

export function emptySkipCounts(): SkipCounts {
  return { ignored: 0, binary: 0, 'too-large': 0, symlink: 0, 'not-a-file': 0, unreadable: 0 };
}

export interface SkippedPath {
  path: string;
  reason: SkipReason;
}

import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EMPTY_GITIGNORE_STACK, enterDirectory, isIgnored } from './gitignore-stack.js';
import type { GitignoreStack } from './gitignore-stack.js';
import type { SkippedPath } from './skip-reasons.js';

/** Never walked, whatever the `.gitignore` files say. */
export const ALWAYS_SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set(['.git', 'node_modules']);

function byName(a: Dirent, b: Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Yields the regular files under `root` (paths joined onto `root` as given), in name order.
 * Honours every `.gitignore` found in the walked tree, nested ones included; never enters `.git`
 * or `node_modules`; follows no symbolic link (a link inside the tree points at something walked
 * anyway or at something outside it). Everything left out is reported through `onSkip`.
 */
export async function* walkFiles(root: string, onSkip: (skipped: SkippedPath) => void): AsyncGenerator<string> {
  yield* walkDirectory(root, EMPTY_GITIGNORE_STACK, onSkip);
}

async function* walkDirectory(
  directory: string,
  parentRules: GitignoreStack,
  onSkip: (skipped: SkippedPath) => void,
): AsyncGenerator<string> {
  let entries: Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch {
    onSkip({ path: directory, reason: 'unreadable' });
    return;
  }
  const rules = await enterDirectory(parentRules, directory);
  for (const entry of entries.sort(byName)) {
    const path = join(directory, entry.name);
    if (entry.isSymbolicLink()) {
      onSkip({ path, reason: 'symlink' });
    } else if (entry.isDirectory()) {
      if (ALWAYS_SKIPPED_DIRECTORIES.has(entry.name) || isIgnored(rules, path, true)) onSkip({ path, reason: 'ignored' });
      else yield* walkDirectory(path, rules, onSkip);
    } else if (!entry.isFile()) {
      onSkip({ path, reason: 'not-a-file' }); // sockets, FIFOs, devices: reading one could block
    } else if (isIgnored(rules, path, false)) {
      onSkip({ path, reason: 'ignored' });
    } else {
      yield path;
    }
  }
}

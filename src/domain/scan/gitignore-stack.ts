import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import ignore from 'ignore';
import type { Ignore } from 'ignore';

interface GitignoreLayer {
  /** The directory holding the `.gitignore`: its patterns are relative to it. */
  directory: string;
  rules: Ignore;
}

/** The `.gitignore` files from the walk's root down to the current directory, outermost first. */
export type GitignoreStack = readonly GitignoreLayer[];

export const EMPTY_GITIGNORE_STACK: GitignoreStack = [];

/** The stack for `directory`: its parent's, plus the directory's own `.gitignore` if it has one. */
export async function enterDirectory(stack: GitignoreStack, directory: string): Promise<GitignoreStack> {
  let patterns: string;
  try {
    patterns = await readFile(join(directory, '.gitignore'), 'utf8');
  } catch {
    return stack; // none, or unreadable: nothing to add
  }
  return [...stack, { directory, rules: ignore().add(patterns) }];
}

function gitPath(directory: string, path: string, isDirectory: boolean): string {
  const rel = relative(directory, path).split(sep).join('/');
  return isDirectory ? `${rel}/` : rel;
}

/**
 * Git's precedence: the deepest `.gitignore` with a matching pattern decides (so a nested `!keep.txt`
 * re-includes a file an outer `*.txt` ignored); within one file the last matching pattern wins.
 * Callers do not descend into ignored directories, so a file under one is never asked about.
 */
export function isIgnored(stack: GitignoreStack, path: string, isDirectory: boolean): boolean {
  for (let i = stack.length - 1; i >= 0; i--) {
    const layer = stack[i] as GitignoreLayer;
    let verdict: { ignored: boolean; unignored: boolean };
    try {
      verdict = layer.rules.test(gitPath(layer.directory, path, isDirectory));
    } catch {
      continue; // a name `ignore` cannot express as a relative path: no pattern can match it
    }
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

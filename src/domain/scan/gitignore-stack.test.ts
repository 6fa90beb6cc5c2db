import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_GITIGNORE_STACK, enterDirectory, isIgnored } from './gitignore-stack.js';
import type { GitignoreStack } from './gitignore-stack.js';

let root: string;
let rootRules: GitignoreStack;
let subRules: GitignoreStack;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'keyward-gitignore-'));
  await mkdir(join(root, 'sub', 'plain'), { recursive: true });
  await writeFile(join(root, '.gitignore'), '*.secret\n/top-only.txt\nout/\n# a comment\n');
  await writeFile(join(root, 'sub', '.gitignore'), '!public.secret\n/anchored.txt\n');
  rootRules = await enterDirectory(EMPTY_GITIGNORE_STACK, root);
  subRules = await enterDirectory(rootRules, join(root, 'sub'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('gitignore stack', () => {
  it('adds a layer only for a directory that has a .gitignore', async () => {
    expect(rootRules).toHaveLength(1);
    expect(subRules).toHaveLength(2);
    expect(await enterDirectory(subRules, join(root, 'sub', 'plain'))).toBe(subRules);
  });

  it('matches patterns relative to the directory of their .gitignore', () => {
    expect(isIgnored(rootRules, join(root, 'top-only.txt'), false)).toBe(true);
    expect(isIgnored(subRules, join(root, 'sub', 'top-only.txt'), false)).toBe(false);
    expect(isIgnored(subRules, join(root, 'sub', 'anchored.txt'), false)).toBe(true);
    expect(isIgnored(subRules, join(root, 'sub', 'plain', 'anchored.txt'), false)).toBe(false);
  });

  it('applies outer patterns at any depth, and lets a deeper negation win', () => {
    expect(isIgnored(subRules, join(root, 'sub', 'plain', 'db.secret'), false)).toBe(true);
    expect(isIgnored(subRules, join(root, 'sub', 'public.secret'), false)).toBe(false);
    expect(isIgnored(rootRules, join(root, 'public.secret'), false)).toBe(true);
  });

  it('matches directory-only patterns against directories, not files', () => {
    expect(isIgnored(rootRules, join(root, 'out'), true)).toBe(true);
    expect(isIgnored(rootRules, join(root, 'out'), false)).toBe(false);
  });

  it('ignores nothing without rules', () => {
    expect(isIgnored(EMPTY_GITIGNORE_STACK, join(root, 'x.secret'), false)).toBe(false);
  });
});

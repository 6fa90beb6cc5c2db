import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret, maskSecret } from '../secrets.js';
import { DEFAULT_MAX_FILE_BYTES, scanPaths } from './scan-paths.js';
import type { LeakedSecret } from './scan-paths.js';
import { ScanPathError } from './scan-path-error.js';
import type { SkippedPath } from './skip-reasons.js';

let base: string;
let root: string;
const secrets = {
  config: generateSecret(),
  notes: generateSecret(),
  ignoredFile: generateSecret(),
  ignoredByGlob: generateSecret(),
  ignoredDirectory: generateSecret(),
  binary: generateSecret(),
  huge: generateSecret(),
  nodeModules: generateSecret(),
  git: generateSecret(),
  reincluded: generateSecret(),
  nestedIgnored: generateSecret(),
  deeperIgnored: generateSecret(),
  outside: generateSecret(),
};
const lookAlike = ((s) => s.slice(0, -1) + (s.at(-1) === 'a' ? 'b' : 'a'))(generateSecret());

async function putIn(directory: string, path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(join(directory, path)), { recursive: true });
  await writeFile(join(directory, path), content);
}

const put = (path: string, content: string | Uint8Array) => putIn(root, path, content);

const row = (finding: LeakedSecret) => ({ path: finding.path, line: finding.line, column: finding.column, masked_secret: finding.masked_secret });

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'keyward-scan-'));
  root = join(base, 'repo');
  await put('.gitignore', 'ignored.env\nbuild/\n*.log\n');
  await put('config.env', `KEYWARD_API_SECRET=${secrets.config}\n`);
  await put('notes.md', `# notes\n  see ${secrets.notes} and ${lookAlike}\n`);
  await put('ignored.env', secrets.ignoredFile);
  await put('app.log', secrets.ignoredByGlob);
  await put('build/out.js', secrets.ignoredDirectory);
  await put('image.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00]), Buffer.from(` ${secrets.binary} `)]));
  await put('huge.txt', `${secrets.huge}\n`.padEnd(DEFAULT_MAX_FILE_BYTES + 1, 'x'));
  await put('node_modules/pkg/index.js', secrets.nodeModules);
  await put('.git/config', secrets.git);
  await put('sub/.gitignore', '!keep.log\nlocal.txt\n');
  await put('sub/keep.log', `\n\n${secrets.reincluded}`);
  await put('sub/local.txt', secrets.nestedIgnored);
  await put('sub/deeper/local.txt', secrets.deeperIgnored);
  await mkdir(join(base, 'outside'));
  await writeFile(join(base, 'outside', 'secret.txt'), secrets.outside);
  await symlink(join(base, 'outside'), join(root, 'link-to-outside-dir'));
  await symlink(join(base, 'outside', 'secret.txt'), join(root, 'link-to-outside-file'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('scanPaths over a directory tree', () => {
  it('reports secrets with path, line, column and masked secret, only where they may be read', async () => {
    const report = await scanPaths([root]);
    expect(report.findings.map(row)).toEqual([
      { path: join(root, 'config.env'), line: 1, column: 20, masked_secret: maskSecret(secrets.config) },
      { path: join(root, 'notes.md'), line: 2, column: 7, masked_secret: maskSecret(secrets.notes) },
      { path: join(root, 'sub', 'keep.log'), line: 3, column: 1, masked_secret: maskSecret(secrets.reincluded) },
    ]);
    expect(report.findings.map((f) => f.secret)).toEqual([secrets.config, secrets.notes, secrets.reincluded]);
  });

  it('counts what it scanned and what it skipped, and why', async () => {
    const skipped: SkippedPath[] = [];
    const report = await scanPaths([root], { onSkip: (s) => skipped.push(s) });
    // .gitignore, config.env, notes.md, sub/.gitignore, sub/keep.log
    expect(report.filesScanned).toBe(5);
    expect(report.skipped).toEqual({ ignored: 7, binary: 1, 'too-large': 1, symlink: 2, 'not-a-file': 0, unreadable: 0 });
    const reasons = Object.fromEntries(skipped.map((s) => [s.path.slice(root.length + 1), s.reason]));
    expect(reasons).toEqual({
      '.git': 'ignored',
      'app.log': 'ignored',
      build: 'ignored',
      'huge.txt': 'too-large',
      'ignored.env': 'ignored',
      'image.png': 'binary',
      'link-to-outside-dir': 'symlink',
      'link-to-outside-file': 'symlink',
      node_modules: 'ignored',
      'sub/deeper/local.txt': 'ignored',
      'sub/local.txt': 'ignored',
    });
  });

  it('reports progress after each scanned file', async () => {
    const progress: Array<{ path: string; filesScanned: number; secretsFound: number }> = [];
    await scanPaths([root], { onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => p.filesScanned)).toEqual([1, 2, 3, 4, 5]);
    expect(progress.at(-1)).toEqual({ path: join(root, 'sub', 'keep.log'), filesScanned: 5, secretsFound: 3 });
  });

  it('scans a file reached twice only once', async () => {
    const report = await scanPaths([root, join(root, 'config.env')]);
    expect(report.findings.filter((f) => f.secret === secrets.config)).toHaveLength(1);
  });
});

describe('scanPaths over single files', () => {
  it('reads a file named directly even when a .gitignore would leave it out', async () => {
    const report = await scanPaths([join(root, 'ignored.env'), join(root, 'sub', 'local.txt')]);
    expect(report.findings.map((f) => f.secret)).toEqual([secrets.ignoredFile, secrets.nestedIgnored]);
    expect(report.filesScanned).toBe(2);
  });

  it('still skips a binary or oversized file named directly', async () => {
    const report = await scanPaths([join(root, 'image.png'), join(root, 'huge.txt')]);
    expect(report.findings).toEqual([]);
    expect(report.skipped).toMatchObject({ binary: 1, 'too-large': 1 });
  });

  it('scans a file of exactly maxFileBytes and skips one a byte larger', async () => {
    const secret = generateSecret();
    const cap = join(base, 'cap');
    await putIn(cap, 'exact.txt', secret.padEnd(100, ' '));
    await putIn(cap, 'over.txt', secret.padEnd(101, ' '));
    const report = await scanPaths([cap], { maxFileBytes: 100 });
    expect(report.findings.map((f) => f.path)).toEqual([join(cap, 'exact.txt')]);
    expect(report.skipped['too-large']).toBe(1);
  });

  it('treats a NUL within the first 8 KiB as binary, and one after it as text', async () => {
    const secret = generateSecret();
    const withNulAt = (offset: number) => Buffer.concat([Buffer.alloc(offset, 0x20), Buffer.from([0]), Buffer.from(`\n${secret}\n`)]);
    const nul = join(base, 'nul');
    await putIn(nul, 'at-8191.txt', withNulAt(8191));
    await putIn(nul, 'at-8192.txt', withNulAt(8192));
    const report = await scanPaths([nul]);
    expect(report.findings.map((f) => [f.path, f.line])).toEqual([[join(nul, 'at-8192.txt'), 2]]);
    expect(report.skipped.binary).toBe(1);
  });

  it('follows a symbolic link named directly', async () => {
    const report = await scanPaths([join(root, 'link-to-outside-file')]);
    expect(report.findings.map((f) => f.secret)).toEqual([secrets.outside]);
  });

  it('fails, naming the path, when a path does not exist', async () => {
    const missing = join(root, 'no-such-file');
    const error = await scanPaths([join(root, 'config.env'), missing]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScanPathError);
    expect(error).toMatchObject({ path: missing, problem: 'missing', code: 'ENOENT' });
    expect((error as Error).message).toBe(`File or directory "${missing}" not found`);
  });

  it('fails, naming the path, when a path under a file is given', async () => {
    const under = join(root, 'config.env', 'x');
    await expect(scanPaths([under])).rejects.toMatchObject({ path: under, problem: 'missing', code: 'ENOTDIR' });
  });

  // /proc/self/mem is a regular file that even root cannot read from offset 0 (EIO)
  it.skipIf(process.platform !== 'linux')('fails, naming the file, when a file given cannot be read', async () => {
    const error = await scanPaths(['/proc/self/mem']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScanPathError);
    expect(error).toMatchObject({ path: '/proc/self/mem', problem: 'unreadable' });
    expect((error as Error).message).toMatch(/^File or directory "\/proc\/self\/mem" cannot be read \(E[A-Z]+\)$/);
  });
});

describe('scan results', () => {
  it('keep the raw secret out of JSON, spreads and inspection', async () => {
    const [finding] = (await scanPaths([join(root, 'config.env')])).findings;
    expect(finding?.secret).toBe(secrets.config);
    expect(JSON.stringify(finding)).not.toContain(secrets.config);
    expect(JSON.stringify({ ...finding })).not.toContain(secrets.config);
    expect(Object.keys(finding ?? {})).toEqual(['path', 'line', 'column', 'masked_secret']);
    expect(finding?.masked_secret).not.toContain(secrets.config.slice(7, 60));
  });
});

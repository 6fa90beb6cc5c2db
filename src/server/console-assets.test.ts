import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConsoleDirectory, loadConsoleBuild } from './console-assets.js';

const made: string[] = [];
afterEach(() => {
  for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function build(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'keyward-console-'));
  made.push(directory);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(directory, name, '..'), { recursive: true });
    writeFileSync(join(directory, name), text);
  }
  return directory;
}

describe('loadConsoleBuild', () => {
  it('reads every file of the build with its type, a content ETag and whether it may be cached for good', () => {
    const loaded = loadConsoleBuild(build({ 'index.html': '<!doctype html>', 'assets/index-abc.js': 'export {}', 'assets/index-abc.css': 'body{}' }));
    expect(loaded).toBeDefined();
    expect([...loaded!.files.keys()].sort()).toEqual(['assets/index-abc.css', 'assets/index-abc.js', 'index.html']);
    expect(loaded!.index.contentType).toBe('text/html; charset=utf-8');
    expect(loaded!.index.immutable).toBe(false);
    const script = loaded!.files.get('assets/index-abc.js')!;
    expect(script).toMatchObject({ contentType: 'text/javascript; charset=utf-8', immutable: true });
    expect(script.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(loaded!.files.get('assets/index-abc.css')!.etag).not.toBe(script.etag);
  });

  it('answers undefined for a directory without index.html (the console is not built)', () => {
    expect(loadConsoleBuild(build({ 'assets/x.js': '' }))).toBeUndefined();
    expect(loadConsoleBuild(join(tmpdir(), 'keyward-no-such-console'))).toBeUndefined();
  });

  it('finds the build under the package root, wherever the server runs from', () => {
    expect(defaultConsoleDirectory()).toBe(join(process.cwd(), 'dist', 'console'));
  });
});

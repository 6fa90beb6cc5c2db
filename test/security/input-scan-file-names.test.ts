import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { generateSecret } from '../../src/domain/secrets.js';

/**
 * A file name is attacker-controlled text: `keyward scan` of a checked-out repository must not let
 * one clear the screen, retitle the terminal or forge extra result lines.
 */
describe('keyward scan prints hostile file names escaped', () => {
  let dir: string;
  let home: string;
  const name = 'evil\x1b[2J\x1b]0;owned\x07\nFAKE\tline.env';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'keyward-scan-names-'));
    home = mkdtempSync(join(tmpdir(), 'keyward-home-'));
    writeFileSync(join(dir, name), `KEYWARD_API_SECRET=${generateSecret()}\n`);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  it('escapes control characters and ANSI sequences in human output', async () => {
    const result = await runCli(['scan', dir, '--wide'], { KEYWARD_HOME: home });
    expect(result.code).toBe(1);
    // eslint-disable-next-line no-control-regex
    expect(result.stdout + result.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(result.stdout).toContain('evil\\x1b[2J\\x1b]0;owned\\x07\\nFAKE\\tline.env');
    expect(result.stdout.split('\n').some((line) => line.startsWith('FAKE'))).toBe(false);
  });

  it('keeps the exact name in JSON output', async () => {
    const result = await runCli(['scan', dir, '-o', 'json'], { KEYWARD_HOME: home });
    expect(result.code).toBe(1);
    const rows = JSON.parse(result.stdout) as Array<{ path: string }>;
    expect(rows.map((r) => r.path)).toEqual([join(dir, name)]);
  });
});

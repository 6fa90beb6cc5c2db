import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { ShellCompletion, type Shell } from '../helpers/shell-completion.js';

const NOUNS = ['api-key', 'audit-log', 'context', 'environment', 'iam', 'kafka', 'login', 'scan', 'completion'];
const API_KEY_VERBS = ['create', 'list', 'describe', 'update', 'delete', 'rotate', 'usage', 'disable', 'enable'];
const API_KEY_LIST_FLAGS = ['--service-account', '--current-user', '--resource', '--environment', '--status', '--output'];
const CLOUDS = ['aws', 'gcp', 'azure', 'self-managed'];

describe('keyward completion bash|zsh|fish, loaded into the real shells', () => {
  let home: string;
  let shells: ShellCompletion;

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'keyward-completion-home-'));
    shells = new ShellCompletion({ KEYWARD_HOME: home });
  });
  afterAll(() => {
    shells?.cleanup();
    rmSync(home, { recursive: true, force: true });
  });

  it('refuses an unknown shell with exit 2, naming bash, zsh and fish', async () => {
    const out = await runCli(['completion', 'tcsh'], { KEYWARD_HOME: home });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("'tcsh'");
    expect(out.stderr).toContain('bash, zsh, fish');
    expect(out.stdout).toBe('');
  });

  it('asks the server for ids with `keyward __complete`, which prints nothing when it cannot answer', async () => {
    const unreachable = { KEYWARD_HOME: home, KEYWARD_URL: 'http://127.0.0.1:9', KEYWARD_API_KEY: 'AAAAAAAAAAAAAAAA', KEYWARD_API_SECRET: 'kw_x' };
    for (const kind of ['environment', 'no-such-kind']) {
      expect(await runCli(['__complete', kind], unreachable)).toEqual({ code: 0, stdout: '', stderr: '' });
    }
    expect(await shells.bash('keyward api-key describe ')).toEqual([]);
  });

  it('is not listed in --help, where every command shows examples', async () => {
    const help = await runCli(['--help'], { KEYWARD_HOME: home });
    expect(help.stdout).toContain('completion');
    expect(help.stdout).not.toContain('__complete');
    const completionHelp = await runCli(['completion', '--help'], { KEYWARD_HOME: home });
    expect(completionHelp.stdout).toContain('Examples:\n  # Complete keyward commands in this bash\n  source <(keyward completion bash)');
  });

  for (const shell of ['bash', 'zsh', 'fish'] as Shell[]) {
    describe(shell, () => {
      it('completes the nouns', async () => {
        const words = await shells.complete(shell, 'keyward ');
        expect(words).toEqual(expect.arrayContaining(NOUNS));
        expect(words).not.toContain('__complete');
      });

      it('completes the verbs of api-key, and only those starting with what is typed', async () => {
        expect(await shells.complete(shell, 'keyward api-key ')).toEqual(expect.arrayContaining(API_KEY_VERBS));
        expect((await shells.complete(shell, 'keyward api-key d')).sort()).toEqual(['delete', 'describe', 'disable']);
      });

      it('completes the flags of api-key list', async () => {
        const flags = await shells.complete(shell, 'keyward api-key list --');
        expect(flags).toEqual(expect.arrayContaining(API_KEY_LIST_FLAGS));
        expect(flags).not.toContain('--cloud');
      });

      it('completes the values of kafka cluster create --cloud, also after other words', async () => {
        expect((await shells.complete(shell, 'keyward kafka cluster create orders --cloud ')).sort()).toEqual([...CLOUDS].sort());
        expect((await shells.complete(shell, 'keyward kafka cluster create orders --region us-east-1 --cloud a')).sort()).toEqual(['aws', 'azure']);
      });

      it('completes the values of api-key list --status and the shells of completion', async () => {
        expect((await shells.complete(shell, 'keyward api-key list --status ')).sort()).toEqual(['active', 'disabled', 'expired']);
        expect((await shells.complete(shell, 'keyward completion ')).sort()).toEqual(['bash', 'fish', 'zsh']);
      });
    });
  }
});

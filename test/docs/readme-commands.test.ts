/**
 * The docs test: README.md's quick start, seed workflow and best-practices sections, run as a person
 * would paste them into a shell, so that they cannot rot. The commands come from the README itself
 * (the ```sh blocks under those headings), in order, against one real server:
 *
 * - `npm ci` and `npm test` are skipped (installing and the whole suite are what CI itself runs);
 *   `npm start` starts the built server (`server start`) on a free port (`--port 0`) with its
 *   store in this test's working directory (`--data-dir ./keyward-data`, the default `npm start`
 *   uses) and its CLI context saved in a private KEYWARD_HOME;
 * - `keyward …` and `npx keyward …` (after any `NAME=value` environment settings) run the built
 *   binary (dist/src/cli/main.js) through `sh -c`, with the saved context, as a shell would;
 * - a `delete` without `--force` asks first on a terminal: it runs on a pseudo-terminal (`script`)
 *   and is answered `y`;
 * - the README's example ids are replaced by the real ones through PLACEHOLDERS below, each naming
 *   the object by what the README gives it (a name, a description); an id-like word that is not
 *   in the table fails the test, as does any other command;
 * - every command must exit 0, except where the README documents otherwise: a command followed by
 *   an `Error:` text block fails with exactly that message (exit 1), and `advisor --fail-on LEVEL`
 *   exits 1 exactly when a finding at or above LEVEL exists;
 * - a trailing `# [{"field",…}]` comment is the output's documented shape.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, startServerProcess, type CliResult, type ServerProcess } from '../helpers/cli.js';
import { documentedShape, sectionCommands, withoutComment, type ReadmeCommand } from './readme-sections.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const SECTIONS = ['Quick start', 'The seed workflow', 'Best practices'] as const;
type Section = (typeof SECTIONS)[number];

/** Looks objects up through the CLI's JSON output (the server the README's commands talk to). */
type Lookup = (args: string[]) => Promise<unknown>;
type Resolver = (lookup: Lookup, resolved: (placeholder: string) => Promise<string>) => Promise<string>;

interface Named {
  id: string;
  name: string;
}
interface ListedKey {
  key: string;
  description: string;
}

function only<T>(what: string, items: T[]): T {
  if (items.length !== 1) throw new Error(`expected exactly one ${what}, found ${items.length}`);
  return items[0] as T;
}
const byName = (args: string[], name: string): Resolver => async (lookup) => only(`"${name}"`, ((await lookup(args)) as Named[]).filter((x) => x.name === name)).id;
const keyOf = (account: string, description: string): Resolver => async (lookup, resolved) =>
  only(`key "${description}"`, ((await lookup(['api-key', 'list', '--service-account', await resolved(account)])) as ListedKey[]).filter((k) => k.description === description)).key;

/** The README's example ids, per section, and the object each one stands for. Resolved at first use. */
const PLACEHOLDERS: Record<Section, Record<string, Resolver>> = {
  'Quick start': {},
  'The seed workflow': {
    'lkc-xxxxxx': byName(['kafka', 'cluster', 'list'], 'psd-basic-azure'),
    'sa-xxxxxx': byName(['iam', 'service-account', 'list'], 'app1-service-account'),
    OLDKEYXXXXXXXXXX: keyOf('sa-xxxxxx', 'Kafka API key - existing'),
  },
  'Best practices': {
    'env-x1y2z3': byName(['environment', 'list'], 'prod'),
    'lkc-7kj9o2': byName(['kafka', 'cluster', 'list'], 'orders'),
    'sa-abc123': byName(['iam', 'service-account', 'list'], 'orders-app'),
    'sa-def456': byName(['iam', 'service-account', 'list'], 'app2-service-account'),
    // first used before the rotation, when "orders producer" is still one key
    W75GXRQGUM2BKJOV: keyOf('sa-abc123', 'orders producer'),
    TSEGMKWIATNPQ6UY: async (lookup, resolved) => {
      const replacedBy = ((await lookup(['api-key', 'describe', await resolved('W75GXRQGUM2BKJOV')])) as { replaced_by: string | null }).replaced_by;
      if (!replacedBy) throw new Error('W75GXRQGUM2BKJOV has not been rotated yet');
      return replacedBy;
    },
    'rb-abc123': async (lookup, resolved) =>
      only('role binding', (await lookup(['iam', 'rbac', 'role-binding', 'list', '--principal', `User:${await resolved('sa-abc123')}`])) as Named[]).id,
  },
};

/** Words that look like keyward ids: every one in a README command must be a placeholder. */
const ID_LIKE = /\b(?:env|lkc|lsrc|sa|u|rb)-[a-z0-9]+\b|\b[A-Z0-9]{16}\b/g;
const SEVERITIES = ['low', 'medium', 'high'];

function run(file: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, input?: string): Promise<CliResult> {
  return new Promise((resolveRun) => {
    const child = execFile(file, args, { env, cwd, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0;
      resolveRun({ code, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

describe('README.md: the quick start, seed workflow and best practices run as written', () => {
  let root: string;
  let work: string;
  let home: string;
  let bin: string;
  let server: ServerProcess | undefined;
  const skipped: string[] = [];

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'keyward-readme-'));
    work = join(root, 'work');
    home = join(root, 'home');
    bin = join(root, 'bin');
    for (const dir of [work, home, bin]) mkdirSync(dir);
    writeFileSync(join(bin, 'keyward'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(join(bin, 'keyward'), 0o755);
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('runs every command of the three sections through the real binary', async () => {
    const env = (): NodeJS.ProcessEnv => ({ PATH: `${bin}:${process.env.PATH}`, HOME: home, KEYWARD_HOME: home, SHELL: '/bin/sh' });
    const lookup: Lookup = async (args) => {
      const r = await runCli([...args, '-o', 'json'], env());
      if (r.code !== 0) throw new Error(`lookup keyward ${args.join(' ')} failed: ${r.stderr}`);
      return JSON.parse(r.stdout);
    };

    for (const section of SECTIONS) {
      const table = PLACEHOLDERS[section];
      const cache = new Map<string, string>();
      const resolved = async (placeholder: string): Promise<string> => {
        const known = cache.get(placeholder);
        if (known) return known;
        const resolver = table[placeholder];
        if (!resolver) throw new Error(`${section}: the README uses "${placeholder}", which PLACEHOLDERS does not map`);
        const id = await resolver(lookup, resolved);
        cache.set(placeholder, id);
        return id;
      };
      const substitute = async (text: string): Promise<string> => {
        let out = text;
        for (const word of new Set(text.match(ID_LIKE) ?? [])) out = out.replaceAll(word, await resolved(word));
        return out;
      };

      let last: CliResult | undefined;
      for (const command of sectionCommands(README, section)) {
        for (const part of withoutComment(command.line).split('&&').map((p) => p.trim())) {
          const where = `${section}: ${command.line}`;
          if (part === 'npm ci' || part === 'npm test') {
            skipped.push(part);
            continue;
          }
          if (part === 'npm start') {
            expect(server, `${where}: npm start runs once`).toBeUndefined();
            server = await startServerProcess(['--data-dir', join(work, 'keyward-data')], { HOME: home }, { home });
            checkQuickStart(server, home);
            continue;
          }
          const shell = /^((?:[A-Z_][A-Z0-9_]*=\S* )*)(?:npx )?keyward( .*)?$/.exec(part);
          if (!shell) throw new Error(`${where}: no way to run "${part}" (only keyward, npx keyward and npm ci/start/test are mapped)`);
          expect(server, `${where}: needs the server of npm start`).toBeDefined();
          const line = await substitute(`${shell[1] ?? ''}keyward${shell[2] ?? ''}`);
          const onTerminal = /\bdelete\b/.test(line) && !/--force\b/.test(line);
          const result = onTerminal ? await run('script', ['-qec', line, '/dev/null'], env(), work, 'y\n') : await run('sh', ['-c', line], env(), work);
          await expectDocumentedOutcome(where, command, line, result, await substitute(command.refusal ?? ''), lookup);
          if (onTerminal) expect(result.stdout, `${where}: asks first`).toMatch(/\? \[y\/N\]/);
          last = result;
        }
      }
      if (section === 'The seed workflow') {
        // step 6: only the new key is left
        const left = JSON.parse(last?.stdout ?? '[]') as ListedKey[];
        expect(left.map((k) => k.description)).toEqual(['New Kafka API key']);
        expect(left[0]?.key).not.toBe(await resolved('OLDKEYXXXXXXXXXX'));
      }
    }
    expect(skipped.sort()).toEqual(['npm ci', 'npm test']);
  }, 120_000);
});

function checkQuickStart(server: ServerProcess, home: string): void {
  expect(server.key).toMatch(/^[A-Z0-9]{16}$/);
  expect(server.secret).toMatch(/^kw_/);
  expect(server.stderr()).toContain('admin@localhost');
  expect(server.stderr()).toContain('(default)');
  expect(server.stderr()).toContain('Save the API key and secret. The secret is not retrievable later.');
  expect(statSync(join(home, 'config.json')).mode & 0o777).toBe(0o600);
}

async function expectDocumentedOutcome(where: string, command: ReadmeCommand, line: string, result: CliResult, refusal: string, lookup: Lookup): Promise<void> {
  const detail = `${where}\n${result.stdout}${result.stderr}`;
  if (command.refusal !== undefined) {
    expect(result.code, detail).toBe(1);
    expect(result.stderr.replace(/\s+/g, ' ').trim(), where).toBe(refusal);
    return;
  }
  const failOn = /\badvisor --fail-on (low|medium|high)\b/.exec(line);
  if (failOn) {
    const findings = (await lookup(['advisor'])) as { severity: string }[];
    const atOrAbove = findings.some((f) => SEVERITIES.indexOf(f.severity) >= SEVERITIES.indexOf(failOn[1] as string));
    expect(result.code, detail).toBe(atOrAbove ? 1 : 0);
    return;
  }
  expect(result.code, detail).toBe(0);
  const shape = documentedShape(command.comment);
  if (!shape) return;
  const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
  expect(Array.isArray(rows), where).toBe(true);
  // the advisor may rightly find nothing in a store this young; every other documented list has rows here
  if (!/\badvisor\b/.test(line)) expect(rows.length, where).toBeGreaterThan(0);
  for (const row of rows) {
    if (shape.open) expect(Object.keys(row), where).toEqual(expect.arrayContaining(shape.fields));
    else expect(Object.keys(row).sort(), where).toEqual([...shape.fields].sort());
  }
}

import type { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../program.js';
import { ID_KINDS } from './ids.js';
import { completionSpec, idKindsOf, type CommandSpec } from './spec.js';
import { specLines } from './spec-lines.js';

describe('the completion spec, read from the command tree', () => {
  let specs: CommandSpec[];
  const at = (path: string) => specs.find((s) => s.path === path) as CommandSpec;
  const flag = (path: string, name: string) => at(path).flags.find((f) => f.names.includes(name));

  beforeAll(async () => {
    const program: Command = await buildProgram();
    specs = completionSpec(program);
  });

  it('has every visible command, and no hidden one', () => {
    expect(at('').subcommands.map((s) => s.name)).toEqual(expect.arrayContaining(['api-key', 'context', 'completion', 'version']));
    expect(specs.some((s) => s.path.includes('__complete'))).toBe(false);
    expect(at('api-key').subcommands.map((s) => s.name)).toContain('rotate');
  });

  it("takes enum values from the options' choices, and switches take none", () => {
    expect(flag('kafka cluster create', '--cloud')).toMatchObject({ takesValue: true, values: ['aws', 'gcp', 'azure', 'self-managed'] });
    expect(flag('api-key delete', '--force')).toMatchObject({ takesValue: false, values: [] });
    expect(at('completion').argument).toEqual(['bash', 'zsh', 'fish']);
  });

  it('asks for ids where an argument or flag names an object, and for files where a value is a file', () => {
    expect(at('api-key describe').argument).toEqual(['@api-key']);
    expect(at('environment create').argument).toEqual([]);
    expect(at('context use').argument).toEqual(['@context']);
    expect(flag('api-key list', '--service-account')?.values).toEqual(['@service-account']);
    expect(flag('api-key create', '--resource')?.values).toEqual(['@resource']);
    expect(flag('login', '--api-key')?.values).toEqual([]);
    expect(flag('server backup', '--out')?.values).toEqual(['@files']);
    expect(at('api-key list').argument).toBeNull();
  });

  it('asks only for kinds of id `keyward __complete` knows', () => {
    expect(idKindsOf(specs).filter((kind) => !(ID_KINDS as readonly string[]).includes(kind))).toEqual([]);
  });

  it('writes lines of four tab-separated fields, none but the values empty', () => {
    for (const spec of specs) {
      for (const line of specLines(spec)) {
        const fields = line.split('\t');
        expect(fields, line).toHaveLength(4);
        expect(fields.slice(0, 3).every((f) => f !== '' && !/\s{2}|\n/.test(f)), line).toBe(true);
      }
    }
  });
});

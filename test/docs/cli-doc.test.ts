import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REGENERATE, referenceProgram, renderCliReference } from '../../src/cli/reference.js';

const CLI_MD = resolve(import.meta.dirname, '../../docs/cli.md');

describe('docs/cli.md', () => {
  it('is what the command definitions generate', async () => {
    const generated = renderCliReference(await referenceProgram());
    const saved = readFileSync(CLI_MD, 'utf8');
    // compared line by line, so a failure shows the lines that drifted rather than one long string
    expect(saved.split('\n'), `docs/cli.md is out of date with the command definitions: run \`${REGENERATE}\` and commit docs/cli.md`).toEqual(generated.split('\n'));
  });

  it('documents every command with its flags, values and examples', async () => {
    const saved = readFileSync(CLI_MD, 'utf8');
    expect(saved).toContain('## keyward context use');
    expect(saved).toMatch(/\| `--cloud <cloud> \(required\)` \| [^\n]*values: `aws`, `gcp`, `azure`, `self-managed`/);
    expect(saved).toContain('keyward api-key list --service-account sa-a1b2c3');
  });
});

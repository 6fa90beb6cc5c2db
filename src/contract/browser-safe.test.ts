import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const NODE_BUILTINS = new Set(builtinModules);
/** `import … from '…'` and `export … from '…'` that load code (not `import type`). */
const LOADING_IMPORT = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

/** The specifiers of every package or built-in the module loads, with the file that loads it, following relative imports. */
function loadedSpecifiers(entry: string): Map<string, string> {
  const seen = new Set<string>();
  const found = new Map<string, string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(LOADING_IMPORT)) {
      if (specifier === undefined) continue;
      if (!specifier.startsWith('.')) {
        if (!found.has(specifier)) found.set(specifier, relative(root, file));
        continue;
      }
      const target = resolve(dirname(file), specifier).replace(/\.js$/, '.ts');
      if (!existsSync(target)) throw new Error(`${relative(root, file)} imports ${specifier}, which is not a .ts file`);
      visit(target);
    }
  };
  visit(entry);
  return found;
}

describe('the contract', () => {
  it('loads no Node built-in, so that the web console can bundle it', () => {
    const builtins = [...loadedSpecifiers(resolve(here, 'index.ts'))].filter(([specifier]) => specifier.startsWith('node:') || NODE_BUILTINS.has(specifier));
    expect(builtins.map(([specifier, file]) => `${specifier} (from ${file})`)).toEqual([]);
  });
});

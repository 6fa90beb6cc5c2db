import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderRolesTable } from '../../src/domain/authz/roles-doc.js';
import { ROLES } from '../../src/domain/authz/roles.js';

describe('docs/access-control.md', () => {
  const doc = readFileSync(new URL('../../docs/access-control.md', import.meta.url), 'utf8');

  it('holds the roles table exactly as the authorizer\'s table renders it (run npm run docs after changing roles)', () => {
    expect(doc).toContain(renderRolesTable());
  });

  it('names every role', () => {
    for (const role of ROLES) expect(doc).toContain(`| ${role.name} |`);
  });
});

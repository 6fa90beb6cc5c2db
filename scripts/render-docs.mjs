// Renders the generated parts of the docs from the built code: npm run docs.
//   docs/access-control.md: the roles table, between its markers
//   docs/cli.md: the whole command-line reference, from the command definitions
import { readFileSync, writeFileSync } from 'node:fs';
import { renderRolesTable, ROLES_TABLE_START, ROLES_TABLE_END } from '../dist/src/domain/authz/roles-doc.js';
import { referenceProgram, renderCliReference } from '../dist/src/cli/reference.js';

const path = new URL('../docs/access-control.md', import.meta.url);
const text = readFileSync(path, 'utf8');
const start = text.indexOf(ROLES_TABLE_START);
const end = text.indexOf(ROLES_TABLE_END);
if (start < 0 || end < 0) throw new Error('docs/access-control.md has no roles-table markers');
writeFileSync(path, text.slice(0, start) + renderRolesTable() + text.slice(end + ROLES_TABLE_END.length));
console.log('docs/access-control.md: roles table rendered');

writeFileSync(new URL('../docs/cli.md', import.meta.url), renderCliReference(await referenceProgram()));
console.log('docs/cli.md: command-line reference rendered');

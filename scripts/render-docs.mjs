// Renders the generated parts of the docs (the roles table) from the built code: npm run docs.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderRolesTable, ROLES_TABLE_START, ROLES_TABLE_END } from '../dist/src/domain/authz/roles-doc.js';

const path = new URL('../docs/access-control.md', import.meta.url);
const text = readFileSync(path, 'utf8');
const start = text.indexOf(ROLES_TABLE_START);
const end = text.indexOf(ROLES_TABLE_END);
if (start < 0 || end < 0) throw new Error('docs/access-control.md has no roles-table markers');
writeFileSync(path, text.slice(0, start) + renderRolesTable() + text.slice(end + ROLES_TABLE_END.length));
console.log('docs/access-control.md: roles table rendered');

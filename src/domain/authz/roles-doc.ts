import { KAFKA_OPERATIONS } from './acl.js';
import { BROKER_PERMISSIONS, MANAGEMENT_PERMISSIONS, ROLES, actionsGrantedBy, type RoleDefinition } from './roles.js';

export const ROLES_TABLE_START = '<!-- roles-table:start (generated from src/domain/authz/roles.ts by npm run docs) -->';
export const ROLES_TABLE_END = '<!-- roles-table:end -->';

function grants(role: RoleDefinition): string {
  const parts: string[] = [];
  const general = actionsGrantedBy(role);
  const management = general.filter((a) => (MANAGEMENT_PERMISSIONS as readonly string[]).includes(a));
  const data = general.filter((a) => (KAFKA_OPERATIONS as readonly string[]).includes(a));
  if (data.length === KAFKA_OPERATIONS.length) parts.push('all data operations');
  else if (data.length > 0) parts.push(data.map((a) => `\`${a}\``).join(' '));
  if (management.length === MANAGEMENT_PERMISSIONS.length) parts.push('every management permission');
  else if (management.length > 0) parts.push(management.map((a) => `\`${a}\``).join(' '));
  const broker = general.filter((a) => (BROKER_PERMISSIONS as readonly string[]).includes(a));
  if (broker.length > 0) parts.push(broker.map((a) => `\`${a}\``).join(' '));
  for (const type of role.resourceTypes ?? []) {
    const actions = actionsGrantedBy(role, type).filter((a) => !general.includes(a));
    const ops = actions.filter((a) => (KAFKA_OPERATIONS as readonly string[]).includes(a));
    const rest = actions.filter((a) => !ops.includes(a));
    const shown = [ops.length === KAFKA_OPERATIONS.length ? 'all data operations' : ops.map((a) => `\`${a}\``).join(' '), rest.map((a) => `\`${a}\``).join(' ')].filter(Boolean).join(', ');
    if (shown) parts.push(`on ${type}: ${shown}`);
  }
  return parts.join('; ');
}

/** The roles table of the docs, rendered from the one table the authorizer uses. */
export function renderRolesTable(): string {
  const lines = ['| role | scope | may | grants |', '|---|---|---|---|'];
  for (const role of ROLES) {
    const scope = role.scope === 'resource' ? `resource (${(role.resourceTypes ?? []).join(', ')})` : role.scope;
    lines.push(`| ${role.name} | ${scope} | ${role.description} | ${grants(role)} |`);
  }
  return [ROLES_TABLE_START, ...lines, ROLES_TABLE_END].join('\n');
}

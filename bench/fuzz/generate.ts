import { generateSecret } from '../../src/domain/secrets.js';
import type { Rng } from './prng.js';

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
};

export interface Operation {
  method: string;
  /** The OpenAPI path template, e.g. `/iam/v2/api-keys/{id}`. */
  path: string;
  pathParams: string[];
  query: Array<{ name: string; schema: Schema }>;
  body?: Schema;
  /** The media types the operation documents for its body. */
  consumes: string[];
}

/** Every path and method of the server's `/openapi.json`. */
export function operationsOf(document: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete', 'head', 'options'].includes(method)) continue;
      const parameters = (op.parameters ?? []) as Array<{ in: string; name: string; schema?: Schema }>;
      const content = (op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)?.content ?? {};
      const consumes = Object.keys(content);
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        body: consumes.length > 0 ? (content[consumes[0]!]?.schema ?? {}) : undefined,
        consumes,
      });
    }
  }
  return operations;
}

/** Real ids and credentials made before fuzzing, so that generated requests reach handlers. */
export interface Fodder {
  organization: string;
  environments: string[];
  kafkaClusters: string[];
  schemaRegistries: string[];
  serviceAccounts: string[];
  users: string[];
  apiKeys: Array<{ key: string; secret: string }>;
  roleBindings: string[];
}

const ROLES = ['OrganizationAdmin', 'EnvironmentAdmin', 'CloudClusterAdmin', 'AccountAdmin', 'DeveloperRead', 'DeveloperWrite', 'DeveloperManage', 'ResourceOwner', 'Operator', 'MetricsViewer', 'Nope'];

const ODD_STRINGS = [
  '',
  ' ',
  'x',
  '*',
  '..',
  '../../etc/passwd',
  "' or 1=1 --",
  '%00',
  '\u0000',
  '\u001b[2J',
  'line\nbreak',
  '\ud800',
  '😀🚀',
  'é'.repeat(70),
  'null',
  'true',
  '-1',
  '1e999',
  '__proto__',
  'constructor',
  'User:*',
  'crn://confluent.cloud/',
  '2027-01-31T00:00:00Z',
  'not-a-date',
];

function idFor(name: string, path: string, fodder: Fodder, rng: Rng): string {
  const n = `${path} ${name}`.toLowerCase();
  const lkc = () => rng.pick(fodder.kafkaClusters);
  if (/role-binding/.test(n)) return rng.pick(fodder.roleBindings);
  if (/api-key|\bkey\b|owner_key/.test(n)) return rng.pick(fodder.apiKeys).key;
  if (/service-account|owner/.test(n)) return rng.pick(fodder.serviceAccounts);
  if (/users/.test(n)) return rng.pick(fodder.users);
  if (/srcm/.test(n)) return rng.pick(fodder.schemaRegistries);
  if (/environment/.test(n)) return rng.pick(fodder.environments);
  if (/cluster|resource/.test(n)) return lkc();
  return rng.pick([...fodder.environments, ...fodder.kafkaClusters, ...fodder.serviceAccounts, ...fodder.users, ...fodder.apiKeys.map((k) => k.key)]);
}

/** A string meant for field `name`: usually plausible (real ids, known words), often odd. */
export function stringFor(name: string, path: string, fodder: Fodder, rng: Rng): string {
  const roll = rng.next();
  if (roll < 0.15) return rng.pick(ODD_STRINGS);
  if (roll < 0.2) return 'A'.repeat(rng.pick([65, 129, 257, 1025, 70_000]));
  if (roll < 0.23) return `pasted ${generateSecret()} here`;
  const n = name.toLowerCase();
  if (n === 'secret') return rng.pick(fodder.apiKeys).secret;
  if (n === 'principal') return `User:${rng.pick([...fodder.serviceAccounts, ...fodder.users])}`;
  if (n === 'role_name') return rng.pick(ROLES);
  if (n === 'crn_pattern') {
    const env = rng.pick(fodder.environments);
    const org = `crn://keyward/organization=${fodder.organization}`;
    return rng.pick([org, `${org}/environment=${env}`, `${org}/environment=${env}/cloud-cluster=${rng.pick(fodder.kafkaClusters)}`, `${org}/environment=${env}/cloud-cluster=${rng.pick(fodder.kafkaClusters)}/kafka=${rng.pick(fodder.kafkaClusters)}/topic=t*`]);
  }
  if (n === 'operation') return rng.pick(['READ', 'WRITE', 'ALL', 'DESCRIBE', 'read', 'FLY']);
  if (n === 'resource_type') return rng.pick(['TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID', 'topic', 'TABLE']);
  if (n === 'pattern_type') return rng.pick(['LITERAL', 'PREFIXED', 'MATCH', 'ANY']);
  if (n === 'permission') return rng.pick(['ALLOW', 'DENY', 'MAYBE']);
  if (n === 'host') return rng.pick(['*', '10.0.0.1', '::1', 'not a host']);
  if (n === 'email') return `fuzz-${rng.int(1e9)}@example.com`;
  if (n === 'cloud' || n === 'provider') return rng.pick(['aws', 'gcp', 'azure', 'moon']);
  if (n === 'stage') return rng.pick(['development', 'staging', 'production', 'PRODUCTION', 'lab']);
  if (n === 'token') return rng.bool() ? rng.pick(fodder.apiKeys).secret : generateSecret();
  if (/time|_at$|since|until|expires/.test(n)) return rng.pick(['2027-01-31T00:00:00Z', '2020-01-01T00:00:00Z', 'yesterday', '9999-12-31T23:59:59Z']);
  if (n === 'id' || /_id$|^key$|environment|resource|cluster|owner/.test(n)) return idFor(name, path, fodder, rng);
  return `fuzz ${name} ${rng.int(1e6)}`;
}

const ODD_NUMBERS = [0, -1, 1, 10, 100, 101, 1.5, 2 ** 31, 2 ** 53 + 2, 1e308, -1e308];

/** A value of `schema`, with plausible content. */
export function valueOf(schema: Schema | undefined, name: string, path: string, fodder: Fodder, rng: Rng, depth = 0): unknown {
  if (!schema || depth > 6) return stringFor(name, path, fodder, rng);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum && schema.enum.length > 0) return rng.pick(schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives && alternatives.length > 0) return valueOf(rng.pick(alternatives), name, path, fodder, rng, depth + 1);
  if (schema.allOf && schema.allOf.length > 0) return valueOf(schema.allOf[0], name, path, fodder, rng, depth + 1);
  const type = Array.isArray(schema.type) ? rng.pick(schema.type) : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set(schema.required ?? []);
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        if (required.has(key) || rng.bool(0.6)) out[key] = valueOf(property, key, path, fodder, rng, depth + 1);
      }
      return out;
    }
    case 'array':
      return Array.from({ length: rng.int(4) }, () => valueOf(schema.items, name, path, fodder, rng, depth + 1));
    case 'integer':
    case 'number':
      return rng.bool(0.7) && schema.minimum !== undefined ? schema.minimum + rng.int(10) : rng.pick(ODD_NUMBERS);
    case 'boolean':
      return rng.bool();
    case 'null':
      return null;
    default:
      return stringFor(name, path, fodder, rng);
  }
}

/** A value of the wrong type for anything. */
export function wrongValue(rng: Rng): unknown {
  return rng.pick<unknown>([null, 0, -1, 1.5, true, [], {}, [1, 2], { a: 1 }, 'x', '', 'A'.repeat(5000), [[[]]]]);
}

/** Replaces one value somewhere in `value` by a wrong one, or adds a field. */
export function mutate(value: unknown, rng: Rng, addField: boolean): unknown {
  if (value === null || typeof value !== 'object') return addField ? { [`extra${rng.int(9)}`]: wrongValue(rng) } : wrongValue(rng);
  if (Array.isArray(value)) {
    if (value.length === 0 || addField) return [...value, wrongValue(rng)];
    const copy = [...value];
    const at = rng.int(copy.length);
    copy[at] = rng.bool(0.5) ? mutate(copy[at], rng, addField) : wrongValue(rng);
    return copy;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0 || addField) {
    copy[rng.pick(['extra', 'id', 'spec', 'metadata', 'kind', 'api_version', '__proto__x'])] = wrongValue(rng);
    return copy;
  }
  const key = rng.pick(keys);
  copy[key] = rng.bool(0.5) ? mutate(copy[key], rng, addField) : wrongValue(rng);
  return copy;
}

/** `[[[[…]]]]` or `{"a":{"a":…}}` nested `depth` deep, as JSON text. */
export function deepJson(depth: number, rng: Rng): string {
  return rng.bool() ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteDir } from '../helpers/databases.js';
import { expectError, startHarness, storeState, type ApiHarness } from './support.js';
import { FORM_TYPE, JSON_TYPE, exampleOf, operations, requestUrl, type JsonSchema, type OpenApiDocument, type Operation } from './openapi-sweep.js';

/**
 * The unknown-field sweep (issue 12): every operation of `/openapi.json` that takes a JSON body refuses
 * a field it does not define, at the top level and in every nested object of the operation's own
 * example, with 422 `invalid_configuration` naming the field — so a new route whose body lacks the
 * rule, or lacks an example, fails here. Validation comes before authentication and the store, so one
 * SQLite server answers for both dialects.
 */

const UNKNOWN = 'descriptoin';

/** Bodies whose contract takes fields they do not define, and why; each must document that it does. */
const TOLERANT: Record<string, string> = {
  // RFC 6749 §3.2: the authorization server MUST ignore unrecognized request parameters.
  'POST /oauth2/token': FORM_TYPE,
  // DESIGN §8: the broker plugin's events; a newer plugin may send fields this server does not know.
  'POST /keyward/v1/kafka/clusters/{id}/events': JSON_TYPE,
};

/** The data plane answers a malformed body with 400 (DESIGN §3); the management API with 422. */
const DATA_PLANE = new Set(['POST /keyward/v1/verify']);

type Path = Array<string | number>;

/** The shape of `value` a schema (or the branch of a union that fits it) describes. */
function branchFor(schema: JsonSchema, value: unknown): JsonSchema {
  const branches = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (!branches) return schema;
  const fits = branches.find((b) => (Array.isArray(value) ? b.type === 'array' : b.type === 'object'));
  return fits ?? schema;
}

/** Every place in the example where the schema describes an object: where an unknown field can go. */
function objectPaths(schema: JsonSchema, value: unknown, at: Path = []): Path[] {
  const s = branchFor(schema, value);
  if (Array.isArray(value) && s.type === 'array' && value.length > 0) return objectPaths(s.items as JsonSchema, value[0], [...at, 0]);
  if (value === null || typeof value !== 'object' || Array.isArray(value) || s.type !== 'object') return [];
  const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
  return [at, ...Object.entries(value).flatMap(([name, v]) => (properties[name] ? objectPaths(properties[name], v, [...at, name]) : []))];
}

/** Every object schema in a body schema, wherever it is, with where it is. */
function objectSchemas(schema: JsonSchema, at = 'body'): Array<{ at: string; schema: JsonSchema }> {
  const found = schema.type === 'object' ? [{ at, schema }] : [];
  const properties = Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).flatMap(([name, s]) => objectSchemas(s, `${at}.${name}`));
  const items = schema.items ? objectSchemas(schema.items as JsonSchema, `${at}[]`) : [];
  const branches = ((schema.anyOf ?? schema.oneOf ?? []) as JsonSchema[]).flatMap((s, i) => objectSchemas(s, `${at}|${i}`));
  return [...found, ...properties, ...items, ...branches];
}

function withUnknownField(example: unknown, path: Path): unknown {
  const copy = structuredClone(example) as Record<string | number, unknown>;
  const target = path.reduce<Record<string | number, unknown>>((node, key) => node[key] as Record<string | number, unknown>, copy);
  target[UNKNOWN] = 'x';
  return copy;
}

/** `spec.owner.descriptoin`, `[0].descriptoin`: the field as the server's detail names it. */
function fieldName(path: Path): string {
  return [...path, UNKNOWN].reduce<string>((name, key) => (typeof key === 'number' ? `${name}[${key}]` : name === '' ? key : `${name}.${key}`), '');
}

describe('every body refuses unknown fields', () => {
  let h: ApiHarness;
  let withBodies: Operation[];
  beforeAll(async () => {
    h = await startHarness(await createSqliteDir());
    const doc = (await h.call({ method: 'GET', url: '/openapi.json', auth: null })).json() as OpenApiDocument;
    withBodies = operations(doc).filter((op) => op.body !== undefined);
  });
  afterAll(async () => h?.close());

  it('finds the operations that take a body', () => {
    const names = withBodies.map((op) => op.name);
    // every kind of body the API has: flat, a `spec` wrapper, an object or an array, an array, optional, data plane, form
    for (const name of ['POST /org/v2/environments', 'POST /iam/v2/api-keys', 'POST /kafka/v3/clusters/{cluster_id}/acls', 'POST /keyward/v1/leaks', 'PATCH /keyward/v1/policy', 'POST /keyward/v1/api-keys/{id}/rotate', 'POST /keyward/v1/verify', 'POST /oauth2/token']) {
      expect(names).toContain(name);
    }
    expect(withBodies.length).toBeGreaterThanOrEqual(20);
  });

  it('declares additionalProperties false on every object of every JSON body, except where the contract tolerates more', () => {
    for (const op of withBodies) {
      const tolerant = TOLERANT[op.name];
      for (const [type, media] of Object.entries(op.body!)) {
        if (tolerant === type && type === FORM_TYPE) continue;
        expect(type, `${op.name} takes ${type}`).toBe(JSON_TYPE);
        const objects = objectSchemas(media.schema);
        for (const { at, schema } of objects) expect(schema.additionalProperties, `${op.name} ${at}`).toBe(tolerant === undefined ? false : true);
      }
    }
  });

  it('answers an unknown field, top level and nested, with the error naming it, and changes nothing', async () => {
    const before = await storeState(h);
    let sent = 0;
    for (const op of withBodies) {
      if (TOLERANT[op.name] !== undefined) continue;
      const media = op.body![JSON_TYPE]!;
      const example = exampleOf(media);
      expect(example, `${op.name} documents no example body`).toBeDefined();
      const paths = objectPaths(media.schema, example);
      expect(paths.length, `${op.name}: its example holds no object`).toBeGreaterThan(0);
      for (const path of paths) {
        const res = await h.call({ method: op.method as 'POST', url: requestUrl(op.path), payload: withUnknownField(example, path) as object });
        const where = `${op.name} with ${fieldName(path)}: ${res.body}`;
        if (DATA_PLANE.has(op.name)) expectError(res, 400, 'bad_request', `Malformed request: body: unknown field "${fieldName(path)}"`);
        else expect(expectError(res, 422, 'invalid_configuration').detail, where).toBe(`body: unknown field "${fieldName(path)}"`);
        sent++;
      }
    }
    // nested objects included: the spec wrappers, their owner/resource/config/environment, verify's action, array items
    expect(sent).toBeGreaterThan(withBodies.length);
    expect(await storeState(h)).toEqual(before);
  });

  it('names the item of an array body that holds the unknown field', async () => {
    const acl = { resource_type: 'TOPIC', resource_name: 'orders', principal: 'User:sa-9wt4hq', operation: 'READ', permission: 'ALLOW' };
    const res = await h.call({ method: 'POST', url: '/kafka/v3/clusters/lkc-3xw9pd/acls', payload: [acl, { ...acl, [UNKNOWN]: 'x' }] });
    expectError(res, 422, 'invalid_configuration', `body: unknown field "[1].${UNKNOWN}"`);
  });

  it('keeps the tolerant contracts: the broker events accept more fields, the token endpoint ignores unknown parameters', async () => {
    // The broker's route authenticates the broker before it reads the body: an admin key is refused as such, not for the field.
    const events = withBodies.find((op) => op.name === 'POST /keyward/v1/kafka/clusters/{id}/events')!;
    const batch = [{ ...(exampleOf(events.body![JSON_TYPE]!) as object[])[0], [UNKNOWN]: 'x' }];
    expectError(await h.call({ method: 'POST', url: requestUrl(events.path), payload: batch }), 403, 'user_unauthorized');
    const token = (payload: string) => h.call({ method: 'POST', url: '/oauth2/token', auth: h.admin, headers: { 'content-type': FORM_TYPE }, payload });
    const plain = await token('grant_type=client_credentials');
    const extra = await token(`grant_type=client_credentials&${UNKNOWN}=x`);
    expect(extra.statusCode, extra.body).toBe(plain.statusCode);
    expect(extra.json().error).toBe(plain.json().error);
  });
});

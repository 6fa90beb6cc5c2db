import type { TSchema } from '@sinclair/typebox';

/** Server-only schema transforms: how a route's body schema treats fields it does not define. The schemas themselves are the contract's (src/contract/schemas). */
type JsonSchema = { [keyword: string]: unknown };

/** Keywords whose value is a subschema, a list of them, or a map of them. */
const SUBSCHEMA = ['items', 'contains', 'not', 'if', 'then', 'else', 'additionalProperties'] as const;
const SUBSCHEMA_LISTS = ['anyOf', 'oneOf', 'prefixItems'] as const;
const SUBSCHEMA_MAPS = ['properties', 'patternProperties'] as const;

const isSchema = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A copy of a request-body schema in which every object schema that does not say otherwise has
 * `additionalProperties: allowed`, at any depth (properties, array items, union branches). The
 * schema passed in is not changed: TypeBox objects are shared with responses and other routes.
 */
function withUnknownFields<T extends TSchema>(schema: T, allowed: boolean): T {
  const walk = (node: JsonSchema): JsonSchema => {
    // An intersection's members cannot each refuse the others' fields: a body is one object (Type.Composite).
    if ('allOf' in node) throw new Error('A request body schema must not use allOf (Type.Intersect); use Type.Composite');
    const copy: JsonSchema = { ...node };
    for (const keyword of SUBSCHEMA) if (isSchema(copy[keyword])) copy[keyword] = walk(copy[keyword]);
    for (const keyword of SUBSCHEMA_LISTS) {
      const list = copy[keyword];
      if (Array.isArray(list)) copy[keyword] = list.map((item: unknown) => (isSchema(item) ? walk(item) : item));
    }
    for (const keyword of SUBSCHEMA_MAPS) {
      const map = copy[keyword];
      if (isSchema(map)) copy[keyword] = Object.fromEntries(Object.entries(map).map(([name, item]) => [name, isSchema(item) ? walk(item) : item]));
    }
    if (copy.type === 'object' && !('additionalProperties' in copy)) copy.additionalProperties = allowed;
    return copy;
  };
  return walk(schema as unknown as JsonSchema) as unknown as T;
}

/**
 * Every management body refuses fields it does not define (422 naming the field): a misspelled
 * `descriptoin` is an error, not a silently ignored field. app.ts applies it to every route's body.
 */
export const unknownFieldsRefused = <T extends TSchema>(schema: T): T => withUnknownFields(schema, false);

/**
 * For a body whose contract tolerates fields it does not define (the Kafka broker plugin's events: a
 * newer plugin may send more): they are accepted and ignored, and the OpenAPI document says so.
 */
export const unknownFieldsIgnored = <T extends TSchema>(schema: T): T => withUnknownFields(schema, true);

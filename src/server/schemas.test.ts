import { describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { unknownFieldsIgnored, unknownFieldsRefused } from './schemas.js';

/** A schema read back as plain JSON, every keyword this test looks at. */
interface Node {
  additionalProperties?: unknown;
  properties: Record<string, Node>;
  items: Node;
  anyOf: Node[];
}

/** The object schema of a property path: `prop(schema, 'spec', 'owner')`. */
function prop(node: Node, ...names: string[]): Node {
  return names.reduce((at, name) => {
    const next = at.properties[name];
    if (next === undefined) throw new Error(`no property ${name}`);
    return next;
  }, node);
}

const Owner = Type.Object({ id: Type.String() });
const Body = Type.Object({
  spec: Type.Object({ owner: Type.Optional(Owner), tags: Type.Optional(Type.Array(Type.Object({ name: Type.String() }))), note: Type.Optional(Type.Union([Type.String(), Type.Null()])) }),
  anything: Type.Optional(Type.Unknown()),
});

describe('unknownFieldsRefused', () => {
  it('refuses unknown fields in every object of a body, nested ones and array items included', () => {
    const closed = unknownFieldsRefused(Body) as unknown as Node;
    expect(closed.additionalProperties).toBe(false);
    expect(prop(closed, 'spec').additionalProperties).toBe(false);
    expect(prop(closed, 'spec', 'owner').additionalProperties).toBe(false);
    expect(prop(closed, 'spec', 'tags').items.additionalProperties).toBe(false);
    // not an object: a free-form value and a nullable string are left as they are
    expect(Object.keys(prop(closed, 'anything'))).toEqual([]);
    expect(prop(closed, 'spec', 'note').anyOf.map((s) => Object.keys(s))).toEqual([['type'], ['type']]);
  });

  it('walks both shapes of a body that is an object or an array of them', () => {
    const closed = unknownFieldsRefused(Type.Union([Owner, Type.Array(Owner)])) as unknown as Node;
    const [object, array] = closed.anyOf;
    expect(object?.additionalProperties).toBe(false);
    expect(array?.items.additionalProperties).toBe(false);
  });

  it('leaves the schema it is given unchanged: TypeBox objects are shared with responses', () => {
    unknownFieldsRefused(Body);
    expect('additionalProperties' in Body).toBe(false);
    expect('additionalProperties' in Owner).toBe(false);
  });

  it('keeps what a schema says itself, and the tolerant variant allows unknown fields everywhere else', () => {
    const Strict = Type.Object({ inner: Type.Object({ id: Type.String() }) }, { additionalProperties: true });
    expect((unknownFieldsRefused(Strict) as unknown as Node).additionalProperties).toBe(true);
    const open = unknownFieldsIgnored(Body) as unknown as Node;
    expect(open.additionalProperties).toBe(true);
    expect(prop(open, 'spec', 'owner').additionalProperties).toBe(true);
  });

  it('refuses an intersection, whose members would refuse each other\'s fields', () => {
    expect(() => unknownFieldsRefused(Type.Intersect([Owner, Type.Object({ name: Type.String() })]))).toThrow(/Type.Composite/);
  });
});

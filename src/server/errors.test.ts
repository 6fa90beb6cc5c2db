import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyError } from 'fastify';
import { validationMessage } from './errors.js';
import { unknownFieldsRefused } from './schemas.js';

/** The detail a body gets from the server's validator (Fastify's ajv options: first error only). */
function detail(schema: TSchema, body: unknown): string {
  const validate = new Ajv({ coerceTypes: false, allErrors: false, strict: false }).compile(unknownFieldsRefused(schema));
  expect(validate(body)).toBe(false);
  return validationMessage({ validation: validate.errors, validationContext: 'body' } as unknown as FastifyError);
}

const Acl = Type.Object({ principal: Type.String(), operation: Type.String() });
const AclBody = Type.Union([Acl, Type.Array(Acl)]);
const KeyBody = Type.Object({ spec: Type.Object({ owner: Type.Optional(Type.Object({ id: Type.String() })), resource: Type.Object({ id: Type.String() }) }) });

describe('validationMessage', () => {
  it('names an unknown field by its path, quoted', () => {
    expect(detail(KeyBody, { spec: { resource: { id: 'cloud' } }, descriptoin: 'x' })).toBe('body: unknown field "descriptoin"');
    expect(detail(KeyBody, { spec: { resource: { id: 'cloud' }, owner: { id: 'sa-1', foo: 1 } } })).toBe('body: unknown field "spec.owner.foo"');
  });

  it('names a missing field by its path', () => {
    expect(detail(KeyBody, { spec: {} })).toBe('body: spec.resource is required');
    expect(detail(KeyBody, {})).toBe('body: spec is required');
  });

  it('reports the branch of a union that fits the body, not "must be object" from the other shape', () => {
    const acl = { principal: 'User:sa-1', operation: 'READ' };
    expect(detail(AclBody, [acl, { ...acl, host: '*' }])).toBe('body: unknown field "[1].host"');
    expect(detail(AclBody, { ...acl, host: '*' })).toBe('body: unknown field "host"');
    expect(detail(AclBody, [acl, { principal: 'User:sa-1' }])).toBe('body: [1].operation is required');
  });

  it('names the values of a union of literals', () => {
    const Event = Type.Array(Type.Object({ type: Type.Union([Type.Literal('authentication'), Type.Literal('authorization')]) }));
    expect(detail(Event, [{ type: 'authentication' }, { type: 'login' }])).toBe('body[1].type must be one of authentication, authorization');
  });

  it('keeps the validator\'s words for other failures, after the field', () => {
    expect(detail(KeyBody, { spec: { resource: { id: 7 } } })).toBe('body.spec.resource.id must be string');
  });
});

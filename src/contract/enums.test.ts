import { describe, expect, it } from 'vitest';
import { BINDING_RESOURCE_TYPES } from '../domain/authz/crn-pattern.js';
import { AUDIT_TYPE_NAMES, AUDIT_TYPES, BINDING_RESOURCE_TYPE_NAMES, STAGES, isOneOf } from './enums.js';

describe('contract enums', () => {
  it('derive the role-binding resource types from the domain table', () => {
    expect(BINDING_RESOURCE_TYPE_NAMES).toEqual(BINDING_RESOURCE_TYPES.map((entry) => entry.flag));
    expect(BINDING_RESOURCE_TYPE_NAMES).toEqual(['Topic', 'Group', 'TransactionalId', 'Subject', 'ServiceAccount']);
  });

  it('name each audit type by its short name', () => {
    expect(AUDIT_TYPE_NAMES).toEqual(['authentication', 'authorization', 'management']);
    for (const name of AUDIT_TYPE_NAMES) expect(AUDIT_TYPES[name]).toBe(`io.keyward.${name}`);
  });

  it('isOneOf narrows exactly the listed values', () => {
    expect(isOneOf(STAGES, 'production')).toBe(true);
    expect(isOneOf(STAGES, 'Production')).toBe(false);
    expect(isOneOf(STAGES, 'prod')).toBe(false);
  });
});

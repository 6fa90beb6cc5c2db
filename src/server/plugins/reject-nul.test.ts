import { describe, expect, it } from 'vitest';
import { containsNul } from './reject-nul.js';

const NUL = '\u0000';

describe('containsNul', () => {
  it('finds U+0000 in a string, a key or a value at any depth, in objects and arrays', () => {
    expect(containsNul(`a${NUL}`)).toBe(true);
    expect(containsNul({ key: 'K', secret: `kw_${NUL}` })).toBe(true);
    expect(containsNul({ [`ke${NUL}y`]: 'v' })).toBe(true);
    expect(containsNul({ key: 'K', action: { operation: 'READ', resource_type: 'TOPIC', resource_name: `orders${NUL}` } })).toBe(true);
    expect(containsNul({ a: [1, 'x', [null, { b: [`${NUL}`] }]] })).toBe(true);
    expect(containsNul([[[[`${NUL}`]]]])).toBe(true);
    // a later sibling after a nested object is still seen
    expect(containsNul({ first: { deep: { ok: 'yes' } }, last: `z${NUL}` })).toBe(true);
  });

  it('finds it in objects without a prototype (parsed query strings) and not in inherited properties', () => {
    const query = Object.create(null) as Record<string, unknown>;
    query.resource = `lkc-${NUL}`;
    expect(containsNul(query)).toBe(true);
    const child = Object.create({ inherited: `x${NUL}` }) as Record<string, unknown>;
    child.own = 'fine';
    expect(containsNul(child)).toBe(false);
  });

  it('passes values without one, numbers, booleans, null and buffers', () => {
    expect(containsNul({ key: 'K', secret: 'kw_x', resource: 'lkc-1', action: { operation: 'READ', resource_type: 'TOPIC', resource_name: '' } })).toBe(false);
    expect(containsNul([1, true, null, undefined, { n: 2 }])).toBe(false);
    expect(containsNul(undefined)).toBe(false);
    expect(containsNul(42)).toBe(false);
    expect(containsNul(Buffer.from([0, 0, 0]))).toBe(false);
    expect(containsNul({})).toBe(false);
  });

  it('walks any depth without recursion', () => {
    let deep: unknown = `end${NUL}`;
    for (let i = 0; i < 100_000; i++) deep = i % 2 === 0 ? { next: deep } : [deep];
    expect(containsNul(deep)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { EvictionCursor } from './eviction-cursor.js';

describe('EvictionCursor', () => {
  it('gives the oldest key of a bounded map at every eviction, as the map order says, across holes, re-insertions and clear', () => {
    const map = new Map<number, number>();
    const cursor = new EvictionCursor(map);
    const reference: number[] = []; // keys oldest first
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 20_000; i++) {
      const key = Math.floor(random() * 500);
      if (random() < 0.01) {
        map.clear();
        cursor.reset();
        reference.length = 0;
        continue;
      }
      // a use moves the key to the end, as an LRU does
      if (map.has(key)) {
        map.delete(key);
        reference.splice(reference.indexOf(key), 1);
      }
      map.set(key, i);
      reference.push(key);
      while (map.size > 100) {
        const oldest = cursor.oldest() as number;
        expect(oldest).toBe(reference[0]);
        map.delete(oldest);
        reference.shift();
      }
    }
    expect([...map.keys()]).toEqual(reference);
  });

  it('answers undefined for an empty map', () => {
    const cursor = new EvictionCursor(new Map<string, number>());
    expect(cursor.oldest()).toBeUndefined();
  });
});

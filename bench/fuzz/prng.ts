/**
 * A small seeded PRNG (mulberry32): request `i` of seed `s` is the same on every run and machine,
 * whatever order the requests are sent in, so a failure is replayed from its index.
 */
import { seededRandom } from '../../src/domain/seeded-random.js';

export interface Rng {
  next(): number;
  int(maxExclusive: number): number;
  bool(probability?: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks a key of `weights` with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
}


/** The generator for request `index` of `seed`. */
export function rngFor(seed: number, index: number): Rng {
  const next = seededRandom(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
  const rng: Rng = {
    next,
    int: (max) => Math.floor(next() * max),
    bool: (p = 0.5) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    weighted(weights) {
      const entries = Object.entries(weights) as Array<[string, number]>;
      let roll = next() * entries.reduce((sum, [, w]) => sum + w, 0);
      for (const [key, weight] of entries) {
        roll -= weight;
        if (roll < 0) return key as keyof typeof weights & string;
      }
      return entries[entries.length - 1]![0] as keyof typeof weights & string;
    },
  };
  return rng;
}

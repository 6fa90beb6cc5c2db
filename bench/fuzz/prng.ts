/**
 * A small seeded PRNG (mulberry32): request `i` of seed `s` is the same on every run and machine,
 * whatever order the requests are sent in, so a failure is replayed from its index.
 */
export interface Rng {
  next(): number;
  int(maxExclusive: number): number;
  bool(probability?: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks a key of `weights` with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
}

function mulberry32(state: number): () => number {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The generator for request `index` of `seed`. */
export function rngFor(seed: number, index: number): Rng {
  const next = mulberry32(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
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

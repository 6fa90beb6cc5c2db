import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { KeyCache } from './verify/key-cache.js';

/** Prometheus metrics of one instance, served at `/metrics` to principals with `metrics:read`. */
export function createMetrics(cache: KeyCache) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'keyward_' });
  const verifications = new Counter({
    name: 'keyward_authentications_total',
    help: 'Data-plane and management authentications, by method and result code',
    labelNames: ['method', 'code'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'keyward_key_cache_entries',
    help: 'Keys (and known-absent ids) held in the verification cache',
    registers: [registry],
    collect() {
      this.set(cache.size);
    },
  });
  const lookups = new Gauge({
    name: 'keyward_key_cache_lookups',
    help: 'Verification cache lookups since start, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      lookups.set({ outcome: 'hit' }, cache.hits);
      lookups.set({ outcome: 'miss' }, cache.misses);
    },
  });
  // one bound child per (method, code): no label hashing on the hot path
  const bound = new Map<string, { inc(): void }>();
  return {
    registry,
    authenticated(method: string, code: string): void {
      const id = `${method} ${code}`;
      let counter = bound.get(id);
      if (!counter) bound.set(id, (counter = verifications.labels(method, code)));
      counter.inc();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

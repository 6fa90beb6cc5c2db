import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { KeyCache } from './verify/key-cache.js';

/** Prometheus metrics of one instance, served at `/metrics` to principals with `metrics:read`. */
export function createMetrics(cache: KeyCache) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'keyward_' });
  // Counted in plain numbers on the hot path (a bound prom-client child hashes its labels on every
  // inc); the counter takes them over when it is scraped.
  const counts = new Map<string, Map<string, number>>();
  new Counter({
    name: 'keyward_authentications_total',
    help: 'Data-plane and management authentications, by method and result code',
    labelNames: ['method', 'code'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [method, byCode] of counts) for (const [code, n] of byCode) this.inc({ method, code }, n);
    },
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
  return {
    registry,
    authenticated(method: string, code: string): void {
      let byCode = counts.get(method);
      if (byCode === undefined) counts.set(method, (byCode = new Map()));
      byCode.set(code, (byCode.get(code) ?? 0) + 1);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

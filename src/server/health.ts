/**
 * What `/readyz` reports besides the database probe: components that know they are failing (the
 * audit writer whose writes keep failing, the PostgreSQL LISTEN connection that carries cache
 * invalidations) record it here, and clear it once they work again.
 */
export interface HealthRegistry {
  /** Marks a component failing with a short, secret-free reason. */
  fail(component: string, reason: string): void;
  /** Marks a component working again. */
  ok(component: string): void;
  /** The failing components, in the order they failed. */
  problems(): Array<{ component: string; reason: string }>;
}

export function createHealthRegistry(): HealthRegistry {
  const failing = new Map<string, string>();
  return {
    fail(component, reason) {
      failing.set(component, reason);
    },
    ok(component) {
      failing.delete(component);
    },
    problems() {
      return [...failing].map(([component, reason]) => ({ component, reason }));
    },
  };
}

import { expect } from 'vitest';
import { createRuntime, type Runtime } from '../../src/server/runtime.js';
import type { BootstrapResult } from '../../src/services/bootstrap.js';
import type { Actor, CallContext } from '../../src/services/context.js';
import type { Change } from '../../src/services/changes.js';
import { KeywardError, type ErrorCode } from '../../src/domain/errors.js';
import type { TestDatabase } from '../helpers/databases.js';
import { fakeClock, type Clock } from '../api/support.js';

/** Services built as the server builds them, called directly with a CallContext. */
export interface ServiceHarness {
  db: TestDatabase;
  runtime: Runtime;
  services: Runtime['services'];
  clock: Clock;
  admin: BootstrapResult;
  adminCtx: CallContext;
  /** Every change this instance announced since the harness started (or was last cleared). */
  changes: Change[];
  /** A context for any principal, without going through a key. */
  as(actor: Partial<Actor> & Pick<Actor, 'id'>): CallContext;
  managementEvents(method?: string): Promise<Array<{ method: string; principal: string | null; result: string; event: Record<string, unknown>; raw: string }>>;
  close(): Promise<void>;
}

export const REQUEST = { clientAddress: '127.0.0.1', requestId: 'req-services-1', userAgent: 'vitest' };

export async function startServices(db: TestDatabase): Promise<ServiceHarness> {
  const clock = fakeClock();
  const runtime = await createRuntime({ ...db.options, publicUrl: 'http://keyward.test', bootstrap: true, lock: true, clock });
  const admin = runtime.bootstrapped as BootstrapResult;
  const actor = await runtime.services.authenticate(admin.key, admin.secret, REQUEST);
  const changes: Change[] = [];
  // Record what this instance announces (inside its transactions), not what the bus hears: on
  // PostgreSQL the bus also hears other keyward instances of the same database (other test suites).
  const bus = runtime.changes;
  const announce = bus.announce.bind(bus);
  bus.announce = async (trx, batch) => {
    await announce(trx, batch);
    changes.push(...batch);
  };
  return {
    db,
    runtime,
    services: runtime.services,
    clock,
    admin,
    adminCtx: { actor, request: REQUEST },
    changes,
    as(partial) {
      const kind = partial.kind ?? (partial.id.startsWith('sa-') ? 'service-account' : 'user');
      return {
        actor: { kind, principal: `User:${partial.id}`, apiKeyId: 'AAAAAAAAAAAAAAAA', ...partial },
        request: REQUEST,
      };
    },
    async managementEvents(method) {
      let q = runtime.store.db.selectFrom('audit_events').selectAll().where('type', '=', 'io.keyward.management');
      if (method) q = q.where('method', '=', method);
      const rows = await q.orderBy('seq').execute();
      return rows.map((r) => ({ method: r.method, principal: r.principal, result: r.result, event: JSON.parse(r.event) as Record<string, unknown>, raw: r.event }));
    },
    async close() {
      await runtime.close();
      await db.drop();
    },
  };
}

/** Awaits a promise that must fail with a KeywardError of this code (and, optionally, detail). */
export async function expectKeywardError(promise: Promise<unknown>, code: ErrorCode, detail?: string | RegExp): Promise<KeywardError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a KeywardError ${code}`).toBeInstanceOf(KeywardError);
  const kw = error as KeywardError;
  expect(kw.code).toBe(code);
  if (typeof detail === 'string') expect(kw.message).toBe(detail);
  else if (detail) expect(kw.message).toMatch(detail);
  return kw;
}

/** A second server on the same store (PostgreSQL only: one SQLite file serves one process). */
export async function secondInstance(s: ServiceHarness): Promise<{ runtime: Runtime; adminCtx: CallContext }> {
  const runtime = await createRuntime({ ...s.db.options, publicUrl: 'http://keyward.test', clock: s.clock });
  const actor = await runtime.services.authenticate(s.admin.key, s.admin.secret, REQUEST);
  return { runtime, adminCtx: { actor, request: REQUEST } };
}

export const DIGEST = /(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/;

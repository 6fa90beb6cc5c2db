import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../src/server/runtime.js';
import type { BootstrapResult } from '../../src/services/bootstrap.js';
import { DIALECTS, type TestDatabase } from '../helpers/databases.js';

/**
 * Audit writes never fail silently (issue 8): a data-plane audit write that keeps failing turns
 * /readyz red naming the audit log and is logged at error level (without secrets); when writes
 * succeed again /readyz is green and the held events are in the log. The fault is real: a trigger
 * that makes the database refuse every audit insert.
 */

async function injectAuditFault(runtime: Runtime, on: boolean): Promise<void> {
  const { db, dialect } = runtime.store;
  if (dialect === 'sqlite') {
    runtime.store.sqlite?.exec(
      on ? "CREATE TRIGGER kw_audit_fault BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'injected audit fault'); END" : 'DROP TRIGGER kw_audit_fault',
    );
    return;
  }
  if (on) {
    await sql.raw("create function kw_audit_fault() returns trigger language plpgsql as $$ begin raise exception 'injected audit fault'; end $$").execute(db);
    await sql.raw('create trigger kw_audit_fault before insert on audit_events for each statement execute function kw_audit_fault()').execute(db);
  } else {
    await sql.raw('drop trigger kw_audit_fault on audit_events').execute(db);
    await sql.raw('drop function kw_audit_fault()').execute(db);
  }
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, limitMs = 10_000): Promise<T> {
  const start = Date.now();
  let value = await probe();
  while (!done(value) && Date.now() - start < limitMs) {
    await new Promise((r) => setTimeout(r, 50));
    value = await probe();
  }
  return value;
}

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.skip)(`audit write failures turn /readyz red (${dialect.name})`, () => {
    let db: TestDatabase | undefined;
    let runtime: Runtime | undefined;

    afterEach(async () => {
      await runtime?.close();
      await db?.drop();
    });

    it('red and logged at error level while audit inserts fail, green again once they succeed, no event lost', async () => {
      db = await dialect.create();
      const lines: Array<{ level: number; msg: string }> = [];
      let logged = '';
      const stream = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          logged += chunk.toString();
          for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { level: number; msg: string });
          callback();
        },
      });
      runtime = await createRuntime({ ...db.options, publicUrl: 'http://keyward.test', bootstrap: true, lock: true, masterKey: 'audit-health-test-master-key', logger: { level: 'warn', stream } });
      const admin = runtime.bootstrapped as BootstrapResult;
      const app = runtime.app;
      const readyz = async () => {
        const r = await app.inject({ method: 'GET', url: '/readyz' });
        return { status: r.statusCode, body: r.json() as { errors?: Array<{ code: string; detail: string }> } };
      };
      expect((await readyz()).status).toBe(200);

      await injectAuditFault(runtime, true);
      // a success is held in its aggregation window; a failure is an event of its own, written at once
      const verify = await app.inject({ method: 'POST', url: '/keyward/v1/verify', payload: { key: admin.key, secret: admin.secret } });
      expect(verify.json().code).toBe('VALID');
      const refused = await app.inject({ method: 'POST', url: '/keyward/v1/verify', payload: { key: admin.key, secret: 'kw_' + 'x'.repeat(61) } });
      expect(refused.json().code).toBe('INVALID_CREDENTIALS');

      const red = await until(readyz, (r) => r.status === 503);
      expect(red.status).toBe(503);
      expect(red.body.errors?.[0]?.code).toBe('service_unavailable');
      expect(red.body.errors?.[0]?.detail).toContain('audit log');
      const errorsLogged = lines.filter((l) => l.level >= 50 && l.msg.includes('audit write failed'));
      expect(errorsLogged.length).toBeGreaterThan(0);
      expect(logged).not.toContain(admin.secret);
      // Still failing a while later: still red (the held events are retried, not dropped).
      await new Promise((r) => setTimeout(r, 600));
      expect((await readyz()).status).toBe(503);

      await injectAuditFault(runtime, false);
      const green = await until(readyz, (r) => r.status === 200);
      expect(green.status).toBe(200);
      await runtime.audit.flush();

      const events = await app.inject({
        method: 'GET',
        url: `/keyward/v1/audit-events?api_key=${admin.key}&limit=20`,
        headers: { authorization: 'Basic ' + Buffer.from(`${admin.key}:${admin.secret}`).toString('base64') },
      });
      expect(events.statusCode).toBe(200);
      const verifies = (events.json() as { data: Array<{ data: { methodName: string; result: { status: string }; count?: number } }> }).data.filter((e) => e.data.methodName === 'keyward.Verify');
      expect(verifies.map((e) => [e.data.result.status, e.data.count]).sort()).toEqual([
        ['SUCCESS', 1],
        ['UNAUTHENTICATED', undefined],
      ]);
    }, 30_000);
  });
}

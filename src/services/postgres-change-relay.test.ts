import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createPostgresSchema, postgresAvailable } from '../../test/helpers/databases.js';
import { createChangeBus } from './changes.js';
import { channelFor, payloads, startPostgresRelay } from './postgres-change-relay.js';

describe('payloads', () => {
  it('splits large batches under the NOTIFY limit and keeps every change', () => {
    const changes = Array.from({ length: 1000 }, (_, i) => ({ kind: 'api-key' as const, id: `KEY${String(i).padStart(13, '0')}` }));
    const out = payloads('me', changes);
    expect(out.length).toBeGreaterThan(1);
    for (const p of out) expect(p.length).toBeLessThanOrEqual(7000);
    const back = out.flatMap((p) => (JSON.parse(p) as { changes: unknown[] }).changes);
    expect(back).toEqual(changes);
  });
  it('sends one small batch as one payload', () => {
    expect(payloads('me', [{ kind: 'owner', id: 'sa-abc123' }])).toEqual(['{"origin":"me","changes":[{"kind":"owner","id":"sa-abc123"}]}']);
  });
});

describe('channelFor', () => {
  it('gives each schema its own valid channel name', () => {
    expect(channelFor('public')).toMatch(/^keyward_changes_[0-9a-f]{16}$/);
    expect(channelFor('public')).toBe(channelFor('public'));
    expect(channelFor('tenant_a')).not.toBe(channelFor('tenant_b'));
  });
});

describe.skipIf(!postgresAvailable)('startPostgresRelay after its connection is terminated', () => {
  it('reports down, flushes caches, reconnects with a short backoff, flushes again and delivers notifications', async () => {
    const db = await createPostgresSchema();
    const url = new URL(db.options.databaseUrl as string);
    const appName = `kw_relay_${randomBytes(4).toString('hex')}`;
    url.searchParams.set('application_name', appName);
    const bus = createChangeBus();
    const seen: string[] = [];
    bus.subscribe((change) => seen.push(change.kind === 'api-key' ? `api-key:${change.id}` : change.kind));
    const health: boolean[] = [];
    const relay = await startPostgresRelay({ databaseUrl: url.toString(), bus, instanceId: 'me', onHealth: (h) => health.push(h) });
    const admin = new pg.Client({ connectionString: db.options.databaseUrl });
    await admin.connect();
    try {
      expect(health).toEqual([true]);
      seen.length = 0;
      const { rows } = await admin.query<{ ok: boolean }>('select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = $1', [appName]);
      expect(rows.length).toBe(1); // the relay names its connection like the pool's
      const start = Date.now();
      while (health.length < 3 && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 10));
      expect(health).toEqual([true, false, true]);
      expect(seen).toEqual(['all', 'all']); // on loss, and after reconnecting (notifications were missed)
      const schema = (await admin.query<{ s: string }>('select current_schema() as s')).rows[0]?.s as string;
      await admin.query('select pg_notify($1, $2)', [channelFor(schema), JSON.stringify({ origin: 'other', changes: [{ kind: 'api-key', id: 'K1' }] })]);
      const wait = Date.now();
      while (!seen.includes('api-key:K1') && Date.now() - wait < 5000) await new Promise((r) => setTimeout(r, 10));
      expect(seen).toContain('api-key:K1');
    } finally {
      await admin.end();
      await relay.stop();
      await db.drop();
    }
  }, 20_000);
});

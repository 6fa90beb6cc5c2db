import { sql } from 'kysely';
import pg from 'pg';
import { createHash } from 'node:crypto';
import type { Change, ChangeBus, ChangeRelay } from './changes.js';

export const CHANGE_CHANNEL = 'keyward_changes';

/**
 * The channel of one store: keyward's tables live in one schema, and deployments that share a
 * database in different schemas must not hear (and flush their caches on) each other's changes.
 */
export function channelFor(schema: string): string {
  return `${CHANGE_CHANNEL}_${createHash('sha256').update(schema).digest('hex').slice(0, 16)}`;
}
const MAX_PAYLOAD = 7000; // PostgreSQL's NOTIFY payload limit is 8000 bytes

interface Message {
  origin: string;
  changes: Change[];
}

/** Splits changes into NOTIFY-sized payloads; an oversized single change becomes "all". */
export function payloads(origin: string, changes: Change[]): string[] {
  const out: string[] = [];
  let batch: Change[] = [];
  const flush = () => {
    if (batch.length) out.push(JSON.stringify({ origin, changes: batch } satisfies Message));
    batch = [];
  };
  for (const change of changes) {
    const candidate = JSON.stringify({ origin, changes: [...batch, change] });
    if (candidate.length > MAX_PAYLOAD) {
      flush();
      if (JSON.stringify({ origin, changes: [change] }).length > MAX_PAYLOAD) {
        out.push(JSON.stringify({ origin, changes: [{ kind: 'all' }] }));
        continue;
      }
    }
    batch.push(change);
  }
  flush();
  return out;
}

async function currentSchema(databaseUrl: string): Promise<string> {
  const probe = new pg.Client({ connectionString: databaseUrl });
  try {
    await probe.connect();
    const { rows } = await probe.query<{ schema: string | null }>('select current_schema() as schema');
    return rows[0]?.schema ?? 'public';
  } finally {
    await probe.end().catch(() => undefined);
  }
}

export interface PostgresRelayOptions {
  databaseUrl: string;
  bus: ChangeBus;
  instanceId: string;
  /** Called with false while the listener is down (caches must not be trusted) and true once back. */
  onHealth?: (healthy: boolean) => void;
  log?: (message: string) => void;
}

/**
 * Carries cache invalidations between instances through PostgreSQL LISTEN/NOTIFY. Notifications
 * are sent inside the change's transaction, so they are delivered exactly when it commits. While
 * the listening connection is down every cache is cleared and bypassed: the server fails closed
 * to the database, never to a stale cache.
 */
export async function startPostgresRelay(options: PostgresRelayOptions): Promise<{ stop(): Promise<void> }> {
  let client: pg.Client | undefined;
  let stopped = false;
  const channel = channelFor(await currentSchema(options.databaseUrl));
  let retry: NodeJS.Timeout | undefined;

  const relay: ChangeRelay = {
    async announce(trx, changes) {
      for (const payload of payloads(options.instanceId, changes)) {
        await sql`select pg_notify(${channel}, ${payload})`.execute(trx);
      }
    },
  };

  const down = () => {
    options.onHealth?.(false);
    options.bus.publish([{ kind: 'all' }]);
  };

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: options.databaseUrl });
    next.on('notification', (message) => {
      if (message.channel !== channel || !message.payload) return;
      try {
        const parsed = JSON.parse(message.payload) as Message;
        if (parsed.origin !== options.instanceId) options.bus.publish(parsed.changes);
      } catch {
        options.bus.publish([{ kind: 'all' }]);
      }
    });
    const lost = () => {
      if (client !== next) return;
      client = undefined;
      down();
      if (!stopped) schedule();
    };
    next.on('error', lost);
    next.on('end', lost);
    await next.connect();
    await next.query(`LISTEN ${channel}`);
    client = next;
    options.bus.publish([{ kind: 'all' }]);
    options.onHealth?.(true);
  }

  function schedule(): void {
    retry = setTimeout(() => {
      connect().catch((error: Error) => {
        options.log?.(`change relay: reconnect failed (${error.message}); retrying`);
        if (!stopped) schedule();
      });
    }, 1000);
    retry.unref();
  }

  options.bus.setRelay(relay);
  try {
    await connect();
  } catch (error) {
    down();
    options.log?.(`change relay: cannot listen (${(error as Error).message}); retrying`);
    schedule();
  }

  return {
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      options.bus.setRelay(undefined);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}

import { sql } from 'kysely';
import pg from 'pg';
import { createHash } from 'node:crypto';
import type { Change, ChangeBus, ChangeRelay } from './changes.js';
import { postgresConnectionConfig } from '../store/connect.js';

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
  const probe = new pg.Client(postgresConnectionConfig(databaseUrl));
  probe.on('error', () => undefined); // a connection lost here fails the query below
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
  /** First reconnect delay in ms (default 50); it doubles on each failure up to `maxRetryMs`. */
  minRetryMs?: number;
  /** Longest reconnect delay in ms (default 500): the relay is back within this of the database. */
  maxRetryMs?: number;
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

  const minRetry = options.minRetryMs ?? 50;
  const maxRetry = options.maxRetryMs ?? 500;
  let delay = minRetry;

  const down = () => {
    options.onHealth?.(false);
    options.bus.publish([{ kind: 'all' }]);
  };

  async function connect(): Promise<void> {
    const next = new pg.Client(postgresConnectionConfig(options.databaseUrl));
    next.on('notification', (message) => {
      if (message.channel !== channel || !message.payload) return;
      try {
        const parsed = JSON.parse(message.payload) as Message;
        if (parsed.origin !== options.instanceId) options.bus.publish(parsed.changes);
      } catch {
        options.bus.publish([{ kind: 'all' }]);
      }
    });
    // Every error of this connection is handled (an unhandled `error` event ends the process):
    // while connecting it rejects connect() below; once listening it means the connection is gone.
    const lost = () => {
      if (client !== next) return;
      client = undefined;
      down();
      void next.end().catch(() => undefined);
      if (!stopped) schedule();
    };
    next.on('error', lost);
    next.on('end', lost);
    try {
      await next.connect();
      await next.query(`LISTEN ${channel}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    if (stopped) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    delay = minRetry;
    // Notifications sent while no connection listened are lost: everything cached may be stale.
    options.bus.publish([{ kind: 'all' }]);
    options.onHealth?.(true);
  }

  /** Reconnects after a short delay that doubles on each failure, capped at `maxRetry`. */
  function schedule(): void {
    if (retry) clearTimeout(retry);
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch((error: Error) => {
        options.log?.(`change relay: reconnect failed (${error.message}); retrying`);
        delay = Math.min(delay * 2, maxRetry);
        if (!stopped) schedule();
      });
    }, delay);
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

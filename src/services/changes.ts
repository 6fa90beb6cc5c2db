import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';

/**
 * A change that caches must hear about: a key, its owner, the grants of a principal, or
 * everything at once (after a lost connection to the other instances).
 */
export type Change =
  | { kind: 'api-key'; id: string }
  | { kind: 'owner'; id: string }
  | { kind: 'grants'; principal?: string }
  | { kind: 'signing-keys' }
  | { kind: 'all' };

/** Carries changes to other instances; `announce` runs inside the change's transaction. */
export interface ChangeRelay {
  announce(trx: Kysely<Database>, changes: Change[]): Promise<void>;
}

export interface ChangeBus {
  /** Inside the transaction: hand the changes to the relay, so they travel only if it commits. */
  announce(trx: Kysely<Database>, changes: Change[]): Promise<void>;
  /** After commit (or from another instance): deliver to this process's caches. */
  publish(changes: Change[]): void;
  subscribe(listener: (change: Change) => void): () => void;
  setRelay(relay: ChangeRelay | undefined): void;
}

export function createChangeBus(): ChangeBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(100);
  let relay: ChangeRelay | undefined;
  return {
    async announce(trx, changes) {
      if (relay && changes.length > 0) await relay.announce(trx, changes);
    },
    publish(changes) {
      for (const change of changes) emitter.emit('change', change);
    },
    subscribe(listener) {
      emitter.on('change', listener);
      return () => emitter.off('change', listener);
    },
    setRelay(next) {
      relay = next;
    },
  };
}

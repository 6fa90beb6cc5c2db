import { EventEmitter } from 'node:events';

/**
 * A change that caches must hear about: a key, its owner, or the grants of a principal.
 * Published in-process after commit; the PostgreSQL relay forwards them to other instances.
 */
export type Change =
  | { kind: 'api-key'; id: string }
  | { kind: 'owner'; id: string }
  | { kind: 'grants'; principal?: string }
  | { kind: 'signing-keys' }
  | { kind: 'policy' };

export interface ChangeBus {
  publish(changes: Change[]): void;
  /** Deliver changes that arrived from another instance (no re-broadcast). */
  receive(changes: Change[]): void;
  subscribe(listener: (change: Change) => void): () => void;
  /** Hook for a cross-instance relay: called with every locally published batch. */
  setRelay(relay: ((changes: Change[]) => void) | undefined): void;
}

export function createChangeBus(): ChangeBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(100);
  let relay: ((changes: Change[]) => void) | undefined;
  const deliver = (changes: Change[]) => {
    for (const change of changes) emitter.emit('change', change);
  };
  return {
    publish(changes) {
      if (changes.length === 0) return;
      deliver(changes);
      relay?.(changes);
    },
    receive: deliver,
    subscribe(listener) {
      emitter.on('change', listener);
      return () => emitter.off('change', listener);
    },
    setRelay(next) {
      relay = next;
    },
  };
}

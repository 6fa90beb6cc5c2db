import type { Change, ChangeBus } from '../changes.js';
import type { KeyRecord } from './key-record.js';

const ABSENT = Symbol('absent');
type Entry = KeyRecord | typeof ABSENT;

/**
 * A bounded LRU of key records (and of ids known to be absent), so that a recently seen key
 * costs no database round trip. Every change to a key or its owner evicts what it touches; a
 * lost connection to the other instances clears everything.
 */
export class KeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byOwner = new Map<string, Set<string>>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity = 100_000) {}

  /** The record, `null` when the key is known not to exist, `undefined` when not cached. */
  get(id: string): KeyRecord | null | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // refresh recency: Map keeps insertion order, so re-inserting moves it to the end
    this.entries.delete(id);
    this.entries.set(id, entry);
    return entry === ABSENT ? null : entry;
  }

  set(id: string, record: KeyRecord | null): void {
    this.evict(id);
    this.entries.set(id, record ?? ABSENT);
    if (record) {
      let keys = this.byOwner.get(record.ownerId);
      if (!keys) this.byOwner.set(record.ownerId, (keys = new Set()));
      keys.add(id);
    }
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.evict(oldest);
    }
  }

  evict(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.entries.delete(id);
    if (entry !== ABSENT) {
      const keys = this.byOwner.get(entry.ownerId);
      keys?.delete(id);
      if (keys && keys.size === 0) this.byOwner.delete(entry.ownerId);
    }
  }

  evictOwner(ownerId: string): void {
    for (const id of [...(this.byOwner.get(ownerId) ?? [])]) this.evict(id);
  }

  clear(): void {
    this.entries.clear();
    this.byOwner.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  apply(change: Change): void {
    if (change.kind === 'api-key') this.evict(change.id);
    else if (change.kind === 'owner') this.evictOwner(change.id);
    else if (change.kind === 'all') this.clear();
  }

  /** Keeps the cache in step with the change bus; returns the unsubscribe function. */
  follow(bus: ChangeBus): () => void {
    return bus.subscribe((change) => this.apply(change));
  }
}

import type { Change, ChangeBus } from '../changes.js';
import type { KeyRecord } from './key-record.js';
import { EvictionCursor } from '../eviction-cursor.js';

/**
 * A bounded LRU of key records, so that a recently seen key costs no database round trip. Every
 * change to a key or its owner evicts what it touches; a lost connection to the other instances
 * clears everything. Absent ids are not cached: a failed check always reads the store (verifier.ts),
 * so an id that does not exist costs what a wrong secret costs, and a key created on another
 * instance is found at once.
 */
export class KeyCache {
  private readonly entries = new Map<string, KeyRecord>();
  private readonly byOwner = new Map<string, Set<string>>();
  hits = 0;
  misses = 0;
  /**
   * Moves on every invalidation. A lookup that read the database before an invalidation must not
   * fill the cache after it (it would put back the record the invalidation removed): fill only if
   * the generation is the one seen before the read.
   */
  generation = 0;
  /** The entries oldest first, for eviction. */
  private readonly oldest = new EvictionCursor(this.entries);

  constructor(private readonly capacity = 100_000) {}

  /** The record, `undefined` when not cached. */
  get(id: string): KeyRecord | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // refresh recency: Map keeps insertion order, so re-inserting moves it to the end
    this.entries.delete(id);
    this.entries.set(id, entry);
    return entry;
  }

  set(id: string, record: KeyRecord): void {
    this.evict(id);
    this.entries.set(id, record);
    let keys = this.byOwner.get(record.ownerId);
    if (!keys) this.byOwner.set(record.ownerId, (keys = new Set()));
    keys.add(id);
    while (this.entries.size > this.capacity) this.evict(this.oldest.oldest() as string);
  }

  evict(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.entries.delete(id);
    const keys = this.byOwner.get(entry.ownerId);
    keys?.delete(id);
    if (keys && keys.size === 0) this.byOwner.delete(entry.ownerId);
  }

  evictOwner(ownerId: string): void {
    for (const id of [...(this.byOwner.get(ownerId) ?? [])]) this.evict(id);
  }

  clear(): void {
    this.entries.clear();
    this.byOwner.clear();
    this.oldest.reset();
  }

  get size(): number {
    return this.entries.size;
  }

  apply(change: Change): void {
    if (change.kind === 'api-key' || change.kind === 'owner' || change.kind === 'all') this.generation++;
    if (change.kind === 'api-key') this.evict(change.id);
    else if (change.kind === 'owner') this.evictOwner(change.id);
    else if (change.kind === 'all') this.clear();
  }

  /** Keeps the cache in step with the change bus; returns the unsubscribe function. */
  follow(bus: ChangeBus): () => void {
    return bus.subscribe((change) => this.apply(change));
  }
}

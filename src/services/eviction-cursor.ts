/**
 * The keys of a Map oldest first, one at a time, for a bounded cache that evicts the key it is given.
 * A fresh `keys()` iterator steps over every entry deleted from the front of the Map since its last
 * compaction (V8 leaves holes), so taking `map.keys().next()` for each eviction of a full cache costs
 * more each time; this cursor keeps one iterator and steps over each hole once. The caller evicts
 * every key it takes, so the next key taken is again the oldest one (the least recently used, when
 * the caller moves a key to the end of the Map on each use).
 */
export class EvictionCursor<K> {
  private keys: MapIterator<K>;

  constructor(private readonly map: Map<K, unknown>) {
    this.keys = map.keys();
  }

  /** The oldest key in the map, to be evicted; undefined when the map is empty. */
  oldest(): K | undefined {
    let step = this.keys.next();
    // a finished iterator sees no later entries: should it ever have run past the end, start from the front again
    if (step.done) step = (this.keys = this.map.keys()).next();
    return step.done ? undefined : step.value;
  }

  /** Starts again from the front (after the map was cleared). */
  reset(): void {
    this.keys = this.map.keys();
  }
}

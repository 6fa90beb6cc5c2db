package io.keyward.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The broker's copy of keyward's replica for one cluster (DESIGN §8): keys by id and the grants, with the revision
 * they reflect. Reads ({@link #key}, {@link #grants}, {@link #revision}, {@link #stale}) take no lock and may come
 * from any thread; writes come from the sync thread only and are serialised by this object's monitor.
 * Keys live in a {@link ConcurrentHashMap} updated in place (a full snapshot swaps in a new map); the grants are an
 * immutable {@link GrantIndex} replaced copy-on-write.
 */
public final class ReplicaStore {

  /** An owner's new status from a change frame. */
  public record OwnerStatus(String id, String kind, String status) {}

  /** A full replica, as {@code GET …/replica} returns it. */
  public record Snapshot(String cluster, long revision, List<KeyEntry> keys, List<Grant> grants) {}

  /** One {@code change} frame of the stream; {@code revision} is the last revision it covers. */
  public record Change(long revision, List<KeyEntry> keys, List<String> deletedKeys, List<OwnerStatus> owners,
                       Map<String, List<Grant>> grants) {}

  private final long maxStalenessMs;
  private final CompletableFuture<Void> firstLoad = new CompletableFuture<>();
  private volatile ConcurrentHashMap<String, KeyEntry> keys = new ConcurrentHashMap<>();
  private volatile GrantIndex grants = GrantIndex.of(List.of());
  private volatile long revision = -1L;
  private volatile boolean loaded;
  private volatile long lastContactMs = Long.MIN_VALUE;
  /** Writer-side index (owner id → key ids); touched only under this object's monitor. */
  private final Map<String, Set<String>> keysByOwner = new HashMap<>();

  public ReplicaStore(long maxStalenessMs) {
    this.maxStalenessMs = maxStalenessMs;
  }

  /** The key with this id, or null. */
  public KeyEntry key(String id) {
    return id == null ? null : keys.get(id);
  }

  public GrantIndex grants() { return grants; }

  /** The revision the replica reflects; -1 before the first load. */
  public long revision() { return revision; }

  public boolean loaded() { return loaded; }

  /** Completes when the first full replica has been applied. */
  public CompletableFuture<Void> firstLoad() { return firstLoad; }

  /** Not loaded, or nothing heard from keyward for longer than {@code keyward.replica.max.staleness.ms}. */
  public boolean stale(long nowMs) {
    return !loaded || nowMs - lastContactMs > maxStalenessMs;
  }

  /** When keyward was last heard from (a snapshot, a change or a heartbeat); {@link Long#MIN_VALUE} if never. */
  public long lastContactMs() { return lastContactMs; }

  public long maxStalenessMs() { return maxStalenessMs; }

  public int keyCount() { return keys.size(); }

  public int grantCount() { return grants.size(); }

  /** keyward was heard from (e.g. a heartbeat). */
  public void touch(long nowMs) {
    if (loaded) lastContactMs = nowMs;
  }

  /** Replaces everything by a full replica. */
  public synchronized void applySnapshot(Snapshot snapshot, long nowMs) {
    ConcurrentHashMap<String, KeyEntry> next = new ConcurrentHashMap<>(Math.max(16, snapshot.keys().size() * 4 / 3 + 1));
    keysByOwner.clear();
    for (KeyEntry key : snapshot.keys()) {
      next.put(key.id(), key);
      keysByOwner.computeIfAbsent(key.ownerId(), o -> new HashSet<>()).add(key.id());
    }
    GrantIndex index = GrantIndex.of(snapshot.grants());
    this.grants = index;
    this.keys = next;
    this.revision = snapshot.revision();
    this.lastContactMs = nowMs;
    this.loaded = true;
    firstLoad.complete(null);
  }

  /**
   * Applies one change frame; a frame not newer than the current revision is ignored. Returns whether it was
   * applied. Order: deleted keys, upserted keys, owners (DELETED drops the owner's keys), then grants.
   */
  public synchronized boolean applyChange(Change change, long nowMs) {
    if (!loaded) throw new IllegalStateException("a change before the first snapshot");
    lastContactMs = nowMs;
    if (change.revision() <= revision) return false;
    ConcurrentHashMap<String, KeyEntry> map = keys;
    for (String id : change.deletedKeys()) {
      KeyEntry old = map.remove(id);
      if (old != null) unindex(old);
    }
    for (KeyEntry key : change.keys()) {
      KeyEntry old = map.put(key.id(), key);
      if (old != null && !old.ownerId().equals(key.ownerId())) unindex(old);
      keysByOwner.computeIfAbsent(key.ownerId(), o -> new HashSet<>()).add(key.id());
    }
    for (OwnerStatus owner : change.owners()) {
      Set<String> ids = keysByOwner.get(owner.id());
      if (ids == null) continue;
      if ("DELETED".equals(owner.status())) {
        for (String id : ids) map.remove(id);
        keysByOwner.remove(owner.id());
        continue;
      }
      boolean active = "ACTIVE".equals(owner.status());
      for (String id : new ArrayList<>(ids)) {
        KeyEntry k = map.get(id);
        if (k == null || k.ownerActive() == active) continue;
        map.put(id, new KeyEntry(k.id(), k.secretSha256(), k.active(), k.ownerId(),
            owner.kind() == null ? k.ownerKind() : owner.kind(), active, k.expiresAtMs(), k.principal()));
      }
    }
    if (!change.grants().isEmpty()) grants = grants.withPrincipals(change.grants());
    revision = change.revision();
    return true;
  }

  /** All keys (a moment's view), for tests and diagnostics. */
  Collection<KeyEntry> keys() { return List.copyOf(keys.values()); }

  private void unindex(KeyEntry key) {
    Set<String> ids = keysByOwner.get(key.ownerId());
    if (ids == null) return;
    ids.remove(key.id());
    if (ids.isEmpty()) keysByOwner.remove(key.ownerId());
  }
}

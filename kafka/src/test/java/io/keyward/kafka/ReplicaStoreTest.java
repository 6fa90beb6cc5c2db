package io.keyward.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class ReplicaStoreTest {

  private static final long T0 = 1_800_000_000_000L;

  private static ReplicaStore loaded() {
    ReplicaStore store = new ReplicaStore(60_000);
    store.applySnapshot(Fixtures.snapshot(), T0);
    return store;
  }

  @Test
  void isEmptyAndStaleUntilTheFirstSnapshot() {
    ReplicaStore store = new ReplicaStore(60_000);
    assertFalse(store.loaded());
    assertTrue(store.stale(T0));
    assertFalse(store.firstLoad().isDone());
    assertEquals(-1, store.revision());
    assertNull(store.key("AAAAAAAAAAAAAAA1"));
    assertThrows(IllegalStateException.class, () -> store.applyChange(new ReplicaStore.Change(1, List.of(), List.of(), List.of(), Map.of()), T0));
  }

  @Test
  void aSnapshotLoadsKeysAndGrants() {
    ReplicaStore store = loaded();
    assertTrue(store.loaded());
    assertTrue(store.firstLoad().isDone());
    assertEquals(42, store.revision());
    assertEquals(8, store.keyCount());
    assertEquals(5, store.grantCount());
    assertEquals("sa-alpha", store.key("AAAAAAAAAAAAAAA1").ownerId());
    Grant g = store.grants().decide("User:sa-alpha", "10.0.0.1", AclOperation.WRITE, ResourceType.TOPIC, "orders");
    assertNotNull(g);
    assertEquals(AclPermissionType.ALLOW, g.permission());
  }

  @Test
  void stalenessCountsFromTheLastContact() {
    ReplicaStore store = loaded();
    assertFalse(store.stale(T0 + 60_000));
    assertTrue(store.stale(T0 + 60_001));
    store.touch(T0 + 50_000);
    assertEquals(T0 + 50_000, store.lastContactMs());
    assertFalse(store.stale(T0 + 110_000));
    assertTrue(store.stale(T0 + 110_001));
  }

  @Test
  void aChangeUpsertsDeletesAppliesOwnersAndReplacesGrants() throws IOException {
    ReplicaStore store = loaded();
    assertTrue(store.applyChange(ReplicaJson.change(Fixtures.text("change-43.json")), T0 + 1_000));
    assertEquals(43, store.revision());
    assertEquals(T0 + 1_000, store.lastContactMs());
    // upsert and delete
    assertNotNull(store.key("AAAAAAAAAAAAAAA3"));
    assertNull(store.key("AAAAAAAAAAAAAAA2"));
    assertNotNull(store.key("AAAAAAAAAAAAAAA1"));
    // sa-beta DISABLED: every key of it keeps its own status, the owner is no longer active
    assertFalse(store.key("BBBBBBBBBBBBBBB1").ownerActive());
    assertTrue(store.key("BBBBBBBBBBBBBBB1").active());
    assertFalse(store.key("DDDDDDDDDDDDDDD1").ownerActive());
    // u-gamma DELETED: its keys are gone
    assertNull(store.key("EEEEEEEEEEEEEEE1"));
    assertNull(store.key("FFFFFFFFFFFFFFF1"));
    // sa-alpha's grants replaced by the one new grant; sa-beta's removed; others kept
    GrantIndex grants = store.grants();
    assertNull(grants.decide("User:sa-alpha", "10.0.0.1", AclOperation.WRITE, ResourceType.TOPIC, "orders"));
    assertNotNull(grants.decide("User:sa-alpha", "10.0.0.1", AclOperation.READ, ResourceType.TOPIC, "orders-eu"));
    assertNull(grants.decide("User:sa-beta", "10.0.0.1", AclOperation.READ, ResourceType.TOPIC, "payments"));
    assertNotNull(grants.decide("User:sa-kafka-broker", "10.0.0.1", AclOperation.CLUSTER_ACTION, ResourceType.CLUSTER, "kafka-cluster"));
    assertEquals(2, grants.size());
  }

  @Test
  void anOwnerBackToActiveReactivatesItsKeys() throws IOException {
    ReplicaStore store = loaded();
    assertFalse(store.key("OOOOOOOOOOOOOOO1").ownerActive());
    store.applyChange(ReplicaJson.change(
        "{\"revision\":43,\"keys\":[],\"deleted_keys\":[],\"owners\":[{\"id\":\"sa-off\",\"kind\":\"service-account\",\"status\":\"ACTIVE\"}],\"grants\":[]}"),
        T0);
    assertTrue(store.key("OOOOOOOOOOOOOOO1").ownerActive());
  }

  @Test
  void aKeyMovedToAnotherOwnerFollowsItsNewOwner() throws IOException {
    ReplicaStore store = loaded();
    String moved = Fixtures.text("change-43.json");
    store.applyChange(ReplicaJson.change("{\"revision\":43,\"keys\":[" + keyJson("AAAAAAAAAAAAAAA1", "sa-new") + "],"
        + "\"deleted_keys\":[],\"owners\":[{\"id\":\"sa-alpha\",\"kind\":\"service-account\",\"status\":\"DELETED\"}],\"grants\":[]}"), T0);
    assertNotNull(moved);
    assertEquals("sa-new", store.key("AAAAAAAAAAAAAAA1").ownerId());
    assertNull(store.key("AAAAAAAAAAAAAAA2"));
  }

  @Test
  void anOldOrRepeatedChangeIsIgnoredButCountsAsContact() throws IOException {
    ReplicaStore store = loaded();
    GrantIndex before = store.grants();
    assertFalse(store.applyChange(new ReplicaStore.Change(42, List.of(), List.of("AAAAAAAAAAAAAAA1"), List.of(), Map.of()), T0 + 5));
    assertNotNull(store.key("AAAAAAAAAAAAAAA1"));
    assertSame(before, store.grants());
    assertEquals(T0 + 5, store.lastContactMs());
  }

  @Test
  void aNewSnapshotReplacesEverything() throws IOException {
    ReplicaStore store = loaded();
    store.applyChange(ReplicaJson.change(Fixtures.text("change-43.json")), T0);
    store.applySnapshot(Fixtures.snapshot(), T0 + 10);
    assertEquals(42, store.revision());
    assertNotNull(store.key("AAAAAAAAAAAAAAA2"));
    assertNull(store.key("AAAAAAAAAAAAAAA3"));
    assertEquals(5, store.grantCount());
  }

  private static String keyJson(String id, String owner) {
    return "{\"id\":\"" + id + "\",\"secret_sha256\":\"" + "ab".repeat(32) + "\",\"status\":\"ACTIVE\","
        + "\"owner\":{\"id\":\"" + owner + "\",\"kind\":\"service-account\",\"status\":\"ACTIVE\"},\"expires_at\":null}";
  }
}

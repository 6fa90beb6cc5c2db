package io.keyward.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class ReplicaJsonTest {

  @Test
  void parsesTheSnapshot() throws IOException {
    ReplicaStore.Snapshot s = ReplicaJson.snapshot(Fixtures.bytes("snapshot.json"));
    assertEquals("lkc-test01", s.cluster());
    assertEquals(42, s.revision());
    assertEquals(8, s.keys().size());
    KeyEntry alpha = s.keys().get(0);
    assertEquals("AAAAAAAAAAAAAAA1", alpha.id());
    assertArrayEquals(LoginCheck.sha256("kw_alpha_one"), alpha.secretSha256());
    assertTrue(alpha.active());
    assertEquals("sa-alpha", alpha.ownerId());
    assertEquals("service-account", alpha.ownerKind());
    assertEquals("User:sa-alpha", alpha.principal());
    assertEquals(Long.MAX_VALUE, alpha.expiresAtMs());
    KeyEntry disabled = s.keys().get(3);
    assertFalse(disabled.active());
    KeyEntry expired = s.keys().get(4);
    assertEquals(1577836800000L, expired.expiresAtMs());
    assertEquals("user", expired.ownerKind());
    assertFalse(s.keys().get(6).ownerActive());

    assertEquals(5, s.grants().size());
    Grant g = s.grants().get(0);
    assertEquals("User:sa-alpha", g.principal());
    assertEquals(AclPermissionType.ALLOW, g.permission());
    assertEquals(Set.of(AclOperation.WRITE, AclOperation.DESCRIBE), g.operations());
    assertEquals(ResourceType.TOPIC, g.resourceType());
    assertEquals(PatternType.LITERAL, g.patternType());
    assertEquals("orders", g.name());
    assertEquals("*", g.host());
    assertEquals("role-binding", g.sourceKind());
    assertEquals("rb-1", g.sourceId());
    assertEquals("DeveloperWrite", g.role());
    Grant acl = s.grants().get(2);
    assertEquals(AclPermissionType.DENY, acl.permission());
    assertEquals("acl", acl.sourceKind());
    assertNull(acl.role());
    // an operation this Kafka does not know is left out, the others kept
    assertEquals(Set.of(AclOperation.READ, AclOperation.DESCRIBE), s.grants().get(3).operations());
    assertEquals(Set.of(AclOperation.ALL), s.grants().get(4).operations());
    assertEquals(ResourceType.CLUSTER, s.grants().get(4).resourceType());
  }

  @Test
  void parsesAChangeFrame() throws IOException {
    ReplicaStore.Change c = ReplicaJson.change(Fixtures.text("change-43.json"));
    assertEquals(43, c.revision());
    assertEquals(1, c.keys().size());
    assertEquals("AAAAAAAAAAAAAAA3", c.keys().get(0).id());
    assertEquals(java.util.List.of("AAAAAAAAAAAAAAA2"), c.deletedKeys());
    assertEquals(2, c.owners().size());
    assertEquals(new ReplicaStore.OwnerStatus("u-gamma", "user", "DELETED"), c.owners().get(1));
    assertEquals(2, c.grants().size());
    assertEquals(1, c.grants().get("User:sa-alpha").size());
    assertEquals(PatternType.PREFIXED, c.grants().get("User:sa-alpha").get(0).patternType());
    assertTrue(c.grants().get("User:sa-beta").isEmpty());
  }

  @Test
  void parsesHeartbeatAndResyncRevisions() throws IOException {
    assertEquals(43, ReplicaJson.frameRevision("{\"revision\":43,\"time\":\"2026-12-01T22:00:00.000Z\"}", "heartbeat"));
    assertEquals(44, ReplicaJson.frameRevision("{\"revision\":44}", "resync"));
    assertThrows(IOException.class, () -> ReplicaJson.frameRevision("{}", "resync"));
    assertThrows(IOException.class, () -> ReplicaJson.frameRevision("nope", "heartbeat"));
  }

  @Test
  void anExpiryThatDoesNotParseCountsAsExpired() throws IOException {
    String json = Fixtures.text("snapshot.json").replace("2999-01-01T00:00:00.000Z", "someday");
    ReplicaStore.Snapshot s = ReplicaJson.snapshot(json.getBytes(StandardCharsets.UTF_8));
    assertEquals(Long.MIN_VALUE, s.keys().get(5).expiresAtMs());
  }

  @Test
  void malformedDocumentsNameTheFieldAndNeverTheHash() {
    String snapshot = Fixtures.text("snapshot.json");
    String hash = "4893ebf8958abafd250219e21b8e65250056b66b41be65cc943a9e563b138611";
    assertTrue(snapshot.contains(hash));
    String badHash = snapshot.replace(hash, hash.substring(0, 63) + "z");
    IOException e = assertThrows(IOException.class, () -> ReplicaJson.snapshot(badHash.getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("replica.keys[0].secret_sha256"), e.getMessage());
    assertFalse(e.getMessage().contains(hash.substring(0, 20)));

    String noRevision = snapshot.replace("\"revision\": 42", "\"rev\": 42");
    e = assertThrows(IOException.class, () -> ReplicaJson.snapshot(noRevision.getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("revision"), e.getMessage());

    String badPermission = snapshot.replaceFirst("\"permission\": \"ALLOW\"", "\"permission\": \"MAYBE\"");
    e = assertThrows(IOException.class, () -> ReplicaJson.snapshot(badPermission.getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("replica.grants[0].permission"), e.getMessage());

    e = assertThrows(IOException.class, () -> ReplicaJson.change("{\"revision\":5,\"keys\":[],\"owners\":[],\"grants\":[]}"));
    assertTrue(e.getMessage().contains("change.deleted_keys"), e.getMessage());
    e = assertThrows(IOException.class, () -> ReplicaJson.change(
        "{\"revision\":5,\"keys\":[],\"deleted_keys\":[],\"owners\":[{\"id\":\"sa-x\",\"status\":\"GONE\"}],\"grants\":[]}"));
    assertTrue(e.getMessage().contains("change.owners[0].status"), e.getMessage());
  }
}

package io.keyward.kafka;

import static io.keyward.kafka.Grants.allow;
import static io.keyward.kafka.Grants.deny;
import static io.keyward.kafka.Grants.grant;
import static org.apache.kafka.common.acl.AclOperation.ALL;
import static org.apache.kafka.common.acl.AclOperation.ALTER;
import static org.apache.kafka.common.acl.AclOperation.ALTER_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.CREATE;
import static org.apache.kafka.common.acl.AclOperation.DELETE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.IDEMPOTENT_WRITE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;
import static org.apache.kafka.common.resource.PatternType.LITERAL;
import static org.apache.kafka.common.resource.PatternType.PREFIXED;
import static org.apache.kafka.common.resource.ResourceType.CLUSTER;
import static org.apache.kafka.common.resource.ResourceType.GROUP;
import static org.apache.kafka.common.resource.ResourceType.TOPIC;
import static org.apache.kafka.common.resource.ResourceType.TRANSACTIONAL_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.junit.jupiter.api.Test;

class GrantIndexTest {

  private static final String SA = "User:sa-1";
  private static final String OTHER = "User:sa-2";
  private static final String HOST = "10.0.0.1";

  @Test
  void literalMatchesTheExactNameOnly() {
    Grant g = allow(SA, TOPIC, LITERAL, "orders", READ);
    GrantIndex index = GrantIndex.of(List.of(g));
    assertSame(g, index.decide(SA, HOST, READ, TOPIC, "orders"));
    assertNull(index.decide(SA, HOST, READ, TOPIC, "orders2"));
    assertNull(index.decide(SA, HOST, READ, TOPIC, "order"));
    assertNull(index.decide(SA, HOST, WRITE, TOPIC, "orders"));
    assertNull(index.decide(OTHER, HOST, READ, TOPIC, "orders"));
    assertNull(index.decide(SA, HOST, READ, GROUP, "orders"), "resource types are separate");
  }

  @Test
  void literalStarMatchesEveryName() {
    Grant g = allow(SA, GROUP, LITERAL, "*", READ);
    GrantIndex index = GrantIndex.of(List.of(g));
    assertSame(g, index.decide(SA, HOST, READ, GROUP, "anything"));
    assertSame(g, index.decide(SA, HOST, READ, GROUP, ""));
    assertNull(index.decide(SA, HOST, READ, TOPIC, "anything"));
  }

  @Test
  void prefixedMatchesNamesStartingWithIt() {
    Grant g = allow(SA, TOPIC, PREFIXED, "ord", WRITE);
    Grant longer = deny(SA, TOPIC, PREFIXED, "orders-secret", WRITE);
    GrantIndex index = GrantIndex.of(List.of(g, longer));
    assertSame(g, index.decide(SA, HOST, WRITE, TOPIC, "ord"));
    assertSame(g, index.decide(SA, HOST, WRITE, TOPIC, "orders"));
    assertNull(index.decide(SA, HOST, WRITE, TOPIC, "or"));
    assertNull(index.decide(SA, HOST, WRITE, TOPIC, "xord"));
    assertSame(longer, index.decide(SA, HOST, WRITE, TOPIC, "orders-secret-1"));
    assertSame(g, index.decide(SA, HOST, WRITE, TOPIC, "orders-secre"));
  }

  @Test
  void prefixedStarIsAnOrdinaryPrefix() {
    Grant g = allow(SA, TOPIC, PREFIXED, "*", READ);
    GrantIndex index = GrantIndex.of(List.of(g));
    assertNull(index.decide(SA, HOST, READ, TOPIC, "orders"));
    assertSame(g, index.decide(SA, HOST, READ, TOPIC, "*x"));
  }

  @Test
  void wildcardPrincipalMatchesEveryone() {
    Grant g = allow("User:*", TOPIC, LITERAL, "public", READ);
    GrantIndex index = GrantIndex.of(List.of(g));
    assertSame(g, index.decide(SA, HOST, READ, TOPIC, "public"));
    assertSame(g, index.decide("User:u-9", HOST, READ, TOPIC, "public"));
  }

  @Test
  void hostBoundGrantsMatchThatAddressOnly() {
    Grant g = grant(SA, AclPermissionType.ALLOW, TOPIC, LITERAL, "orders", "10.0.0.7", READ);
    GrantIndex index = GrantIndex.of(List.of(g));
    assertSame(g, index.decide(SA, "10.0.0.7", READ, TOPIC, "orders"));
    assertNull(index.decide(SA, "10.0.0.8", READ, TOPIC, "orders"));
  }

  @Test
  void allMatchesEveryOperation() {
    Grant g = allow(SA, CLUSTER, LITERAL, "kafka-cluster", ALL);
    GrantIndex index = GrantIndex.of(List.of(g));
    for (AclOperation op : List.of(READ, WRITE, CREATE, DESCRIBE, DESCRIBE_CONFIGS, IDEMPOTENT_WRITE, ALTER)) {
      assertSame(g, index.decide(SA, HOST, op, CLUSTER, "kafka-cluster"), op.name());
    }
    assertSame(g, index.decide(SA, HOST, ALL, CLUSTER, "kafka-cluster"));
  }

  @Test
  void allowImpliesDescribeAndDescribeConfigs() {
    for (AclOperation op : List.of(READ, WRITE, DELETE, ALTER, DESCRIBE)) {
      Grant g = allow(SA, TOPIC, LITERAL, "t", op);
      assertSame(g, GrantIndex.of(List.of(g)).decide(SA, HOST, DESCRIBE, TOPIC, "t"), op.name());
    }
    Grant create = allow(SA, TOPIC, LITERAL, "t", CREATE);
    assertNull(GrantIndex.of(List.of(create)).decide(SA, HOST, DESCRIBE, TOPIC, "t"), "CREATE implies nothing");
    Grant alterConfigs = allow(SA, TOPIC, LITERAL, "t", ALTER_CONFIGS);
    assertSame(alterConfigs, GrantIndex.of(List.of(alterConfigs)).decide(SA, HOST, DESCRIBE_CONFIGS, TOPIC, "t"));
    assertNull(GrantIndex.of(List.of(alterConfigs)).decide(SA, HOST, DESCRIBE, TOPIC, "t"));
    Grant read = allow(SA, TOPIC, LITERAL, "t", READ);
    assertNull(GrantIndex.of(List.of(read)).decide(SA, HOST, WRITE, TOPIC, "t"), "READ does not imply WRITE");
  }

  @Test
  void denyImpliesNothing() {
    Grant allowRead = allow(SA, TOPIC, LITERAL, "t", READ);
    Grant denyRead = deny(SA, TOPIC, LITERAL, "t", READ);
    GrantIndex index = GrantIndex.of(List.of(allowRead, denyRead));
    assertSame(denyRead, index.decide(SA, HOST, READ, TOPIC, "t"));
    assertSame(allowRead, index.decide(SA, HOST, DESCRIBE, TOPIC, "t"), "a DENY of READ does not deny DESCRIBE");
    Grant denyAlterConfigs = deny(SA, TOPIC, LITERAL, "t", ALTER_CONFIGS);
    Grant allowDescribeConfigs = allow(SA, TOPIC, LITERAL, "t", DESCRIBE_CONFIGS);
    GrantIndex configs = GrantIndex.of(List.of(allowDescribeConfigs, denyAlterConfigs));
    assertSame(allowDescribeConfigs, configs.decide(SA, HOST, DESCRIBE_CONFIGS, TOPIC, "t"));
  }

  @Test
  void denyWinsWhereverItComesFrom() {
    Grant allowAll = allow(SA, TOPIC, LITERAL, "*", ALL);
    Grant denyEveryone = deny("User:*", TOPIC, PREFIXED, "secret", READ);
    Grant denyAllOps = deny(SA, TOPIC, LITERAL, "locked", ALL);
    GrantIndex index = GrantIndex.of(List.of(allowAll, denyEveryone, denyAllOps));
    assertSame(denyEveryone, index.decide(SA, HOST, READ, TOPIC, "secret-1"));
    assertSame(allowAll, index.decide(SA, HOST, WRITE, TOPIC, "secret-1"));
    assertSame(denyAllOps, index.decide(SA, HOST, DESCRIBE, TOPIC, "locked"));
    assertSame(allowAll, index.decide(SA, HOST, READ, TOPIC, "orders"));
  }

  @Test
  void hostBoundDenyOnlyDeniesThatHost() {
    Grant allowRead = allow(SA, TOPIC, LITERAL, "t", READ);
    Grant denyHost = grant(SA, AclPermissionType.DENY, TOPIC, LITERAL, "t", "10.0.0.9", READ);
    GrantIndex index = GrantIndex.of(List.of(allowRead, denyHost));
    assertSame(denyHost, index.decide(SA, "10.0.0.9", READ, TOPIC, "t"));
    assertSame(allowRead, index.decide(SA, "10.0.0.1", READ, TOPIC, "t"));
  }

  @Test
  void clusterAndTransactionalIds() {
    Grant cluster = allow(SA, CLUSTER, LITERAL, "kafka-cluster", IDEMPOTENT_WRITE);
    Grant txn = allow(SA, TRANSACTIONAL_ID, PREFIXED, "app-", WRITE);
    GrantIndex index = GrantIndex.of(List.of(cluster, txn));
    assertSame(cluster, index.decide(SA, HOST, IDEMPOTENT_WRITE, CLUSTER, "kafka-cluster"));
    assertNull(index.decide(SA, HOST, IDEMPOTENT_WRITE, CLUSTER, "other"));
    assertSame(txn, index.decide(SA, HOST, DESCRIBE, TRANSACTIONAL_ID, "app-1"));
    assertNull(index.decide(SA, HOST, WRITE, TOPIC, "app-1"));
  }

  @Test
  void nothingMatchesWithoutGrantsOrArguments() {
    assertNull(GrantIndex.empty().decide(SA, HOST, READ, TOPIC, "t"));
    GrantIndex index = GrantIndex.of(List.of(allow(SA, TOPIC, LITERAL, "t", READ)));
    assertNull(index.decide(null, HOST, READ, TOPIC, "t"));
    assertNull(index.decide(SA, HOST, null, TOPIC, "t"));
    assertNull(index.decide(SA, HOST, READ, null, "t"));
    assertNull(index.decide(SA, HOST, READ, TOPIC, null));
  }

  /**
   * A decision allocates nothing: the bytes this thread allocates over 200,000 decisions (literal, wildcard,
   * prefix, DENY, miss) stay below 8 KB (the measurement's own noise), i.e. far below one object per decision.
   * Counts bytes, not time.
   */
  @Test
  void decisionsAllocateNothing() {
    List<Grant> grants = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      grants.add(allow("User:sa-" + i, TOPIC, LITERAL, "topic-" + i, READ, WRITE));
      grants.add(allow("User:sa-" + i, TOPIC, PREFIXED, "logs-" + i + "-", WRITE));
      grants.add(deny("User:sa-" + i, TOPIC, LITERAL, "secret-" + i, READ));
    }
    grants.add(allow("User:*", GROUP, LITERAL, "*", READ));
    GrantIndex index = GrantIndex.of(grants);
    String principal = "User:sa-7";
    String[] names = {"topic-7", "logs-7-app", "secret-7", "nothing", "logs-8-app"};
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    int hits = 0;
    for (int i = 0; i < 20_000; i++) { // warm up
      hits += index.decide(principal, HOST, READ, TOPIC, names[i % names.length]) == null ? 0 : 1;
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 200_000; i++) {
      String name = names[i % names.length];
      hits += index.decide(principal, HOST, (i & 1) == 0 ? READ : WRITE, TOPIC, name) == null ? 0 : 1;
      hits += index.decide(principal, HOST, READ, GROUP, name) == null ? 0 : 1;
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertTrue(hits > 0);
    assertTrue(allocated < 8_192, "decisions allocated " + allocated + " bytes");
  }

  @Test
  void withPrincipalsReplacesOnlyTheNamedPrincipals() {
    Grant a = allow(SA, TOPIC, LITERAL, "a", READ);
    Grant b = allow(OTHER, TOPIC, LITERAL, "b", READ);
    GrantIndex index = GrantIndex.of(List.of(a, b));
    assertEquals(2, index.size());
    Grant a2 = allow(SA, TOPIC, LITERAL, "a2", READ);
    GrantIndex next = index.withPrincipals(Map.of(SA, List.of(a2)));
    assertNull(next.decide(SA, HOST, READ, TOPIC, "a"));
    assertSame(a2, next.decide(SA, HOST, READ, TOPIC, "a2"));
    assertSame(b, next.decide(OTHER, HOST, READ, TOPIC, "b"));
    assertSame(a, index.decide(SA, HOST, READ, TOPIC, "a"), "the old index is unchanged");
    GrantIndex removed = next.withPrincipals(Map.of(OTHER, List.of()));
    assertNull(removed.decide(OTHER, HOST, READ, TOPIC, "b"));
    assertEquals(1, removed.size());
    assertEquals(List.of(a2), List.copyOf(removed.all()));
    GrantIndex added = removed.withPrincipals(Map.of("User:sa-3", List.of(allow("User:sa-3", GROUP, LITERAL, "g", READ))));
    assertEquals(2, added.size());
    assertEquals(1, added.grantsOf("User:sa-3").size());
  }
}

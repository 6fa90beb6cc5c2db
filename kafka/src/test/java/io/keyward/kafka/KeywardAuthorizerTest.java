package io.keyward.kafka;

import static org.apache.kafka.common.acl.AclOperation.ALTER;
import static org.apache.kafka.common.acl.AclOperation.CLUSTER_ACTION;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;
import static org.apache.kafka.common.resource.ResourceType.CLUSTER;
import static org.apache.kafka.common.resource.ResourceType.GROUP;
import static org.apache.kafka.common.resource.ResourceType.TOPIC;
import static org.apache.kafka.server.authorizer.AuthorizationResult.ALLOWED;
import static org.apache.kafka.server.authorizer.AuthorizationResult.DENIED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.ClusterResource;
import org.apache.kafka.common.Endpoint;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.server.authorizer.AclCreateResult;
import org.apache.kafka.server.authorizer.AclDeleteResult;
import org.apache.kafka.server.authorizer.Action;
import org.apache.kafka.server.authorizer.AuthorizationResult;
import org.apache.kafka.server.authorizer.AuthorizerServerInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KeywardAuthorizerTest {

  private static final long NOW = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();

  private final AtomicLong clock = new AtomicLong(NOW);
  private ReplicaStore replica;
  private EventShipper shipper;
  private KeywardAuthorizer authorizer;

  static ReplicaStore.Snapshot fixture() throws IOException {
    try (InputStream in = KeywardAuthorizerTest.class.getResourceAsStream("replica-fixture.json")) {
      return ReplicaJson.snapshot(in);
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    replica = new ReplicaStore(900_000);
    replica.applySnapshot(fixture(), NOW);
    shipper = new EventShipper("/events", null, "1", 1000, 1000, clock::get, false);
    authorizer = new KeywardAuthorizer();
    authorizer.wire(replica, shipper, null, clock::get,
        Map.of("super.users", "User:admin; User:ops", "controller.listener.names", "CONTROLLER"),
        "KEYBROKER0000001");
  }

  private static KeywardPrincipal session(String owner, String keyId) {
    return new KeywardPrincipal("User", owner, keyId);
  }

  private static Action action(AclOperation op, ResourceType type, String name) {
    return new Action(op, new ResourcePattern(type, name, PatternType.LITERAL), 1, true, true);
  }

  private AuthorizationResult decide(KafkaPrincipal principal, AclOperation op, ResourceType type, String name) {
    return authorizer.authorize(RequestContext.sasl(principal, ApiKeys.PRODUCE), List.of(action(op, type, name)))
        .get(0);
  }

  @Test
  void grantsDecideALiveSession() {
    KeywardPrincipal p = session("sa-1", "KEYACTIVE0000001");
    assertEquals(ALLOWED, decide(p, READ, TOPIC, "orders"));
    assertEquals(ALLOWED, decide(p, DESCRIBE, TOPIC, "orders"), "READ implies DESCRIBE");
    assertEquals(DENIED, decide(p, WRITE, TOPIC, "orders"), "the DENY ACL wins");
    assertEquals(ALLOWED, decide(p, WRITE, TOPIC, "logs-app"), "the role binding's prefix");
    assertEquals(DENIED, decide(p, READ, TOPIC, "payments"), "no grant");
    assertEquals(ALLOWED, decide(p, READ, GROUP, "any-group"), "User:* and LITERAL *");
    List<AuthorizationResult> many = authorizer.authorize(RequestContext.sasl(p, ApiKeys.FETCH),
        List.of(action(READ, TOPIC, "orders"), action(READ, TOPIC, "payments"), action(WRITE, TOPIC, "logs-1")));
    assertEquals(List.of(ALLOWED, DENIED, ALLOWED), many);
  }

  @Test
  void sessionRulesComeFirst() {
    assertEquals(DENIED, decide(session("sa-1", "KEYDISABLED00001"), READ, TOPIC, "orders"));
    assertEquals(DENIED, decide(session("sa-1", "KEYGONE000000001"), READ, TOPIC, "orders"));
    assertEquals(DENIED, decide(session("sa-1", "KEYEXPIRED000001"), READ, TOPIC, "orders"));
    assertEquals(DENIED, decide(session("sa-off", "KEYOWNEROFF00001"), READ, TOPIC, "orders"),
        "the owner's ALLOW ALL does not help a disabled owner");
    assertEquals(DENIED, decide(session("sa-other", "KEYACTIVE0000001"), READ, TOPIC, "orders"),
        "a key of another owner");
    assertEquals(DENIED, decide(session("sa-1", null), READ, TOPIC, "orders"), "a session naming no key");
    List<String> reasons = new ArrayList<>();
    for (EventItem e : shipper.drainForTest(true)) {
      reasons.add(e.reason());
    }
    assertEquals(List.of("KEY_REVOKED", "KEY_REVOKED", "KEY_EXPIRED", "OWNER_DISABLED", "KEY_REVOKED",
        "KEY_REVOKED"), reasons);
  }

  @Test
  void sessionReasonsInOrder() {
    KafkaPrincipal p = new KafkaPrincipal("User", "sa-1");
    KeyEntry disabledExpired = new KeyEntry("K", new byte[32], false, "sa-1", "service-account", false, NOW - 1);
    assertEquals("KEY_REVOKED", KeywardAuthorizer.sessionDenial(disabledExpired, p, NOW));
    KeyEntry expiredOwnerOff = new KeyEntry("K", new byte[32], true, "sa-1", "service-account", false, NOW);
    assertEquals("KEY_EXPIRED", KeywardAuthorizer.sessionDenial(expiredOwnerOff, p, NOW), "expired at expires_at");
    KeyEntry ownerOff = new KeyEntry("K", new byte[32], true, "sa-1", "service-account", false, NOW + 1);
    assertEquals("OWNER_DISABLED", KeywardAuthorizer.sessionDenial(ownerOff, p, NOW));
    KeyEntry good = new KeyEntry("K", new byte[32], true, "sa-1", "service-account", true, NOW + 1);
    assertEquals(null, KeywardAuthorizer.sessionDenial(good, p, NOW));
  }

  @Test
  void revocationReachesTheNextRequestOfAnOpenSession() {
    KeywardPrincipal p = session("sa-1", "KEYLATER00000001");
    assertEquals(ALLOWED, decide(p, READ, TOPIC, "orders"));
    clock.set(Instant.parse("2026-12-01T10:00:00Z").toEpochMilli());
    assertEquals(DENIED, decide(p, READ, TOPIC, "orders"), "expired on the clock, no change needed");
    clock.set(NOW);
    KeyEntry k = replica.key("KEYLATER00000001");
    replica.applyChange(new ReplicaStore.Change(8,
        List.of(new KeyEntry(k.id(), k.secretSha256(), false, k.ownerId(), k.ownerKind(), true, k.expiresAtMs())),
        List.of(), List.of(), Map.of()), NOW);
    assertEquals(DENIED, decide(p, READ, TOPIC, "orders"), "disabled");
    KeywardPrincipal q = session("sa-1", "KEYACTIVE0000001");
    replica.applyChange(new ReplicaStore.Change(9, List.of(), List.of(), List.of(),
        Map.of("User:sa-1", List.of())), NOW);
    assertEquals(DENIED, decide(q, READ, TOPIC, "orders"), "its grants removed");
    replica.applyChange(new ReplicaStore.Change(10, List.of(), List.of(),
        List.of(new ReplicaStore.OwnerStatus("sa-1", "service-account", "DISABLED")), Map.of()), NOW);
    assertEquals(DENIED, decide(q, READ, GROUP, "g"), "owner disabled");
    replica.applyChange(new ReplicaStore.Change(11, List.of(), List.of("KEYACTIVE0000001"), List.of(), Map.of()), NOW);
    assertEquals(DENIED, decide(q, READ, GROUP, "g"), "deleted");
  }

  @Test
  void superUsersTheBrokerAndTheControllerListener() {
    assertEquals(ALLOWED, decide(new KafkaPrincipal("User", "admin"), ALTER, CLUSTER, "kafka-cluster"));
    assertEquals(ALLOWED, decide(new KafkaPrincipal("User", "ops"), READ, TOPIC, "x"));
    assertEquals(DENIED, decide(new KafkaPrincipal("User", "eve"), READ, TOPIC, "orders"));
    assertEquals(ALLOWED, decide(session("sa-broker", "KEYBROKER0000001"), WRITE, TOPIC, "anything"),
        "the broker's own principal");
    RequestContext controller = new RequestContext("CONTROLLER", SecurityProtocol.PLAINTEXT,
        KafkaPrincipal.ANONYMOUS, InetAddress.getLoopbackAddress(), ApiKeys.BROKER_HEARTBEAT.id, "broker-1");
    assertEquals(List.of(ALLOWED), authorizer.authorize(controller, List.of(action(CLUSTER_ACTION, CLUSTER,
        "kafka-cluster"))));
    RequestContext plain = new RequestContext("PLAINTEXT", SecurityProtocol.PLAINTEXT, KafkaPrincipal.ANONYMOUS,
        InetAddress.getLoopbackAddress(), ApiKeys.METADATA.id, "c");
    assertEquals(List.of(DENIED), authorizer.authorize(plain, List.of(action(DESCRIBE, TOPIC, "orders"))),
        "ANONYMOUS elsewhere is an ordinary principal");
    assertEquals(List.of(ALLOWED), authorizer.authorize(plain, List.of(action(READ, GROUP, "g"))),
        "… matched by User:*");
    assertEquals(DENIED, decide(session("sa-broker", "KEYDISABLED00001"), WRITE, TOPIC, "anything"),
        "a revoked session is denied whoever it claims to be");
  }

  @Test
  void auditHonoursLogIfAllowedAndLogIfDenied() {
    KeywardPrincipal p = session("sa-1", "KEYACTIVE0000001");
    RequestContext ctx = RequestContext.sasl(p, ApiKeys.FETCH);
    authorizer.authorize(ctx, List.of(
        new Action(READ, new ResourcePattern(TOPIC, "orders", PatternType.LITERAL), 1, false, true),
        new Action(READ, new ResourcePattern(TOPIC, "payments", PatternType.LITERAL), 1, true, false),
        new Action(WRITE, new ResourcePattern(TOPIC, "orders", PatternType.LITERAL), 1, true, true),
        new Action(WRITE, new ResourcePattern(TOPIC, "logs-1", PatternType.LITERAL), 1, true, true),
        new Action(READ, new ResourcePattern(TOPIC, "nothing", PatternType.LITERAL), 1, true, true)));
    List<EventItem> items = shipper.drainForTest(true);
    assertEquals(3, items.size(), items.toString());
    EventItem deny = items.stream().filter(e -> "DENY_ACL".equals(e.reason())).findFirst().orElseThrow();
    assertEquals("Fetch", deny.api());
    assertEquals("WRITE", deny.operation());
    assertEquals("orders", deny.resourceName());
    assertEquals("KEYACTIVE0000001", deny.key());
    assertEquals("User:sa-1", deny.principal());
    assertEquals("127.0.0.1", deny.clientAddress());
    assertTrue(items.stream().anyMatch(e -> "NO_GRANT".equals(e.reason()) && "nothing".equals(e.resourceName())));
    EventItem granted = items.stream().filter(e -> "SUCCESS".equals(e.result())).findFirst().orElseThrow();
    assertEquals("logs-1", granted.resourceName());
  }

  @Test
  void authorizeByResourceTypeFollowsKafkasDefault() {
    KeywardPrincipal p = session("sa-1", "KEYACTIVE0000001");
    RequestContext ctx = RequestContext.sasl(p, ApiKeys.INIT_PRODUCER_ID);
    assertEquals(ALLOWED, authorizer.authorizeByResourceType(ctx, WRITE, TOPIC), "logs- is allowed");
    assertEquals(ALLOWED, authorizer.authorizeByResourceType(ctx, READ, TOPIC), "orders is allowed");
    assertEquals(DENIED, authorizer.authorizeByResourceType(ctx, AclOperation.DELETE, TOPIC));
    assertEquals(ALLOWED, authorizer.authorizeByResourceType(ctx, READ, GROUP), "LITERAL * of User:*");
    replica.applyChange(new ReplicaStore.Change(8, List.of(), List.of(), List.of(), Map.of("User:sa-1", List.of(
        Grants.allow("User:sa-1", TOPIC, PatternType.PREFIXED, "logs-", WRITE),
        Grants.deny("User:sa-1", TOPIC, PatternType.PREFIXED, "log", WRITE),
        Grants.allow("User:sa-1", TOPIC, PatternType.LITERAL, "a", READ),
        Grants.deny("User:sa-1", TOPIC, PatternType.LITERAL, "a", READ)))), NOW);
    assertEquals(DENIED, authorizer.authorizeByResourceType(ctx, WRITE, TOPIC), "a shorter DENY prefix dominates");
    assertEquals(DENIED, authorizer.authorizeByResourceType(ctx, READ, TOPIC), "the same literal is denied");
    RequestContext revoked = RequestContext.sasl(session("sa-1", "KEYDISABLED00001"), ApiKeys.INIT_PRODUCER_ID);
    shipper.drainForTest(true);
    assertEquals(DENIED, authorizer.authorizeByResourceType(revoked, READ, GROUP));
    EventItem audited = shipper.drainForTest(true).get(0);
    assertEquals("KEY_REVOKED", audited.reason());
    assertEquals("InitProducerId", audited.api());
    assertEquals("*", audited.resourceName(), "any resource of the type");
    RequestContext admin = RequestContext.sasl(new KafkaPrincipal("User", "admin"), ApiKeys.INIT_PRODUCER_ID);
    assertEquals(ALLOWED, authorizer.authorizeByResourceType(admin, WRITE, TOPIC));
  }

  @Test
  void byResourceTypeWildcardDenyWins() {
    GrantIndex index = GrantIndex.of(List.of(
        Grants.allow("User:sa-1", TOPIC, PatternType.LITERAL, "t", WRITE),
        Grants.deny("User:*", TOPIC, PatternType.LITERAL, "*", WRITE)));
    assertEquals(DENIED, KeywardAuthorizer.byResourceType(index, "User:sa-1", "1.2.3.4", WRITE, TOPIC));
    GrantIndex allowAll = GrantIndex.of(List.of(
        Grants.allow("User:sa-1", TOPIC, PatternType.LITERAL, "*", AclOperation.ALL),
        Grants.deny("User:sa-1", TOPIC, PatternType.PREFIXED, "x", WRITE)));
    assertEquals(ALLOWED, KeywardAuthorizer.byResourceType(allowAll, "User:sa-1", "1.2.3.4", WRITE, TOPIC));
  }

  @Test
  void aclsListKeywardsAclsAndChangesAreRefused() {
    AclBindingFilter any = AclBindingFilter.ANY;
    List<AclBinding> all = new ArrayList<>();
    authorizer.acls(any).forEach(all::add);
    assertEquals(4, all.size(), "the three ACLs (one of two operations); role bindings are not ACLs: " + all);
    assertEquals(4, authorizer.aclCount());
    List<AclBinding> bindings = List.copyOf(all);
    List<? extends CompletionStage<AclCreateResult>> created = authorizer.createAcls(null, bindings);
    assertEquals(4, created.size());
    for (CompletionStage<AclCreateResult> r : created) {
      AclCreateResult result = r.toCompletableFuture().join();
      assertInstanceOf(InvalidRequestException.class, result.exception().orElseThrow());
      assertTrue(result.exception().get().getMessage().contains("keyward kafka acl create"));
    }
    List<? extends CompletionStage<AclDeleteResult>> deleted = authorizer.deleteAcls(null, List.of(any));
    AclDeleteResult d = deleted.get(0).toCompletableFuture().join();
    assertTrue(d.exception().orElseThrow().getMessage().contains("keyward kafka acl delete"));
    assertInstanceOf(InvalidRequestException.class, d.exception().get());
  }

  @Test
  void listenersOpenWhenTheFirstReplicaHasLoaded() throws IOException {
    ReplicaStore empty = new ReplicaStore(900_000);
    KeywardAuthorizer a = new KeywardAuthorizer();
    a.wire(empty, null, null, clock::get, Map.of(), null);
    Endpoint sasl = new Endpoint("SASL_PLAINTEXT", SecurityProtocol.SASL_PLAINTEXT, "127.0.0.1", 9092);
    Endpoint ctl = new Endpoint("CONTROLLER", SecurityProtocol.PLAINTEXT, "127.0.0.1", 9093);
    Map<Endpoint, ? extends CompletionStage<Void>> futures = a.start(new ServerInfo(List.of(sasl, ctl)));
    assertEquals(2, futures.size());
    for (CompletionStage<Void> f : futures.values()) {
      assertFalse(f.toCompletableFuture().isDone());
    }
    empty.applySnapshot(fixture(), NOW);
    for (CompletionStage<Void> f : futures.values()) {
      assertTrue(f.toCompletableFuture().isDone());
    }
  }

  private record ServerInfo(Collection<Endpoint> endpoints) implements AuthorizerServerInfo {
    @Override public ClusterResource clusterResource() { return new ClusterResource("c"); }
    @Override public int brokerId() { return 1; }
    @Override public Endpoint interBrokerEndpoint() { return endpoints.iterator().next(); }
    @Override public Collection<String> earlyStartListeners() { return List.of("CONTROLLER"); }
  }
}

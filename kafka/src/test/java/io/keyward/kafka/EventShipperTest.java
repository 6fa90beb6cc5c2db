package io.keyward.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class EventShipperTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** 2026-12-01T22:00:10.000Z */
  private static final long T0 = 1796162410000L;

  private static InetAddress addr(String ip) throws IOException {
    return InetAddress.getByName(ip);
  }

  private static EventShipper offline(AtomicLong clock, int capacity) {
    return new EventShipper("/events", null, "1", capacity, 1000, clock::get, false);
  }

  private static void produce(EventShipper s, String key, InetAddress from, boolean granted, String reason) {
    s.authorization(granted, key, "User:sa-1", reason, "Produce", AclOperation.WRITE, ResourceType.TOPIC,
        "orders", PatternType.LITERAL, from, "client-1", "SASL_PLAINTEXT", "SASL_PLAINTEXT/PLAIN", null);
  }

  @Test
  void successesAreAggregatedPerMinuteFirstOccurrenceShippedAtOnce() throws IOException {
    AtomicLong clock = new AtomicLong(T0);
    EventShipper s = offline(clock, 100);
    InetAddress a = addr("10.0.0.1");
    for (int i = 0; i < 5; i++) {
      clock.addAndGet(100);
      produce(s, "KEY1", a, true, null);
    }
    produce(s, "KEY1", addr("10.0.0.2"), true, null);
    List<EventItem> first = s.drainForTest(false);
    assertEquals(2, first.size(), "one aggregate per client address");
    EventItem agg = first.stream().filter(e -> "10.0.0.1".equals(e.clientAddress())).findFirst().orElseThrow();
    assertEquals(5, agg.count());
    assertEquals(T0 + 100, agg.firstMs());
    assertEquals(T0 + 500, agg.lastMs());
    assertEquals("authorization", agg.type());
    assertEquals("SUCCESS", agg.result());
    assertNull(agg.reason());

    for (int i = 0; i < 3; i++) {
      clock.addAndGet(1000);
      produce(s, "KEY1", a, true, null);
    }
    assertEquals(List.of(), s.drainForTest(false), "the rest of the minute waits for the minute to close");
    assertEquals(1, s.pending());
    clock.set(T0 + 50_000 + EventAggregator.CLOSE_GRACE_MS + 1);
    List<EventItem> rest = s.drainForTest(false);
    assertEquals(1, rest.size());
    assertEquals(3, rest.get(0).count());
    assertEquals(T0 + 1500, rest.get(0).firstMs());
    assertEquals(T0 + 3500, rest.get(0).lastMs());
    assertEquals(0, s.pending());
  }

  /** Counting into an existing aggregate allocates nothing (bytes counted over 100,000 calls, not time). */
  @Test
  void aggregatingASuccessAllocatesNothing() throws IOException {
    AtomicLong clock = new AtomicLong(T0);
    EventShipper s = offline(clock, 100);
    InetAddress a = addr("10.0.0.1");
    for (int i = 0; i < 20_000; i++) {
      produce(s, "KEY1", a, true, null);
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 100_000; i++) {
      produce(s, "KEY1", a, true, null);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertTrue(allocated < 8_192, "aggregating allocated " + allocated + " bytes");
    assertEquals(120_000, s.drainForTest(true).get(0).count());
  }

  /** Four threads counting into shared aggregates while the shipper drains: no count is lost or doubled. */
  @Test
  void concurrentCountsAddUp() throws Exception {
    AtomicLong clock = new AtomicLong(T0);
    EventShipper s = offline(clock, 1000);
    InetAddress a = addr("10.0.0.1");
    InetAddress b = addr("10.0.0.2");
    List<Thread> threads = new java.util.ArrayList<>();
    for (int t = 0; t < 4; t++) {
      InetAddress from = t % 2 == 0 ? a : b;
      threads.add(new Thread(() -> {
        for (int i = 0; i < 50_000; i++) {
          produce(s, "KEY1", from, true, null);
        }
      }));
    }
    threads.forEach(Thread::start);
    long counted = 0;
    while (threads.stream().anyMatch(Thread::isAlive)) {
      for (EventItem e : s.drainForTest(true)) {
        counted += e.count();
      }
    }
    for (Thread t : threads) {
      t.join();
    }
    for (EventItem e : s.drainForTest(true)) {
      counted += e.count();
    }
    assertEquals(200_000, counted);
    assertEquals(0, s.dropped());
  }

  @Test
  void denialsAreSingleUpToTwentyAMinutePerKeyThenAggregated() throws IOException {
    AtomicLong clock = new AtomicLong(T0);
    EventShipper s = offline(clock, 1000);
    InetAddress a = addr("10.0.0.1");
    for (int i = 0; i < 25; i++) {
      produce(s, "KEY1", a, false, "NO_GRANT");
    }
    s.authenticationFailed("KEY2", null, "INVALID_CREDENTIALS", "SASL_PLAINTEXT", "SASL_PLAINTEXT/PLAIN");
    List<EventItem> items = s.drainForTest(false);
    long singles = items.stream().filter(e -> e.count() == 1 && "KEY1".equals(e.key())).count();
    assertEquals(20, singles);
    EventItem aggregated = items.stream().filter(e -> e.count() > 1).findFirst().orElseThrow();
    assertEquals(5, aggregated.count());
    assertEquals("UNAUTHORIZED", aggregated.result());
    assertEquals("NO_GRANT", aggregated.reason());
    EventItem login = items.stream().filter(e -> "KEY2".equals(e.key())).findFirst().orElseThrow();
    assertEquals("authentication", login.type());
    assertEquals("UNAUTHENTICATED", login.result());
    assertEquals("INVALID_CREDENTIALS", login.reason());

    clock.addAndGet(60_000);
    produce(s, "KEY1", a, false, "NO_GRANT");
    List<EventItem> next = s.drainForTest(false);
    assertEquals(1, next.stream().filter(e -> e.count() == 1).count(), "a new minute: single again");
  }

  @Test
  void overflowIsDroppedAndCounted() throws IOException {
    AtomicLong clock = new AtomicLong(T0);
    EventShipper s = offline(clock, 10);
    InetAddress a = addr("10.0.0.1");
    for (int i = 0; i < 15; i++) {
      produce(s, "KEY" + i, a, false, "NO_GRANT");
    }
    for (int i = 0; i < 15; i++) {
      produce(s, "KEY" + i, a, true, null);
    }
    List<EventItem> items = s.drainForTest(false);
    assertEquals(20, items.size(), "10 single items and 10 aggregates: the bounds");
    assertEquals(10, s.dropped());
    assertEquals(30, items.stream().mapToLong(EventItem::count).sum() + s.dropped(), "every event is shipped or counted");
  }

  @Test
  void batchesAreJsonArraysOfThePlannedItems() throws IOException {
    AtomicLong clock = new AtomicLong(T0);
    EventShipper s = offline(clock, 10);
    Grant source = new Grant("User:sa-1", org.apache.kafka.common.acl.AclPermissionType.ALLOW,
        java.util.Set.of(AclOperation.WRITE), ResourceType.TOPIC, PatternType.LITERAL, "orders", "*",
        "role-binding", "rb-1", "DeveloperWrite");
    s.authorization(true, "KEY1", "User:sa-1", null, "Produce", AclOperation.WRITE, ResourceType.TOPIC, "orders",
        PatternType.LITERAL, addr("127.0.0.1"), "c1", "SASL_PLAINTEXT", "SASL_PLAINTEXT/PLAIN", source);
    s.authenticationSucceeded("KEY1", "User:sa-1", "127.0.0.1", "SASL_PLAINTEXT", "SASL_PLAINTEXT/PLAIN");
    JsonNode body = JSON.readTree(EventShipper.toJson(s.drainForTest(false)));
    assertTrue(body.isArray());
    assertEquals(2, body.size());
    JsonNode authz = body.get(0).get("type").asText().equals("authorization") ? body.get(0) : body.get(1);
    assertEquals("2026-12-01T22:00:10.000Z", authz.get("time").asText());
    assertEquals("KEY1", authz.get("key").asText());
    assertEquals("Produce", authz.get("api").asText());
    assertEquals("WRITE", authz.get("operation").asText());
    assertEquals("TOPIC", authz.get("resource_type").asText());
    assertEquals("orders", authz.get("resource_name").asText());
    assertEquals("LITERAL", authz.get("pattern_type").asText());
    assertEquals("127.0.0.1", authz.get("client_address").asText());
    assertEquals("c1", authz.get("client_id").asText());
    assertEquals("1", authz.get("broker").asText());
    assertEquals("SASL_PLAINTEXT/PLAIN", authz.get("mechanism").asText());
    assertEquals(1, authz.get("count").asInt());
    assertEquals("role-binding", authz.get("source").get("kind").asText());
    assertEquals("DeveloperWrite", authz.get("source").get("role").asText());
    assertTrue(authz.get("reason").isNull());
    for (String field : List.of("type", "time", "key", "principal", "result", "reason", "api", "operation",
        "resource_type", "resource_name", "pattern_type", "client_address", "client_id", "listener", "broker",
        "mechanism", "count", "first_time", "last_time", "source")) {
      assertTrue(authz.has(field), field);
    }
  }

  /** Only what keyward's events endpoint accepts is shipped: its resource types and operations, its field limits. */
  @Test
  void itemsFitKeywardsEventsSchema() throws IOException {
    AtomicLong clock = new AtomicLong(T0);
    EventShipper s = offline(clock, 100);
    InetAddress a = addr("10.0.0.1");
    s.authorization(false, "KEY1", "User:sa-1", "NO_GRANT", "CreateDelegationToken", AclOperation.CREATE_TOKENS,
        ResourceType.USER, "User:sa-1", PatternType.LITERAL, a, "c", "L", "SASL_PLAINTEXT", null);
    s.authorization(false, "KEY1", "User:sa-1", "NO_GRANT", "InitProducerId", AclOperation.TWO_PHASE_COMMIT,
        ResourceType.TRANSACTIONAL_ID, "tx", PatternType.LITERAL, a, "c", "L", "SASL_PLAINTEXT", null);
    s.authorization(false, "KEY1", "User:sa-1", "NO_GRANT", "Metadata", AclOperation.DESCRIBE,
        ResourceType.TOPIC, null, PatternType.LITERAL, a, "c", "L", "SASL_PLAINTEXT", null);
    assertEquals(List.of(), s.drainForTest(true), "not representable at keyward: not shipped");
    String longGroup = "g".repeat(2000);
    s.authorization(false, "KEY1", "Group:odd principal", "NO_GRANT", "JoinGroup", AclOperation.READ,
        ResourceType.GROUP, longGroup, PatternType.LITERAL, a, "c".repeat(300), "L", "SASL_PLAINTEXT", null);
    List<EventItem> items = s.drainForTest(true);
    assertEquals(1, items.size());
    JsonNode item = JSON.readTree(EventShipper.toJson(items)).get(0);
    assertEquals(1024, item.get("resource_name").asText().length());
    assertEquals(256, item.get("client_id").asText().length());
    assertTrue(item.get("principal").isNull(), "keyward takes User: principals only");
  }

  /** keyward unreachable (a closed loopback port): callers go on, events wait in the bound, the rest is counted. */
  @Test
  void keywardDownKeepsEventsWithinTheBound() throws Exception {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Map<String, Object> props = new HashMap<>();
    props.put("keyward.url", "http://127.0.0.1:" + port);
    props.put("keyward.cluster.id", "lkc-test");
    props.put("keyward.api.key", "BROKERKEY0000000");
    props.put("keyward.api.secret", "broker-secret");
    props.put("keyward.events.flush.interval.ms", "20");
    props.put("keyward.events.buffer.size", "5");
    KeywardConfig config = KeywardConfig.from(props);
    EventShipper s = new EventShipper(config, new KeywardHttp(config), "1");
    try {
      InetAddress a = addr("10.0.0.1");
      for (int i = 0; i < 40; i++) {
        produce(s, "KEY" + i, a, false, "NO_GRANT");
        if (i == 2) {
          Thread.sleep(200); // the shipper takes a first batch and fails to post it
        }
      }
      assertEquals(0, s.shipped());
      assertEquals(40, s.pending() + s.dropped(), "every event is pending or counted as dropped");
      assertTrue(s.dropped() >= 40 - 5 - 5 - 3,
          "beyond 5 single items, 5 aggregates and the batch in retry: dropped, " + s.dropped());
    } finally {
      s.close();
    }
    assertEquals(40, s.dropped(), "what keyward never took is counted at close");
  }

  /** A tiny receiver of real HTTP requests on loopback: the first answer 503, the rest 202. */
  @Test
  void shipsOverHttpRetriesWhenRefusedAndFlushesOnClose() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    List<String> auth = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    server.createContext("/keyward/v1/kafka/clusters/lkc-test/events", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      auth.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
      int status = calls.incrementAndGet() == 1 ? 503 : 202;
      if (status == 202) {
        bodies.add(JSON.readTree(body));
      }
      byte[] answer = status == 202 ? "{\"accepted\":1}".getBytes() : "{}".getBytes();
      exchange.sendResponseHeaders(status, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
    try {
      Map<String, Object> props = new HashMap<>();
      props.put("keyward.url", "http://127.0.0.1:" + server.getAddress().getPort());
      props.put("keyward.cluster.id", "lkc-test");
      props.put("keyward.api.key", "BROKERKEY0000000");
      props.put("keyward.api.secret", "broker-secret");
      props.put("keyward.events.flush.interval.ms", "50");
      props.put("node.id", "7");
      KeywardConfig config = KeywardConfig.from(props);
      EventShipper s = new EventShipper(config, new KeywardHttp(config), config.brokerId());
      try {
        s.authenticationFailed("KEY1", null, "EXPIRED", "SASL_PLAINTEXT", "SASL_PLAINTEXT/PLAIN");
        long deadline = System.currentTimeMillis() + 5_000;
        while (s.shipped() < 1 && System.currentTimeMillis() < deadline) {
          Thread.sleep(20);
        }
        assertEquals(1, s.shipped(), "shipped after the 503 was retried");
        assertTrue(calls.get() >= 2);
        assertEquals("EXPIRED", bodies.get(0).get(0).get("reason").asText());
        assertEquals("7", bodies.get(0).get(0).get("broker").asText());
        assertTrue(auth.get(0).startsWith("Basic "));
        s.authenticationSucceeded("KEY1", "User:sa-1", "127.0.0.1", "SASL_PLAINTEXT", "SASL_PLAINTEXT/PLAIN");
      } finally {
        s.close();
      }
      assertEquals(2, s.shipped(), "close flushed the last event");
      assertEquals(0, s.dropped());
    } finally {
      server.stop(0);
    }
  }
}

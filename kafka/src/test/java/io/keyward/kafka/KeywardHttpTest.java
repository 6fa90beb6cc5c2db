package io.keyward.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeywardHttpTest {

  private static final String REPLICA = "/keyward/v1/kafka/clusters/" + Fixtures.CLUSTER + "/replica";
  private static final String EVENTS = "/keyward/v1/kafka/clusters/" + Fixtures.CLUSTER + "/events";

  @Test
  void getsPostsAndStreamsWithTheBrokersBasicAuth() throws Exception {
    try (FakeKeyward keyward = new FakeKeyward()) {
      KeywardHttp http = new KeywardHttp(KeywardConfig.from(Fixtures.settings(keyward.port())));
      ReplicaStore.Snapshot s = http.getJson(REPLICA, ReplicaJson::snapshot);
      assertEquals(42, s.revision());
      byte[] batch = "[{\"type\":\"authentication\"}]".getBytes(StandardCharsets.UTF_8);
      assertEquals(202, http.postJson("/keyward/v1/kafka/clusters/" + Fixtures.CLUSTER + "/events", batch));
      assertEquals(1, keyward.events.size());
      HttpURLConnection stream = http.openStream(REPLICA + "/stream?since=42", "42");
      try {
        String first = new String(stream.getInputStream().readNBytes(12), StandardCharsets.UTF_8);
        assertEquals("retry: 1000\n", first);
      } finally {
        stream.disconnect();
      }
      assertEquals("since=42|42", keyward.streamRequests.get(0));
    }
  }

  @Test
  void namesTheBrokerOnTheReplicaStreamAndEventsRequests() throws Exception {
    try (FakeKeyward keyward = new FakeKeyward()) {
      exchangeAll(new KeywardHttp(KeywardConfig.from(Fixtures.settings(keyward.port()))));
      assertEquals(List.of("GET " + REPLICA + "|1", "POST " + EVENTS + "|1", "GET " + REPLICA + "/stream|1"), keyward.brokerHeaders);
    }
  }

  @Test
  void namesTheBrokerByBrokerIdWhenNodeIdIsAbsentAndSendsNoHeaderWhenNeitherIsSet() throws Exception {
    try (FakeKeyward keyward = new FakeKeyward()) {
      Map<String, Object> byBrokerId = Fixtures.settings(keyward.port());
      byBrokerId.remove("node.id");
      byBrokerId.put("broker.id", 7);
      exchangeAll(new KeywardHttp(KeywardConfig.from(byBrokerId)));
      Map<String, Object> anonymous = Fixtures.settings(keyward.port());
      anonymous.remove("node.id");
      exchangeAll(new KeywardHttp(KeywardConfig.from(anonymous)));
      assertEquals(List.of(
          "GET " + REPLICA + "|7", "POST " + EVENTS + "|7", "GET " + REPLICA + "/stream|7",
          "GET " + REPLICA + "|null", "POST " + EVENTS + "|null", "GET " + REPLICA + "/stream|null"), keyward.brokerHeaders);
    }
  }

  /** One replica fetch, one events post and one stream opening (its first bytes read). */
  private static void exchangeAll(KeywardHttp http) throws IOException {
    http.getJson(REPLICA, ReplicaJson::snapshot);
    http.postJson(EVENTS, "[]".getBytes(StandardCharsets.UTF_8));
    HttpURLConnection stream = http.openStream(REPLICA + "/stream?since=42", null);
    try {
      stream.getInputStream().readNBytes(12);
    } finally {
      stream.disconnect();
    }
  }

  @Test
  void aRefusalCarriesTheStatusAndNeverTheSecret() throws Exception {
    try (FakeKeyward keyward = new FakeKeyward()) {
      Map<String, Object> c = Fixtures.settings(keyward.port());
      c.put("keyward.api.secret", "kw_wrong_broker_secret");
      KeywardHttp http = new KeywardHttp(KeywardConfig.from(c));
      KeywardHttp.StatusException e = assertThrows(KeywardHttp.StatusException.class, () -> http.getJson(REPLICA, ReplicaJson::snapshot));
      assertEquals(401, e.status());
      assertTrue(e.getMessage().contains("401"), e.getMessage());
      assertFalse(e.getMessage().contains("kw_wrong"), e.getMessage());
      assertFalse(e.getMessage().contains("Basic"), e.getMessage());
      assertEquals(401, http.postJson("/keyward/v1/kafka/clusters/" + Fixtures.CLUSTER + "/events", "[]".getBytes(StandardCharsets.UTF_8)));
      assertThrows(KeywardHttp.StatusException.class, () -> http.openStream(REPLICA + "/stream?since=1", null));
    }
  }

  @Test
  void anUnreachableKeywardFailsFast() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    KeywardHttp http = new KeywardHttp(KeywardConfig.from(Fixtures.settings(port)));
    long started = System.nanoTime();
    assertThrows(IOException.class, () -> http.getJson(REPLICA, ReplicaJson::snapshot));
    assertTrue(System.nanoTime() - started < 6_000_000_000L);
  }
}

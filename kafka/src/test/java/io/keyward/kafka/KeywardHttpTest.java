package io.keyward.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeywardHttpTest {

  private static final String REPLICA = "/keyward/v1/kafka/clusters/" + Fixtures.CLUSTER + "/replica";

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

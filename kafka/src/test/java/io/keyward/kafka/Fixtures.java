package io.keyward.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The replica fixtures under src/test/resources/replica and the settings tests use. */
final class Fixtures {

  static final String CLUSTER = "lkc-test01";
  static final String BROKER_KEY = "KBKBKBKBKBKBKBK1";
  static final String BROKER_SECRET = "kw_broker";

  private Fixtures() {}

  static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/replica/" + name)) {
      if (in == null) throw new IllegalStateException("fixture missing: " + name);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String text(String name) {
    return new String(bytes(name), StandardCharsets.UTF_8).trim();
  }

  static ReplicaStore.Snapshot snapshot() {
    try {
      return ReplicaJson.snapshot(bytes("snapshot.json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Broker settings pointing at a keyward on this loopback port. */
  static Map<String, Object> settings(int port) {
    Map<String, Object> configs = new HashMap<>();
    configs.put("keyward.url", "http://127.0.0.1:" + port);
    configs.put("keyward.cluster.id", CLUSTER);
    configs.put("keyward.api.key", BROKER_KEY);
    configs.put("keyward.api.secret", BROKER_SECRET);
    configs.put("keyward.events.flush.interval.ms", "100");
    configs.put("node.id", "1");
    return configs;
  }
}

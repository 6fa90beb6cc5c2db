package io.keyward.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

class KeywardConfigTest {

  private static Map<String, Object> base() {
    Map<String, Object> c = new HashMap<>();
    c.put("keyward.url", "http://127.0.0.1:8090/");
    c.put("keyward.cluster.id", "lkc-abc123");
    c.put("keyward.api.key", "UTT6WDRXX7FHD2GV");
    c.put("keyward.api.secret", "kw_topsecretvalue");
    return c;
  }

  @Test
  void readsTheSettingsWithTheirDefaults() {
    KeywardConfig c = KeywardConfig.from(base());
    assertEquals("http://127.0.0.1:8090", c.url());
    assertEquals("lkc-abc123", c.clusterId());
    assertEquals("UTT6WDRXX7FHD2GV", c.apiKey());
    assertEquals("kw_topsecretvalue", c.apiSecret());
    assertEquals(900_000L, c.maxStalenessMs());
    assertEquals(10_000, c.eventsBufferSize());
    assertEquals(20_000, c.streamReadTimeoutMs());
    assertEquals(10, c.loginFailuresPerMinute());
    assertEquals("/keyward/v1/kafka/clusters/lkc-abc123", c.clusterPath());
    assertEquals("unknown", c.brokerId());
  }

  @Test
  void readsTuningKeysAndKafkaTypes() {
    Map<String, Object> m = base();
    m.put("keyward.replica.max.staleness.ms", 60000L);
    m.put("keyward.events.buffer.size", "500");
    m.put("keyward.api.secret", new Password("kw_fromapassword"));
    m.put("node.id", 3);
    KeywardConfig c = KeywardConfig.from(m);
    assertEquals(60_000L, c.maxStalenessMs());
    assertEquals(500, c.eventsBufferSize());
    assertEquals("kw_fromapassword", c.apiSecret());
    assertEquals("3", c.brokerId());
  }

  @Test
  void aMissingSettingIsNamed() {
    for (String name : new String[] {"keyward.url", "keyward.cluster.id", "keyward.api.key", "keyward.api.secret"}) {
      Map<String, Object> m = base();
      m.remove(name);
      ConfigException e = assertThrows(ConfigException.class, () -> KeywardConfig.from(m));
      assertTrue(e.getMessage().contains(name), e.getMessage());
    }
  }

  @Test
  void aMalformedSettingIsNamed() {
    Object[][] cases = {
        {"keyward.url", "ftp://host"}, {"keyward.url", "not a url"}, {"keyward.cluster.id", "lkc abc"},
        {"keyward.replica.max.staleness.ms", "soon"}, {"keyward.replica.max.staleness.ms", "5"},
        {"keyward.events.buffer.size", "0"}};
    for (Object[] c : cases) {
      Map<String, Object> m = base();
      m.put((String) c[0], c[1]);
      ConfigException e = assertThrows(ConfigException.class, () -> KeywardConfig.from(m), String.valueOf(c[1]));
      assertTrue(e.getMessage().contains((String) c[0]), e.getMessage());
    }
  }

  @Test
  void theSecretIsNeverShown() {
    KeywardConfig c = KeywardConfig.from(base());
    assertFalse(c.toString().contains("topsecret"));
    Map<String, Object> m = base();
    m.put("keyward.url", "http://user:kw_topsecretvalue@127.0.0.1:8090");
    ConfigException e = assertThrows(ConfigException.class, () -> KeywardConfig.from(m));
    assertFalse(e.getMessage().contains("topsecret"), e.getMessage());
  }
}

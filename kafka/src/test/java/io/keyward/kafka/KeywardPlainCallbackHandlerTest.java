package io.keyward.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.security.plain.PlainAuthenticateCallback;
import org.apache.kafka.common.security.plain.internals.PlainSaslServer;
import org.junit.jupiter.api.Test;

/** SASL/PLAIN through the handler, over a replica synced from {@link FakeKeyward}, events shipped to it. */
class KeywardPlainCallbackHandlerTest {

  private static Map<String, Object> settings(FakeKeyward keyward) {
    Map<String, Object> c = Fixtures.settings(keyward.port());
    c.put("listeners", "SASL_PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093");
    c.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
    c.put("keyward.reconnect.backoff.max.ms", "400");
    return c;
  }

  private static KeywardPlainCallbackHandler handler(Map<String, Object> configs) {
    KeywardPlainCallbackHandler h = new KeywardPlainCallbackHandler();
    h.configure(configs, "PLAIN", List.of());
    return h;
  }

  private static boolean login(KeywardPlainCallbackHandler h, String user, String password) throws Exception {
    NameCallback name = new NameCallback("username", user);
    PlainAuthenticateCallback auth = new PlainAuthenticateCallback(password.toCharArray());
    h.handle(new Callback[] {name, auth});
    return auth.authenticated();
  }

  private static JsonNode awaitEvent(FakeKeyward keyward, String reason, String key) throws InterruptedException {
    FakeKeyward.await(5_000, () -> keyward.events.stream().anyMatch(e -> matches(e, reason, key)));
    return keyward.events.stream().filter(e -> matches(e, reason, key)).findFirst().orElse(null);
  }

  private static boolean matches(JsonNode e, String reason, String key) {
    return reason.equals(e.path("reason").asText()) && (key == null ? e.path("key").isNull() : key.equals(e.path("key").asText()));
  }

  @Test
  void decidesEveryLoginFromTheReplicaAndAuditsFailures() throws Exception {
    try (FakeKeyward keyward = new FakeKeyward()) {
      KeywardPlainCallbackHandler h = handler(settings(keyward));
      KeywardRuntime rt = KeywardRuntime.acquire(settings(keyward));
      try {
        rt.replica().firstLoad().get(10, TimeUnit.SECONDS);
        assertTrue(login(h, "AAAAAAAAAAAAAAA1", "kw_alpha_one"));
        assertTrue(login(h, "FFFFFFFFFFFFFFF1", "kw_future"));
        assertFalse(login(h, "AAAAAAAAAAAAAAA1", "kw_alpha_two"));
        assertFalse(login(h, "ZZZZZZZZZZZZZZZ9", "kw_alpha_one"));
        assertFalse(login(h, "DDDDDDDDDDDDDDD1", "kw_disabled"));
        assertFalse(login(h, "OOOOOOOOOOOOOOO1", "kw_owner_off"));
        assertFalse(login(h, "EEEEEEEEEEEEEEE1", "kw_expired"));
        assertFalse(login(h, "kw_pasted_a_secret_as_username", "x"));
        assertEquals(2, rt.metrics().getLoginsSucceeded());
        assertEquals(6, rt.metrics().getLoginsFailed());

        JsonNode wrong = awaitEvent(keyward, "INVALID_CREDENTIALS", "AAAAAAAAAAAAAAA1");
        assertEquals("authentication", wrong.path("type").asText());
        assertEquals("UNAUTHENTICATED", wrong.path("result").asText());
        assertEquals("User:sa-alpha", wrong.path("principal").asText());
        assertEquals("SASL_PLAINTEXT", wrong.path("listener").asText());
        assertEquals("SASL_PLAINTEXT/PLAIN", wrong.path("mechanism").asText());
        assertTrue(awaitEvent(keyward, "INVALID_CREDENTIALS", "ZZZZZZZZZZZZZZZ9").path("principal").isNull());
        assertEquals("User:sa-beta", awaitEvent(keyward, "DISABLED", "DDDDDDDDDDDDDDD1").path("principal").asText());
        assertEquals("User:sa-off", awaitEvent(keyward, "DISABLED", "OOOOOOOOOOOOOOO1").path("principal").asText());
        assertEquals("User:u-gamma", awaitEvent(keyward, "EXPIRED", "EEEEEEEEEEEEEEE1").path("principal").asText());
        // a username that is not a key id is not repeated
        assertTrue(FakeKeyward.await(5_000, () -> keyward.events.stream().filter(e -> matches(e, "INVALID_CREDENTIALS", null)).count() == 1));
        String all = keyward.events.toString();
        for (String secret : new String[] {"kw_alpha_one", "kw_alpha_two", "kw_disabled", "kw_pasted"}) {
          assertFalse(all.contains(secret), secret);
        }
        // a revocation reaches the next login
        keyward.change(43, Fixtures.text("change-43.json"));
        assertTrue(FakeKeyward.await(3_000, () -> rt.replica().revision() == 43));
        assertFalse(login(h, "FFFFFFFFFFFFFFF1", "kw_future"));
        assertTrue(login(h, "AAAAAAAAAAAAAAA3", "kw_alpha_three"));
      } finally {
        rt.release();
        h.close();
      }
    }
  }

  @Test
  void repeatedFailuresOfAKeyAreRateLimitedAndTheRightSecretStillWorks() throws Exception {
    try (FakeKeyward keyward = new FakeKeyward()) {
      KeywardPlainCallbackHandler h = handler(settings(keyward));
      try {
        KeywardRuntime rt = KeywardRuntime.acquire(settings(keyward));
        rt.release();
        rt.replica().firstLoad().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 25; i++) assertFalse(login(h, "BBBBBBBBBBBBBBB1", "kw_wrong_" + i));
        assertTrue(login(h, "BBBBBBBBBBBBBBB1", "kw_beta_one"));
        JsonNode limited = awaitEvent(keyward, "RATE_LIMITED", "BBBBBBBBBBBBBBB1");
        assertTrue(limited != null);
        assertTrue(FakeKeyward.await(5_000, () -> keyward.events.stream()
            .filter(e -> matches(e, "INVALID_CREDENTIALS", "BBBBBBBBBBBBBBB1")).mapToLong(e -> e.path("count").asLong(1)).sum() == 10));
        assertTrue(FakeKeyward.await(5_000, () -> keyward.events.stream()
            .filter(e -> matches(e, "RATE_LIMITED", "BBBBBBBBBBBBBBB1")).mapToLong(e -> e.path("count").asLong(1)).sum() == 15));
      } finally {
        h.close();
      }
    }
  }

  @Test
  void noReplicaNoLogin() throws Exception {
    try (FakeKeyward keyward = new FakeKeyward()) {
      keyward.down = true;
      KeywardPlainCallbackHandler h = handler(settings(keyward));
      try {
        IOException e = assertThrows(IOException.class, () -> login(h, "AAAAAAAAAAAAAAA1", "kw_alpha_one"));
        assertFalse(e.getMessage().contains("kw_alpha_one"));
        // Kafka's PLAIN server turns this into "credentials for user could not be verified"
        PlainSaslServer server = new PlainSaslServer(h);
        SaslAuthenticationException refused = assertThrows(SaslAuthenticationException.class,
            () -> server.evaluateResponse("\u0000AAAAAAAAAAAAAAA1\u0000kw_alpha_one".getBytes(StandardCharsets.UTF_8)));
        assertTrue(refused.getMessage().contains("could not be verified"), refused.getMessage());
        keyward.down = false;
        JsonNode unavailable = awaitEvent(keyward, "REPLICA_UNAVAILABLE", "AAAAAAAAAAAAAAA1");
        assertTrue(unavailable != null, keyward.events.toString());
        KeywardRuntime rt = KeywardRuntime.acquire(settings(keyward));
        rt.release();
        rt.replica().firstLoad().get(10, TimeUnit.SECONDS);
        assertTrue(login(h, "AAAAAAAAAAAAAAA1", "kw_alpha_one"));
      } finally {
        h.close();
      }
    }
  }

  @Test
  void onlyPlainAndOnlyItsCallbacks() throws Exception {
    try (FakeKeyward keyward = new FakeKeyward()) {
      KeywardPlainCallbackHandler wrong = new KeywardPlainCallbackHandler();
      assertThrows(ConfigException.class, () -> wrong.configure(settings(keyward), "SCRAM-SHA-256", List.of()));
      KeywardPlainCallbackHandler h = handler(settings(keyward));
      try {
        assertThrows(UnsupportedCallbackException.class, () -> h.handle(new Callback[] {new PasswordCallback("p", false)}));
      } finally {
        h.close();
      }
    }
  }

  @Test
  void listenerFromSettingsOrNetworkThreadName() {
    assertArrayEquals(new String[] {"SASL_PLAINTEXT", "SASL_PLAINTEXT"},
        KeywardPlainCallbackHandler.onlySaslListener(Map.of("listeners", "SASL_PLAINTEXT://:9092,CONTROLLER://:9093")));
    assertArrayEquals(new String[] {"CLIENTS", "SASL_SSL"}, KeywardPlainCallbackHandler.onlySaslListener(Map.of(
        "listeners", "CLIENTS://:9092,BROKER://:9094", "listener.security.protocol.map", "CLIENTS:SASL_SSL,BROKER:SSL")));
    assertNull(KeywardPlainCallbackHandler.onlySaslListener(Map.of("listeners", "SASL_PLAINTEXT://:9092,SASL_SSL://:9093")));
    assertArrayEquals(new String[] {"SASL_PLAINTEXT", "SASL_PLAINTEXT"},
        KeywardPlainCallbackHandler.fromThreadName("data-plane-kafka-network-thread-1-SASL_PLAINTEXT-SASL_PLAINTEXT-0"));
    assertArrayEquals(new String[] {"CLIENTS", "SASL_SSL"},
        KeywardPlainCallbackHandler.fromThreadName("data-plane-kafka-network-thread-3-ListenerName(CLIENTS)-SASL_SSL-12"));
    assertNull(KeywardPlainCallbackHandler.fromThreadName("main"));
  }

  @Test
  void onlyKeyIdsAreReported() {
    assertEquals("UTT6WDRXX7FHD2GV", KeywardPlainCallbackHandler.reportableKeyId("UTT6WDRXX7FHD2GV"));
    assertNull(KeywardPlainCallbackHandler.reportableKeyId("kw_0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab"));
    assertNull(KeywardPlainCallbackHandler.reportableKeyId("alice"));
    assertNull(KeywardPlainCallbackHandler.reportableKeyId(null));
  }
}

package io.keyward.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.PlaintextAuthenticationContext;
import org.apache.kafka.common.security.auth.SaslAuthenticationContext;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.authenticator.DefaultKafkaPrincipalBuilder;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule;
import org.apache.kafka.common.security.oauthbearer.internals.OAuthBearerSaslServer;
import org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredValidatorCallbackHandler;
import org.apache.kafka.common.security.plain.internals.PlainSaslServer;
import org.junit.jupiter.api.Test;

/** Principals from Kafka's own SASL servers (PLAIN with our handler, OAUTHBEARER with Kafka's validator). */
class KeywardPrincipalBuilderTest {

  private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();

  private static Map<String, Object> settings(FakeKeyward keyward) {
    Map<String, Object> c = Fixtures.settings(keyward.port());
    c.put("listeners", "SASL_PLAINTEXT://127.0.0.1:9092");
    return c;
  }

  @Test
  void plainSessionsAreTheKeysOwnerWithTheKeyId() throws Exception {
    try (FakeKeyward keyward = new FakeKeyward()) {
      KeywardPlainCallbackHandler handler = new KeywardPlainCallbackHandler();
      handler.configure(settings(keyward), "PLAIN", List.of());
      KeywardPrincipalBuilder builder = new KeywardPrincipalBuilder();
      builder.configure(settings(keyward));
      try {
        KeywardRuntime rt = KeywardRuntime.acquire(settings(keyward));
        rt.release();
        rt.replica().firstLoad().get(10, TimeUnit.SECONDS);
        PlainSaslServer server = new PlainSaslServer(handler);
        server.evaluateResponse("\u0000AAAAAAAAAAAAAAA1\u0000kw_alpha_one".getBytes(StandardCharsets.UTF_8));
        assertTrue(server.isComplete());
        SaslAuthenticationContext context = new SaslAuthenticationContext(server, SecurityProtocol.SASL_PLAINTEXT, CLIENT, "SASL_PLAINTEXT");
        KafkaPrincipal p = builder.build(context);
        KeywardPrincipal kp = assertInstanceOf(KeywardPrincipal.class, p);
        assertEquals("User:sa-alpha", p.toString());
        assertEquals("AAAAAAAAAAAAAAA1", kp.keyId());
        assertEquals("PLAIN", kp.mechanism());
        // Kafka asks for the principal on every request: the same object, one success event
        assertSame(p, builder.build(context));
        assertTrue(FakeKeyward.await(5_000, () -> keyward.events.stream().anyMatch(e -> "SUCCESS".equals(e.path("result").asText()))));
        Thread.sleep(300);
        List<JsonNode> successes = keyward.events.stream().filter(e -> "SUCCESS".equals(e.path("result").asText())).toList();
        assertEquals(1, successes.size(), successes.toString());
        JsonNode s = successes.get(0);
        assertEquals("authentication", s.path("type").asText());
        assertEquals("AAAAAAAAAAAAAAA1", s.path("key").asText());
        assertEquals("User:sa-alpha", s.path("principal").asText());
        assertEquals(CLIENT.getHostAddress(), s.path("client_address").asText());
        assertEquals("SASL_PLAINTEXT", s.path("listener").asText());
        assertEquals("SASL_PLAINTEXT/PLAIN", s.path("mechanism").asText());
      } finally {
        builder.close();
        handler.close();
      }
    }
  }

  private static OAuthBearerSaslServer tokenSession(OAuthBearerUnsecuredValidatorCallbackHandler validator, String claims) throws Exception {
    long now = System.currentTimeMillis() / 1000;
    String token = b64("{\"alg\":\"none\"}") + "." + b64("{" + claims + ",\"iat\":" + (now - 5) + ",\"exp\":" + (now + 600) + "}") + ".";
    OAuthBearerSaslServer server = new OAuthBearerSaslServer(validator);
    server.evaluateResponse(("n,,\u0001auth=Bearer " + token + "\u0001\u0001").getBytes(StandardCharsets.UTF_8));
    assertTrue(server.isComplete());
    return server;
  }

  @Test
  void oauthBearerSessionsMapSubAndKeyIdUnderTheReplicasRules() throws Exception {
    try (FakeKeyward keyward = new FakeKeyward()) {
      KeywardPrincipalBuilder builder = new KeywardPrincipalBuilder();
      builder.configure(settings(keyward));
      OAuthBearerUnsecuredValidatorCallbackHandler validator = new OAuthBearerUnsecuredValidatorCallbackHandler();
      validator.configure(Map.of(), "OAUTHBEARER", List.of(new AppConfigurationEntry(OAuthBearerLoginModule.class.getName(),
          AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, Map.of())));
      try {
        KeywardRuntime rt = KeywardRuntime.acquire(settings(keyward));
        rt.release();
        rt.replica().firstLoad().get(10, TimeUnit.SECONDS);
        OAuthBearerSaslServer server = tokenSession(validator, "\"sub\":\"sa-alpha\",\"key_id\":\"AAAAAAAAAAAAAAA1\",\"scope\":\"kafka\"");
        KafkaPrincipal p = builder.build(new SaslAuthenticationContext(server, SecurityProtocol.SASL_PLAINTEXT, CLIENT, "SASL_PLAINTEXT"));
        KeywardPrincipal kp = assertInstanceOf(KeywardPrincipal.class, p);
        assertEquals("User:sa-alpha", kp.toString());
        assertEquals("AAAAAAAAAAAAAAA1", kp.keyId());
        assertEquals("OAUTHBEARER", kp.mechanism());
        assertTrue(FakeKeyward.await(5_000, () -> keyward.events.stream().anyMatch(e -> "SASL_PLAINTEXT/OAUTHBEARER".equals(e.path("mechanism").asText())
            && "SUCCESS".equals(e.path("result").asText()))));
        assertEquals(1, rt.metrics().getLoginsSucceeded());

        String[][] refused = {
            {"\"sub\":\"sa-beta\",\"key_id\":\"DDDDDDDDDDDDDDD1\"", "DISABLED", "DDDDDDDDDDDDDDD1"},
            {"\"sub\":\"u-gamma\",\"key_id\":\"EEEEEEEEEEEEEEE1\"", "EXPIRED", "EEEEEEEEEEEEEEE1"},
            {"\"sub\":\"sa-beta\",\"key_id\":\"AAAAAAAAAAAAAAA1\"", "INVALID_CREDENTIALS", "AAAAAAAAAAAAAAA1"},
            {"\"sub\":\"sa-alpha\",\"key_id\":\"ZZZZZZZZZZZZZZZ9\"", "INVALID_CREDENTIALS", "ZZZZZZZZZZZZZZZ9"},
            {"\"sub\":\"sa-alpha\"", "INVALID_CREDENTIALS", null}};
        for (String[] c : refused) {
          KeywardPrincipalBuilder perConnection = new KeywardPrincipalBuilder();
          perConnection.configure(settings(keyward));
          try {
            OAuthBearerSaslServer s = tokenSession(validator, c[0]);
            SaslAuthenticationException e = assertThrows(SaslAuthenticationException.class,
                () -> perConnection.build(new SaslAuthenticationContext(s, SecurityProtocol.SASL_PLAINTEXT, CLIENT, "SASL_PLAINTEXT")), c[0]);
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
            assertTrue(FakeKeyward.await(5_000, () -> keyward.events.stream().anyMatch(ev -> c[1].equals(ev.path("reason").asText())
                && (c[2] == null ? ev.path("key").isNull() : c[2].equals(ev.path("key").asText()))
                && "SASL_PLAINTEXT/OAUTHBEARER".equals(ev.path("mechanism").asText()))), c[0]);
          } finally {
            perConnection.close();
          }
        }
        assertEquals(5, rt.metrics().getLoginsFailed());
      } finally {
        builder.close();
        validator.close();
      }
    }
  }

  @Test
  void jwtPayloadDecoding() {
    String jwt = b64("{\"alg\":\"RS256\"}") + "." + b64("{\"sub\":\"u-1\",\"key_id\":\"K1\"}") + ".sig";
    assertEquals(List.of("u-1", "K1"), List.of(KeywardPrincipalBuilder.subjectAndKey(jwt)));
    String[] none = KeywardPrincipalBuilder.subjectAndKey(b64("{}") + "." + b64("{\"sub\":\"u-1\"}") + ".s");
    assertEquals("u-1", none[0]);
    assertNull(none[1]);
    assertNull(KeywardPrincipalBuilder.subjectAndKey("garbage")[0]);
    assertNull(KeywardPrincipalBuilder.subjectAndKey("a.!!!.c")[0]);
  }

  @Test
  void plaintextIsAnonymousLikeKafka() throws Exception {
    try (FakeKeyward keyward = new FakeKeyward()) {
      KeywardPrincipalBuilder builder = new KeywardPrincipalBuilder();
      builder.configure(settings(keyward));
      try {
        assertSame(KafkaPrincipal.ANONYMOUS, builder.build(new PlaintextAuthenticationContext(CLIENT, "CONTROLLER")));
      } finally {
        builder.close();
      }
    }
  }

  @Test
  void serdeRoundTripsTheKeyId() {
    KeywardPrincipalBuilder serde = new KeywardPrincipalBuilder();
    KeywardPrincipal p = new KeywardPrincipal("User", "sa-alpha", "AAAAAAAAAAAAAAA1", "PLAIN");
    KafkaPrincipal back = serde.deserialize(serde.serialize(p));
    KeywardPrincipal kp = assertInstanceOf(KeywardPrincipal.class, back);
    assertEquals(p, kp);
    assertEquals("AAAAAAAAAAAAAAA1", kp.keyId());
    assertEquals("PLAIN", kp.mechanism());
    assertFalse(kp.tokenAuthenticated());

    KeywardPrincipal noKey = assertInstanceOf(KeywardPrincipal.class, serde.deserialize(serde.serialize(new KeywardPrincipal("User", "u-1", null))));
    assertNull(noKey.keyId());
    assertNull(noKey.mechanism());

    KafkaPrincipal anonymous = serde.deserialize(serde.serialize(KafkaPrincipal.ANONYMOUS));
    assertEquals(KafkaPrincipal.ANONYMOUS, anonymous);
    assertFalse(anonymous instanceof KeywardPrincipal);

    // Kafka's own format (a broker with the default builder) is still read
    KafkaPrincipal plain = new KafkaPrincipal("User", "admin");
    assertEquals(plain, serde.deserialize(new DefaultKafkaPrincipalBuilder(null, null).serialize(plain)));
    assertThrows(SerializationException.class, () -> serde.deserialize(new byte[] {'k', 9, 0}));
    assertThrows(SerializationException.class, () -> serde.deserialize(new byte[] {'k', 1, 0}));
  }

  @Test
  void equalityIsKafkas() {
    assertEquals(new KeywardPrincipal("User", "sa-x", "K1"), new KeywardPrincipal("User", "sa-x", "K2"));
    assertNotEquals(new KeywardPrincipal("User", "sa-x", "K1"), new KeywardPrincipal("User", "sa-y", "K1"));
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}

package io.keyward.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Base64;
import java.util.Map;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.security.auth.AuthenticationContext;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.KafkaPrincipalBuilder;
import org.apache.kafka.common.security.auth.KafkaPrincipalSerde;
import org.apache.kafka.common.security.auth.SaslAuthenticationContext;
import org.apache.kafka.common.security.authenticator.DefaultKafkaPrincipalBuilder;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerToken;
import org.apache.kafka.common.security.ssl.SslPrincipalMapper;

/**
 * The principal of a keyward session (DESIGN §8): SASL/PLAIN → {@code User:<owner id>} of the key in the replica;
 * OAUTHBEARER (keyward's JWT, already validated by Kafka's {@code OAuthBearerValidatorCallbackHandler}) →
 * {@code User:<sub>} with the token's {@code key_id}; anything else as Kafka's {@link DefaultKafkaPrincipalBuilder}
 * ({@code ANONYMOUS} on PLAINTEXT, the certificate's mapped name on SSL). Also the {@link KafkaPrincipalSerde} that
 * carries the key id when a broker forwards a request to the controller.
 *
 * <p>Kafka creates one builder per connection and asks it for the principal on every request, so the principal is
 * built once per authentication and cached; the first build records the authentication success (with the client
 * address, which the SASL callback cannot see) for keyward's audit log.
 */
public final class KeywardPrincipalBuilder implements KafkaPrincipalBuilder, KafkaPrincipalSerde, Configurable, Closeable {

  static final String OAUTHBEARER_TOKEN = "OAUTHBEARER.token";
  private static final byte MAGIC = 'k';
  private static final byte VERSION = 1;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private KeywardRuntime runtime;
  private DefaultKafkaPrincipalBuilder fallback = new DefaultKafkaPrincipalBuilder(null, null);
  private volatile SaslServer builtFor;
  private volatile KafkaPrincipal built;

  @Override
  public void configure(Map<String, ?> configs) {
    Object rules = configs.get("ssl.principal.mapping.rules");
    SslPrincipalMapper mapper = SslPrincipalMapper.fromRules(rules == null ? "DEFAULT" : String.valueOf(rules));
    fallback = new DefaultKafkaPrincipalBuilder(null, mapper);
    if (runtime == null) runtime = KeywardRuntime.acquire(configs);
  }

  @Override
  public KafkaPrincipal build(AuthenticationContext context) {
    if (!(context instanceof SaslAuthenticationContext sasl)) return fallback.build(context);
    SaslServer server = sasl.server();
    KafkaPrincipal cached = built;
    if (cached != null && builtFor == server) return cached;
    String mechanism = server.getMechanismName();
    KafkaPrincipal principal;
    if ("PLAIN".equals(mechanism)) {
      principal = plain(server);
    } else if ("OAUTHBEARER".equals(mechanism)) {
      principal = oauthBearer(sasl, server);
    } else {
      return fallback.build(context);
    }
    built = principal;
    builtFor = server;
    recordSuccess(sasl, mechanism, principal);
    return principal;
  }

  private KafkaPrincipal plain(SaslServer server) {
    String keyId = server.getAuthorizationID();
    KeyEntry key = runtime().replica().key(keyId);
    if (key == null) throw new SaslAuthenticationException("Authentication failed: the key is no longer valid");
    return new KeywardPrincipal(KafkaPrincipal.USER_TYPE, key.ownerId(), key.id(), "PLAIN");
  }

  /**
   * keyward's token: {@code sub} the owner, {@code key_id} the key. Kafka's validator has checked the signature and
   * lifetime; the replica decides the rest as for PLAIN (key known and of that owner, key and owner ACTIVE, not
   * expired). A refusal is audited with its reason and fails the session (Kafka closes the connection).
   */
  private KafkaPrincipal oauthBearer(SaslAuthenticationContext context, SaslServer server) {
    Object negotiated = server.getNegotiatedProperty(OAUTHBEARER_TOKEN);
    if (!(negotiated instanceof OAuthBearerToken token)) {
      throw new SaslAuthenticationException("Authentication failed: no validated OAUTHBEARER token");
    }
    String[] claims = subjectAndKey(token.value());
    String subject = claims[0] != null ? claims[0] : token.principalName();
    String keyId = claims[1];
    KeywardRuntime rt = runtime();
    long now = rt.nowMs();
    String reason;
    KeyEntry key = keyId == null ? null : rt.replica().key(keyId);
    if (rt.replica().stale(now)) {
      reason = KeywardPlainCallbackHandler.REPLICA_UNAVAILABLE;
    } else if (subject == null || key == null || !key.ownerId().equals(subject)) {
      reason = LoginCheck.Result.INVALID_CREDENTIALS.name();
    } else {
      LoginCheck.Result result = LoginCheck.status(key, now);
      if (result == LoginCheck.Result.VALID) return new KeywardPrincipal(KafkaPrincipal.USER_TYPE, subject, keyId, "OAUTHBEARER");
      reason = result.name();
    }
    rt.metrics().loginFailed();
    String reported = KeywardPlainCallbackHandler.reportableKeyId(keyId);
    rt.shipper().authenticationFailed(reported, key == null ? null : key.principal(), reason, context.listenerName(),
        context.securityProtocol().name() + "/OAUTHBEARER");
    throw new SaslAuthenticationException("Authentication failed: the token's key is not valid for this cluster (" + reason + ")");
  }

  /** {@code sub} and {@code key_id} of a JWT's payload (its signature was checked by Kafka's validator). */
  static String[] subjectAndKey(String jwt) {
    String[] parts = jwt == null ? new String[0] : jwt.split("\\.");
    if (parts.length < 2) return new String[] {null, null};
    try {
      JsonNode payload = MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
      return new String[] {text(payload, "sub"), text(payload, "key_id")};
    } catch (IOException | IllegalArgumentException e) {
      return new String[] {null, null};
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value != null && value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
  }

  private void recordSuccess(SaslAuthenticationContext context, String mechanism, KafkaPrincipal principal) {
    KeywardRuntime rt = runtime;
    if (rt == null) return;
    if ("OAUTHBEARER".equals(mechanism)) rt.metrics().loginSucceeded();
    InetAddress address = context.clientAddress();
    String keyId = principal instanceof KeywardPrincipal kp ? kp.keyId() : null;
    rt.shipper().authenticationSucceeded(keyId, principal.toString(), address == null ? null : address.getHostAddress(),
        context.listenerName(), context.securityProtocol().name() + "/" + mechanism);
  }

  private KeywardRuntime runtime() {
    KeywardRuntime rt = runtime;
    if (rt == null) throw new SaslAuthenticationException("Authentication failed: the keyward principal builder is not configured");
    return rt;
  }

  @Override
  public byte[] serialize(KafkaPrincipal principal) throws SerializationException {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(MAGIC);
      out.writeByte(VERSION);
      out.writeUTF(principal.getPrincipalType());
      out.writeUTF(principal.getName());
      out.writeBoolean(principal.tokenAuthenticated());
      String keyId = principal instanceof KeywardPrincipal kp ? kp.keyId() : null;
      out.writeBoolean(principal instanceof KeywardPrincipal);
      out.writeBoolean(keyId != null);
      if (keyId != null) out.writeUTF(keyId);
      String mechanism = principal instanceof KeywardPrincipal kp ? kp.mechanism() : null;
      out.writeBoolean(mechanism != null);
      if (mechanism != null) out.writeUTF(mechanism);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new SerializationException("keyward: principal not serializable", e);
    }
  }

  @Override
  public KafkaPrincipal deserialize(byte[] bytes) throws SerializationException {
    if (bytes == null || bytes.length < 2 || bytes[0] != MAGIC) return fallback.deserialize(bytes);
    if (bytes[1] != VERSION) throw new SerializationException("keyward: principal format version " + bytes[1] + " unknown");
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 2, bytes.length - 2));
      String type = in.readUTF();
      String name = in.readUTF();
      boolean token = in.readBoolean();
      boolean keyward = in.readBoolean();
      String keyId = in.readBoolean() ? in.readUTF() : null;
      String mechanism = in.readBoolean() ? in.readUTF() : null;
      KafkaPrincipal principal = keyward ? new KeywardPrincipal(type, name, keyId, mechanism) : new KafkaPrincipal(type, name);
      principal.tokenAuthenticated(token);
      return principal;
    } catch (IOException e) {
      throw new SerializationException("keyward: malformed principal", e);
    }
  }

  @Override
  public void close() {
    KeywardRuntime rt = runtime;
    runtime = null;
    if (rt != null) rt.release();
  }
}

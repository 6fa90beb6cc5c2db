package io.keyward.kafka;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.plain.PlainAuthenticateCallback;

/**
 * SASL/PLAIN at the broker with keyward's keys (DESIGN §8): username = API key id, password = API secret, checked
 * against the local replica only — no network call on Kafka's network thread. A replica not yet loaded or stale
 * refuses every login ({@code REPLICA_UNAVAILABLE}); else {@link LoginCheck} decides. Failures are counted in JMX
 * and shipped to keyward with their reason ({@link FailureThrottle} turns a key id's 11th and later failures within a
 * minute into {@code RATE_LIMITED}); the secret appears in no log, event or exception.
 *
 * <p>Kafka's {@code PlainSaslServer} answers the client "Invalid username or password" for a refused login and
 * "credentials for user could not be verified" when this handler throws, which it does only when the replica is
 * unavailable.
 */
public final class KeywardPlainCallbackHandler implements AuthenticateCallbackHandler {

  static final String MECHANISM = "PLAIN";
  static final String REPLICA_UNAVAILABLE = "REPLICA_UNAVAILABLE";
  private static final Pattern REPORTABLE_KEY_ID = Pattern.compile("[A-Z0-9]{16}");

  private KeywardRuntime runtime;
  private FailureThrottle throttle;
  /** The listener and "PROTOCOL/PLAIN" when only one SASL listener exists; else read from the network thread's name. */
  private String fixedListener;
  private String fixedMechanism;

  @Override
  public void configure(Map<String, ?> configs, String saslMechanism, List<AppConfigurationEntry> jaasConfigEntries) {
    if (!MECHANISM.equals(saslMechanism)) {
      throw new ConfigException("KeywardPlainCallbackHandler handles SASL/PLAIN only, not " + saslMechanism);
    }
    if (runtime != null) return;
    runtime = KeywardRuntime.acquire(configs);
    throttle = new FailureThrottle(runtime.config().loginFailuresPerMinute());
    String[] only = onlySaslListener(configs);
    if (only != null) {
      fixedListener = only[0];
      fixedMechanism = only[1] + "/" + MECHANISM;
    }
  }

  @Override
  public void handle(Callback[] callbacks) throws IOException, UnsupportedCallbackException {
    String username = null;
    for (Callback callback : callbacks) {
      if (callback instanceof NameCallback nc) {
        username = nc.getDefaultName();
      } else if (callback instanceof PlainAuthenticateCallback pc) {
        pc.authenticated(authenticate(username, pc.password()));
      } else {
        throw new UnsupportedCallbackException(callback);
      }
    }
  }

  private boolean authenticate(String keyId, char[] password) throws IOException {
    KeywardRuntime rt = runtime;
    if (rt == null) throw new IOException("keyward: the callback handler is not configured");
    long now = rt.nowMs();
    ReplicaStore replica = rt.replica();
    if (replica.stale(now)) {
      fail(rt, keyId, null, REPLICA_UNAVAILABLE, now);
      throw new IOException("keyward: the replica is not loaded or is stale; logins are refused");
    }
    KeyEntry key = keyId == null ? null : replica.key(keyId);
    LoginCheck.Result result = LoginCheck.check(key, keyId == null ? "" : keyId, password == null ? "" : new String(password), now);
    if (result == LoginCheck.Result.VALID) {
      rt.metrics().loginSucceeded();
      return true;
    }
    fail(rt, keyId, key, result.name(), now);
    return false;
  }

  private void fail(KeywardRuntime rt, String keyId, KeyEntry key, String reason, long now) {
    rt.metrics().loginFailed();
    String reported = reportableKeyId(keyId);
    String finalReason = throttle.failure(reported == null ? "?" : reported, reason, now);
    String[] listener = listener();
    rt.shipper().authenticationFailed(reported, key == null ? null : key.principal(), finalReason, listener[0], listener[1]);
  }

  @Override
  public void close() {
    KeywardRuntime rt = runtime;
    runtime = null;
    if (rt != null) rt.release();
  }

  /** The presented key id when it looks like one (never free text: a secret typed as the username stays out). */
  static String reportableKeyId(String keyId) {
    return keyId != null && REPORTABLE_KEY_ID.matcher(keyId).matches() ? keyId : null;
  }

  private String[] listener() {
    if (fixedListener != null) return new String[] {fixedListener, fixedMechanism};
    String[] fromThread = fromThreadName(Thread.currentThread().getName());
    if (fromThread != null) return new String[] {fromThread[0], fromThread[1] + "/" + MECHANISM};
    return new String[] {null, "SASL/" + MECHANISM};
  }

  /**
   * Kafka 4.1 names its network threads {@code data-plane-kafka-network-thread-<node>-<LISTENER>-<PROTOCOL>-<n>};
   * returns {listener, protocol} or null.
   */
  static String[] fromThreadName(String thread) {
    String marker = "kafka-network-thread-";
    int at = thread.indexOf(marker);
    if (at < 0) return null;
    String rest = thread.substring(at + marker.length());
    int node = rest.indexOf('-');
    if (node <= 0) return null;
    rest = rest.substring(node + 1);
    int last = rest.lastIndexOf('-');
    if (last <= 0) return null;
    rest = rest.substring(0, last);
    int split = rest.lastIndexOf('-');
    if (split <= 0 || split == rest.length() - 1) return null;
    String listener = rest.substring(0, split);
    if (listener.startsWith("ListenerName(") && listener.endsWith(")")) {
      listener = listener.substring("ListenerName(".length(), listener.length() - 1);
    }
    return new String[] {listener, rest.substring(split + 1)};
  }

  /** {name, protocol} of the only SASL listener in {@code listeners}, or null when there are none or several. */
  static String[] onlySaslListener(Map<String, ?> configs) {
    Object listeners = configs.get("listeners");
    if (listeners == null) return null;
    Map<String, String> protocols = new HashMap<>();
    Object map = configs.get("listener.security.protocol.map");
    if (map != null) {
      for (String pair : String.valueOf(map).split(",")) {
        int colon = pair.indexOf(':');
        if (colon > 0) protocols.put(pair.substring(0, colon).trim().toUpperCase(Locale.ROOT), pair.substring(colon + 1).trim().toUpperCase(Locale.ROOT));
      }
    }
    List<String[]> sasl = new ArrayList<>();
    String text = listeners instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(listeners);
    for (String listener : text.split(",")) {
      int scheme = listener.indexOf("://");
      if (scheme <= 0) continue;
      String name = listener.substring(0, scheme).trim().toUpperCase(Locale.ROOT);
      String protocol = protocols.getOrDefault(name, name);
      if (protocol.startsWith("SASL_")) sasl.add(new String[] {name, protocol});
    }
    return sasl.size() == 1 ? sasl.get(0) : null;
  }
}

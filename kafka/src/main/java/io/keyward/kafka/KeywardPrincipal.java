package io.keyward.kafka;

import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * A client authenticated with a keyward key: {@code User:<owner id>} (e.g. {@code User:sa-abc123}), keeping the id
 * of the key it logged in with so that the authorizer can refuse the session's next request once that key is
 * deleted, disabled or expired, or its owner disabled. Equality is Kafka's (type and name): the same owner through
 * a rotated key is the same principal, which lets a live connection re-authenticate with the new key.
 */
public final class KeywardPrincipal extends KafkaPrincipal {

  private final String keyId;
  private final String mechanism;

  public KeywardPrincipal(String principalType, String name, String keyId) {
    this(principalType, name, keyId, null);
  }

  /** @param mechanism the SASL mechanism of the session ({@code PLAIN}, {@code OAUTHBEARER}) or null */
  public KeywardPrincipal(String principalType, String name, String keyId, String mechanism) {
    super(principalType, name);
    this.keyId = keyId;
    this.mechanism = mechanism;
  }

  /** The key the session authenticated with; null for a token that named no key. */
  public String keyId() { return keyId; }

  /** The SASL mechanism the session authenticated with ({@code PLAIN}, {@code OAUTHBEARER}), or null if unknown. */
  public String mechanism() { return mechanism; }
}

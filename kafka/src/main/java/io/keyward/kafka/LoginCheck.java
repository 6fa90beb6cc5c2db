package io.keyward.kafka;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * keyward's key check at the broker, pure (DESIGN §8), in keyward's fixed order: credentials, key status, owner
 * status, expiry (inclusive: a key is expired from its {@code expires_at} on). The credential comparison always
 * runs, in constant time ({@link MessageDigest#isEqual}), against a fixed dummy hash when the id is unknown, so an
 * unknown key id and a wrong secret cost the same. The same answers as keyward's {@code login-check.ts}: the
 * decision vectors hold both to them.
 */
public final class LoginCheck {

  public enum Result { VALID, INVALID_CREDENTIALS, DISABLED, EXPIRED }

  private static final byte[] UNKNOWN_KEY_HASH = sha256("keyward: no such key");

  private LoginCheck() {}

  /**
   * @param key      the replica's key with this id, or null
   * @param keyId    the presented key id (the SASL/PLAIN username)
   * @param password the presented secret
   * @param nowMs    the current time, epoch milliseconds
   */
  public static Result check(KeyEntry key, String keyId, String password, long nowMs) {
    KeyEntry known = key != null && key.id().equals(keyId) ? key : null;
    byte[] presented = sha256(password);
    boolean matches = MessageDigest.isEqual(presented, known == null ? UNKNOWN_KEY_HASH : known.secretSha256());
    if (known == null || !matches) return Result.INVALID_CREDENTIALS;
    if (!known.active()) return Result.DISABLED;
    if (!known.ownerActive()) return Result.DISABLED;
    if (known.expiresAtMs() <= nowMs) return Result.EXPIRED;
    return Result.VALID;
  }

  /**
   * The checks after the credentials, for a session whose credential was verified elsewhere (an OAUTHBEARER token
   * validated by Kafka): key status, owner status, expiry. A null key → INVALID_CREDENTIALS.
   */
  public static Result status(KeyEntry key, long nowMs) {
    if (key == null) return Result.INVALID_CREDENTIALS;
    if (!key.active() || !key.ownerActive()) return Result.DISABLED;
    if (key.expiresAtMs() <= nowMs) return Result.EXPIRED;
    return Result.VALID;
  }

  /** SHA-256 of the UTF-8 bytes. */
  static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}

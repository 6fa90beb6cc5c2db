package io.keyward.kafka;

import static io.keyward.kafka.LoginCheck.Result.DISABLED;
import static io.keyward.kafka.LoginCheck.Result.EXPIRED;
import static io.keyward.kafka.LoginCheck.Result.INVALID_CREDENTIALS;
import static io.keyward.kafka.LoginCheck.Result.VALID;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LoginCheckTest {

  private static final long NOW = 1_800_000_000_000L;

  private static KeyEntry key(boolean active, boolean ownerActive, long expiresAtMs) {
    return new KeyEntry("AAAAAAAAAAAAAAA1", LoginCheck.sha256("kw_right"), active, "sa-x", "service-account", ownerActive, expiresAtMs);
  }

  @Test
  void checksInKeywardsOrder() {
    assertEquals(VALID, LoginCheck.check(key(true, true, Long.MAX_VALUE), "AAAAAAAAAAAAAAA1", "kw_right", NOW));
    assertEquals(INVALID_CREDENTIALS, LoginCheck.check(null, "AAAAAAAAAAAAAAA1", "kw_right", NOW));
    assertEquals(INVALID_CREDENTIALS, LoginCheck.check(key(true, true, Long.MAX_VALUE), "AAAAAAAAAAAAAAA1", "kw_wrong", NOW));
    // credentials first: a wrong secret on a disabled, expired key is INVALID_CREDENTIALS
    assertEquals(INVALID_CREDENTIALS, LoginCheck.check(key(false, false, NOW - 1), "AAAAAAAAAAAAAAA1", "kw_wrong", NOW));
    assertEquals(DISABLED, LoginCheck.check(key(false, true, NOW - 1), "AAAAAAAAAAAAAAA1", "kw_right", NOW));
    assertEquals(DISABLED, LoginCheck.check(key(true, false, NOW - 1), "AAAAAAAAAAAAAAA1", "kw_right", NOW));
    assertEquals(EXPIRED, LoginCheck.check(key(true, true, NOW - 1), "AAAAAAAAAAAAAAA1", "kw_right", NOW));
  }

  @Test
  void expiryIsInclusive() {
    assertEquals(EXPIRED, LoginCheck.check(key(true, true, NOW), "AAAAAAAAAAAAAAA1", "kw_right", NOW));
    assertEquals(VALID, LoginCheck.check(key(true, true, NOW + 1), "AAAAAAAAAAAAAAA1", "kw_right", NOW));
  }

  @Test
  void aKeyUnderAnotherIdIsUnknown() {
    assertEquals(INVALID_CREDENTIALS, LoginCheck.check(key(true, true, Long.MAX_VALUE), "BBBBBBBBBBBBBBB1", "kw_right", NOW));
  }

  @Test
  void aSessionVerifiedElsewhereGetsTheChecksAfterTheCredentials() {
    assertEquals(VALID, LoginCheck.status(key(true, true, Long.MAX_VALUE), NOW));
    assertEquals(INVALID_CREDENTIALS, LoginCheck.status(null, NOW));
    assertEquals(DISABLED, LoginCheck.status(key(false, true, Long.MAX_VALUE), NOW));
    assertEquals(DISABLED, LoginCheck.status(key(true, false, Long.MAX_VALUE), NOW));
    assertEquals(EXPIRED, LoginCheck.status(key(true, true, NOW), NOW));
  }

  @Test
  void theSecretIsHashedAsUtf8() {
    KeyEntry k = new KeyEntry("AAAAAAAAAAAAAAA1", LoginCheck.sha256("kw_é"), true, "sa-x", "service-account", true, Long.MAX_VALUE);
    assertEquals(VALID, LoginCheck.check(k, "AAAAAAAAAAAAAAA1", "kw_é", NOW));
  }
}

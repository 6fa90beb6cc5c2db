package io.keyward.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FailureThrottleTest {

  private static final long T0 = 1_800_000_000_000L;

  @Test
  void theEleventhFailureOfAKeyWithinAMinuteIsRateLimited() {
    FailureThrottle t = new FailureThrottle(10);
    for (int i = 0; i < 10; i++) assertEquals("INVALID_CREDENTIALS", t.failure("AAAAAAAAAAAAAAA1", "INVALID_CREDENTIALS", T0 + i));
    assertEquals("RATE_LIMITED", t.failure("AAAAAAAAAAAAAAA1", "INVALID_CREDENTIALS", T0 + 100));
    assertEquals("RATE_LIMITED", t.failure("AAAAAAAAAAAAAAA1", "DISABLED", T0 + 59_999));
    // another key is counted on its own
    assertEquals("EXPIRED", t.failure("BBBBBBBBBBBBBBB1", "EXPIRED", T0 + 200));
    // a new minute, a new window
    assertEquals("INVALID_CREDENTIALS", t.failure("AAAAAAAAAAAAAAA1", "INVALID_CREDENTIALS", T0 + 60_000));
  }

  @Test
  void theTableIsBounded() {
    FailureThrottle t = new FailureThrottle(10, 3);
    assertEquals("X", t.failure("K1", "X", T0));
    assertEquals("X", t.failure("K2", "X", T0));
    assertEquals("X", t.failure("K3", "X", T0));
    assertEquals("RATE_LIMITED", t.failure("K4", "X", T0 + 1));
    assertEquals(3, t.tracked());
    // once the windows have ended they are pruned to make room
    assertEquals("X", t.failure("K4", "X", T0 + 60_000));
    assertEquals(1, t.tracked());
  }
}

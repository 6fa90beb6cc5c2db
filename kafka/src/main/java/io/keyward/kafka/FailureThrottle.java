package io.keyward.kafka;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds what repeated login failures for one key id cost the audit log (plan §8): the first
 * {@code limit} failures of a key id within a minute are reported with their own reason; further failures in
 * that minute are reported as {@code RATE_LIMITED}, which the event shipper aggregates into one item with a count
 * per minute. Only failures are counted and only their reporting changes: a correct secret is never refused
 * because of failures (the SASL callback cannot see the client's address, so blocking a key id would let anyone
 * lock its owner out — DESIGN §9). The table holds at most {@code maxTracked} key ids; when it is full and no
 * window has ended, an untracked id's failures are reported as {@code RATE_LIMITED} at once.
 */
public final class FailureThrottle {

  public static final String RATE_LIMITED = "RATE_LIMITED";
  static final long WINDOW_MS = 60_000L;
  static final int DEFAULT_MAX_TRACKED = 10_000;

  private static final class Window {
    long startMs;
    int failures;

    Window(long startMs) {
      this.startMs = startMs;
    }
  }

  private final int limit;
  private final int maxTracked;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  public FailureThrottle(int limit) {
    this(limit, DEFAULT_MAX_TRACKED);
  }

  FailureThrottle(int limit, int maxTracked) {
    this.limit = limit;
    this.maxTracked = maxTracked;
  }

  /** Counts one failure of a key id; returns the reason to report: {@code reason} or {@code RATE_LIMITED}. */
  public String failure(String keyId, String reason, long nowMs) {
    String id = keyId == null ? "" : keyId;
    if (!windows.containsKey(id) && windows.size() >= maxTracked) {
      prune(nowMs);
      if (windows.size() >= maxTracked) return RATE_LIMITED;
    }
    int[] failures = new int[1];
    windows.compute(id, (k, old) -> {
      Window window = old == null || nowMs - old.startMs >= WINDOW_MS ? new Window(nowMs) : old;
      failures[0] = ++window.failures;
      return window;
    });
    return failures[0] > limit ? RATE_LIMITED : reason;
  }

  /** Key ids currently tracked (tests). */
  int tracked() { return windows.size(); }

  private void prune(long nowMs) {
    windows.entrySet().removeIf(e -> nowMs - e.getValue().startMs >= WINDOW_MS);
  }
}

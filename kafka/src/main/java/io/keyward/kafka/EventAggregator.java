package io.keyward.kafka;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker's event buffer (plan §3, §8). Called from Kafka's threads: never blocks, never does I/O.
 *
 * <ul>
 *   <li>Successes are aggregated per {@link EventKey} (type, key, principal, api, operation, resource, client
 *       address, listener, … and minute). The first occurrence of an aggregate is shipped at the next flush (so
 *       {@code last_used} moves within about a second); the rest of that minute is shipped as one item with its
 *       count when the minute has closed. At most two items per aggregate and minute.</li>
 *   <li>Failures and denials are single items, up to {@link #INDIVIDUAL_PER_MINUTE} per key (or principal) and
 *       minute; beyond that they are aggregated like successes.</li>
 *   <li>Bounded: at most {@code capacity} single items queued and {@code capacity} open aggregates; anything
 *       beyond is dropped and counted.</li>
 * </ul>
 */
final class EventAggregator {

  /** Failures or denials per key and minute shipped one by one before they are aggregated. */
  static final int INDIVIDUAL_PER_MINUTE = 20;
  /** An aggregate of minute M is closed this long after M has ended (late callers still count into it). */
  static final long CLOSE_GRACE_MS = 2_000L;

  /**
   * One aggregate: its count since the last drain and the first/last time of those. A counter the shipper has
   * taken out of the map is retired ({@link #RETIRED}): a request thread that finds it so counts into a fresh
   * aggregate instead, so no count is lost or counted twice.
   */
  static final class Counter {
    static final long RETIRED = Long.MIN_VALUE;
    final AtomicLong count = new AtomicLong();
    final AtomicLong first = new AtomicLong();
    final AtomicLong last = new AtomicLong();
    volatile boolean shippedOnce;

    /** Counts one occurrence; false when the counter was retired (the caller looks the aggregate up again). */
    boolean hit(long now) {
      if (first.get() == 0L) {
        first.compareAndSet(0L, now);
      }
      long l;
      while (now > (l = last.get()) && !last.compareAndSet(l, now)) {
        // another thread moved it; retry while ours is later (usually no write at all within a millisecond)
      }
      long n;
      do {
        n = count.get();
        if (n == RETIRED) {
          return false;
        }
      } while (!count.compareAndSet(n, n + 1));
      return true;
    }
  }

  /** Individual failures of one key in one minute. */
  private static final class Window {
    final long minute;
    final AtomicInteger n = new AtomicInteger();

    Window(long minute) {
      this.minute = minute;
    }
  }

  private final int capacity;
  private final String broker;
  private final ConcurrentLinkedQueue<EventItem> singles = new ConcurrentLinkedQueue<>();
  private final AtomicInteger singlesSize = new AtomicInteger();
  private final ConcurrentHashMap<EventKey, Counter> aggregates = new ConcurrentHashMap<>();
  private final AtomicInteger aggregatesSize = new AtomicInteger();
  private final ConcurrentHashMap<String, Window> failureWindows = new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();
  private final ThreadLocal<EventKey> probes = ThreadLocal.withInitial(EventKey::new);

  EventAggregator(int capacity, String broker) {
    this.capacity = capacity;
    this.broker = broker;
  }

  static long minuteOf(long ms) {
    return Math.floorDiv(ms, 60_000L);
  }

  /**
   * Records one event. {@code success}: aggregated; otherwise single while the key's minute has room.
   * Fills the calling thread's probe: no allocation when the aggregate already exists.
   */
  void record(boolean success, long now, String type, String result, String reason, String key, String principal,
      String api, org.apache.kafka.common.acl.AclOperation operation,
      org.apache.kafka.common.resource.ResourceType resourceType, String resourceName,
      org.apache.kafka.common.resource.PatternType patternType, Object clientAddress, String clientId,
      String listener, String mechanism, Grant source) {
    long minute = minuteOf(now);
    EventKey probe = probes.get().set(type, result, reason, key, principal, api, operation, resourceType,
        resourceName, patternType, clientAddress, clientId, listener, mechanism, source, minute);
    if (!success && individualAllowed(key != null ? key : principal, minute)) {
      if (singlesSize.incrementAndGet() > capacity) {
        singlesSize.decrementAndGet();
        dropped.incrementAndGet();
        return;
      }
      singles.add(new EventItem(probe, broker, 1, now, now));
      return;
    }
    while (true) {
      Counter c = aggregates.get(probe);
      if (c == null) {
        if (aggregatesSize.incrementAndGet() > capacity) {
          aggregatesSize.decrementAndGet();
          dropped.incrementAndGet();
          return;
        }
        Counter fresh = new Counter();
        c = aggregates.putIfAbsent(probe.copy(), fresh);
        if (c == null) {
          c = fresh;
        } else {
          aggregatesSize.decrementAndGet();
        }
      }
      if (c.hit(now)) {
        return;
      }
    }
  }

  private boolean individualAllowed(String who, long minute) {
    String id = who == null ? "" : who;
    Window w = failureWindows.get(id);
    if (w == null || w.minute != minute) {
      if (w == null && failureWindows.size() >= capacity) {
        return false; // too many distinct keys failing this minute: aggregate
      }
      Window fresh = new Window(minute);
      if (w == null) {
        Window raced = failureWindows.putIfAbsent(id, fresh);
        w = raced == null ? fresh : raced;
      } else if (failureWindows.replace(id, w, fresh)) {
        w = fresh;
      } else {
        w = failureWindows.get(id);
        if (w == null) {
          return false;
        }
      }
    }
    return w.n.incrementAndGet() <= INDIVIDUAL_PER_MINUTE;
  }

  /**
   * Moves up to {@code max} ready items into {@code out}: single items first, then aggregates seen for the first
   * time, then the remainders of closed minutes (the aggregate is then forgotten). Called by the shipper's thread.
   */
  void drain(long now, int max, List<EventItem> out) {
    EventItem item;
    while (out.size() < max && (item = singles.poll()) != null) {
      singlesSize.decrementAndGet();
      out.add(item);
    }
    long currentMinute = minuteOf(now);
    Iterator<Map.Entry<EventKey, Counter>> it = aggregates.entrySet().iterator();
    while (out.size() < max && it.hasNext()) {
      Map.Entry<EventKey, Counter> e = it.next();
      EventKey k = e.getKey();
      Counter c = e.getValue();
      boolean closed = k.minute < currentMinute && now >= (k.minute + 1) * 60_000L + CLOSE_GRACE_MS;
      if (closed) {
        it.remove();
        aggregatesSize.decrementAndGet();
        take(k, c, true, out);
      } else if (!c.shippedOnce) {
        c.shippedOnce = true;
        take(k, c, false, out);
      }
    }
    if (currentMinute != lastWindowSweep) {
      lastWindowSweep = currentMinute;
      failureWindows.values().removeIf(w -> w.minute < currentMinute);
    }
  }

  private long lastWindowSweep = Long.MIN_VALUE;

  /** Ships everything now, minutes not yet closed included (used when closing). */
  void drainAll(int max, List<EventItem> out) {
    EventItem item;
    while (out.size() < max && (item = singles.poll()) != null) {
      singlesSize.decrementAndGet();
      out.add(item);
    }
    Iterator<Map.Entry<EventKey, Counter>> it = aggregates.entrySet().iterator();
    while (out.size() < max && it.hasNext()) {
      Map.Entry<EventKey, Counter> e = it.next();
      it.remove();
      aggregatesSize.decrementAndGet();
      take(e.getKey(), e.getValue(), true, out);
    }
  }

  /** Moves a counter's count into an item; {@code retire}: the counter has left the map and takes no more. */
  private void take(EventKey k, Counter c, boolean retire, List<EventItem> out) {
    long n = c.count.getAndSet(retire ? Counter.RETIRED : 0L);
    if (n <= 0L) {
      return;
    }
    long first = c.first.getAndSet(0L);
    long last = c.last.get();
    if (first == 0L) {
      first = last;
    }
    out.add(new EventItem(k, broker, n, first, Math.max(first, last)));
  }

  /** Items waiting: single items plus open aggregates with an unshipped count. */
  long pending() {
    long n = singlesSize.get();
    for (Counter c : aggregates.values()) {
      if (c.count.get() > 0L) {
        n++;
      }
    }
    return n;
  }

  long dropped() {
    return dropped.get();
  }

  void addDropped(long n) {
    dropped.addAndGet(n);
  }
}

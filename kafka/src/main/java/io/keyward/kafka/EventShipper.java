package io.keyward.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships the broker's authentication and authorization events to keyward (plan §3, §8):
 * {@code POST /keyward/v1/kafka/clusters/{id}/events}, JSON arrays of at most {@value #MAX_BATCH} items, about
 * every {@code keyward.events.flush.interval.ms} (1 s). Callers (Kafka's network and request threads) only touch
 * the {@link EventAggregator}: bounded, lock-free, no I/O. The shipper's own daemon thread does the HTTP; when
 * keyward is down or answers 5xx/429/401/403 it keeps the batch and retries with exponential backoff (up to 30 s)
 * while new events wait in the bounded buffer; a batch keyward refuses as malformed (400/413/422) is dropped and
 * counted. {@link #close()} flushes what it can within about 2 s.
 */
public final class EventShipper implements AutoCloseable {

  static final int MAX_BATCH = 1000;
  static final long MAX_BACKOFF_MS = 30_000L;
  static final long CLOSE_FLUSH_MS = 2_000L;

  /** The operations and resource types an authorization event may name at keyward (DESIGN §5). */
  static final Set<AclOperation> SHIPPABLE_OPERATIONS = EnumSet.of(AclOperation.READ, AclOperation.WRITE,
      AclOperation.CREATE, AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE,
      AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS,
      AclOperation.IDEMPOTENT_WRITE);
  static final Set<ResourceType> SHIPPABLE_TYPES = EnumSet.of(ResourceType.TOPIC, ResourceType.GROUP,
      ResourceType.CLUSTER, ResourceType.TRANSACTIONAL_ID);

  private static final Logger log = LoggerFactory.getLogger("io.keyward.kafka");
  private static final JsonFactory JSON = new JsonFactory();

  private final KeywardHttp http;
  private final String path;
  private final long intervalMs;
  private final LongSupplier clock;
  private final EventAggregator buffer;
  private final AtomicLong shipped = new AtomicLong();
  private final Object wake = new Object();
  private final Thread thread;
  private volatile boolean closing;
  private volatile boolean failing;
  /** The batch in flight or being retried (guarded by this object's monitor). */
  private List<EventItem> retry = List.of();
  private volatile int retrySize;

  public EventShipper(KeywardConfig config, KeywardHttp http, String brokerId) {
    this(config.clusterPath() + "/events", http, brokerId, config.eventsBufferSize(),
        config.eventsFlushIntervalMs(), System::currentTimeMillis, true);
  }

  /** For tests: any path, buffer size, interval and clock; {@code start} false leaves flushing to the caller. */
  EventShipper(String path, KeywardHttp http, String brokerId, int capacity, long intervalMs, LongSupplier clock,
      boolean start) {
    this.http = http;
    this.path = path;
    this.intervalMs = intervalMs;
    this.clock = clock;
    this.buffer = new EventAggregator(capacity, brokerId);
    this.thread = new Thread(this::run, "keyward-event-shipper");
    this.thread.setDaemon(true);
    if (start) {
      thread.start();
    }
  }

  // ---- recording (any thread; never blocks) -----------------------------------------------------------------

  /** A successful login (aggregated per key, principal, client address, listener and minute). */
  public void authenticationSucceeded(String keyId, String principal, String clientAddress, String listener,
      String mechanism) {
    buffer.record(true, clock.getAsLong(), EventItem.AUTHENTICATION, EventItem.SUCCESS, null, keyId, principal,
        null, null, null, null, null, clientAddress, null, listener, mechanism, null);
  }

  /** A refused login with its reason (INVALID_CREDENTIALS, DISABLED, EXPIRED, RATE_LIMITED, REPLICA_UNAVAILABLE). */
  public void authenticationFailed(String keyId, String principal, String reason, String listener, String mechanism) {
    buffer.record(false, clock.getAsLong(), EventItem.AUTHENTICATION, EventItem.UNAUTHENTICATED, reason, keyId,
        principal, null, null, null, null, null, null, null, listener, mechanism, null);
  }

  /**
   * One authorization decision. Granted ones are aggregated; denied ones are single items (beyond 20 a minute per
   * key, aggregated too). Decisions keyward cannot record (a resource type other than TOPIC, GROUP, CLUSTER,
   * TRANSACTIONAL_ID, an operation such as CREATE_TOKENS or TWO_PHASE_COMMIT, no resource name) are not shipped.
   *
   * @param reason    null when granted; else KEY_REVOKED, KEY_EXPIRED, OWNER_DISABLED, DENY_ACL or NO_GRANT
   * @param api       the request's API name ({@code Produce}, {@code Fetch}, …) or null
   * @param source    the deciding grant, or null
   */
  public void authorization(boolean granted, String keyId, String principal, String reason, String api,
      AclOperation operation, ResourceType resourceType, String resourceName, PatternType patternType,
      InetAddress clientAddress, String clientId, String listener, String mechanism, Grant source) {
    if (operation == null || !SHIPPABLE_OPERATIONS.contains(operation) || resourceType == null
        || !SHIPPABLE_TYPES.contains(resourceType) || resourceName == null) {
      return; // keyward records the four resource types and ten operations its authorizer knows
    }
    buffer.record(granted, clock.getAsLong(), EventItem.AUTHORIZATION,
        granted ? EventItem.SUCCESS : EventItem.UNAUTHORIZED, reason, keyId, principal, api, operation,
        resourceType, resourceName, patternType, clientAddress, clientId, listener, mechanism, source);
  }

  public long pending() {
    return buffer.pending() + retrySize;
  }

  public long shipped() {
    return shipped.get();
  }

  public long dropped() {
    return buffer.dropped();
  }

  // ---- shipping (own thread) --------------------------------------------------------------------------------

  private void run() {
    long backoff = 0L;
    while (!closing) {
      sleep(backoff > 0 ? backoff : intervalMs);
      if (closing) {
        break;
      }
      try {
        boolean ok = flushOnce(false);
        backoff = ok ? 0L : nextBackoff(backoff);
      } catch (RuntimeException e) {
        log.warn("keyward events: unexpected error while shipping: {}", e.toString());
        backoff = nextBackoff(backoff);
      }
    }
  }

  private long nextBackoff(long current) {
    return current == 0L ? Math.max(intervalMs, 1_000L) : Math.min(current * 2, MAX_BACKOFF_MS);
  }

  private void sleep(long ms) {
    synchronized (wake) {
      if (closing) {
        return;
      }
      try {
        wake.wait(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closing = true;
      }
    }
  }

  /**
   * Ships what is ready, batch after batch, until nothing is left or a post fails. Returns false when keyward
   * could not take a batch (kept for the retry). {@code all}: minutes not yet closed too (closing).
   */
  synchronized boolean flushOnce(boolean all) {
    while (true) {
      List<EventItem> batch = retry;
      if (batch.isEmpty()) {
        batch = new ArrayList<>();
        if (all) {
          buffer.drainAll(MAX_BATCH, batch);
        } else {
          buffer.drain(clock.getAsLong(), MAX_BATCH, batch);
        }
        if (batch.isEmpty()) {
          return true;
        }
        keep(batch); // in flight: still pending until keyward has taken it
      }
      int status;
      try {
        status = http.postJson(path, toJson(batch));
      } catch (IOException e) {
        if (!failing) {
          failing = true;
          log.warn("keyward events: cannot reach keyward ({}); {} events kept, retrying with backoff",
              e.getClass().getSimpleName(), batch.size());
        }
        return false;
      }
      if (status >= 200 && status < 300) {
        shipped.addAndGet(batch.size());
        keep(List.of());
        if (failing) {
          failing = false;
          log.info("keyward events: shipping again");
        }
        if (batch.size() < MAX_BATCH) {
          return true;
        }
        continue;
      }
      if (status == 400 || status == 413 || status == 422) {
        buffer.addDropped(batch.size());
        keep(List.of());
        log.warn("keyward events: keyward refused a batch of {} events (HTTP {}); dropped", batch.size(), status);
        continue;
      }
      if (!failing) {
        failing = true;
        log.warn("keyward events: keyward answered HTTP {}; {} events kept, retrying with backoff", status,
            batch.size());
      }
      return false;
    }
  }

  private void keep(List<EventItem> batch) {
    retry = batch;
    retrySize = batch.size();
  }

  static byte[] toJson(List<EventItem> batch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 * batch.size() + 16);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartArray();
      for (EventItem item : batch) {
        item.write(g);
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Test hook: the items ready now, without shipping them. */
  List<EventItem> drainForTest(boolean all) {
    List<EventItem> out = new ArrayList<>();
    if (all) {
      buffer.drainAll(Integer.MAX_VALUE, out);
    } else {
      buffer.drain(clock.getAsLong(), Integer.MAX_VALUE, out);
    }
    return out;
  }

  /** Stops the thread and ships what it can within about 2 s (whatever keyward does not take is dropped). */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    synchronized (wake) {
      closing = true;
      wake.notifyAll();
    }
    if (thread.isAlive()) {
      try {
        thread.join(CLOSE_FLUSH_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_FLUSH_MS);
    Thread flusher = new Thread(() -> {
      while (System.nanoTime() < deadline && !flushOnce(true)) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "keyward-event-shipper-close");
    flusher.setDaemon(true);
    flusher.start();
    try {
      flusher.join(CLOSE_FLUSH_MS + 500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long left = pending();
    if (left > 0) {
      buffer.addDropped(left);
      log.warn("keyward events: {} events not shipped at close", left);
    }
  }
}

package io.keyward.kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link ReplicaStore} in step with keyward (plan §1–§2) on one daemon thread of its own — never a Kafka
 * thread: a full {@code GET …/replica} at start, then {@code GET …/replica/stream?since=<revision>} (with
 * {@code Last-Event-ID} on reconnect); a {@code resync} frame → full reload; a broken or silent stream
 * (no heartbeat within {@code keyward.stream.read.timeout.ms}) → reconnect with a capped backoff (200 ms doubling to
 * {@code keyward.reconnect.backoff.max.ms}). Every state change is logged once.
 */
public final class ReplicaSync implements AutoCloseable {

  /** The sync state, as JMX shows it. */
  public enum State { LOADING, SYNCED, DISCONNECTED, STALE }

  private static final Logger LOG = LoggerFactory.getLogger("io.keyward.kafka");
  private static final long INITIAL_BACKOFF_MS = 200;
  private static final long LOADING_WARN_INTERVAL_MS = 60_000;

  private final KeywardConfig config;
  private final KeywardHttp http;
  private final ReplicaStore replica;
  private final KeywardMetrics metrics;
  private final LongSupplier clock;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile HttpURLConnection current;
  private volatile State state = State.LOADING;
  private boolean resyncNeeded;
  private String lastEventId;
  private long failures;
  private long lastLoadingWarnMs;
  private long lastFullLoadMs;

  public ReplicaSync(KeywardConfig config, KeywardHttp http, ReplicaStore replica, KeywardMetrics metrics, LongSupplier clock) {
    this.config = config;
    this.http = http;
    this.replica = replica;
    this.metrics = metrics;
    this.clock = clock;
    this.thread = new Thread(this::run, "keyward-replica-sync-" + config.clusterId());
    this.thread.setDaemon(true);
  }

  public void start() {
    LOG.info("keyward: state LOADING — fetching the replica of {} from {} (listeners open once it has loaded)",
        config.clusterId(), config.url());
    thread.start();
  }

  /** The current state; DISCONNECTED turns into STALE as soon as the replica is older than the staleness limit. */
  public State state() {
    State s = state;
    if (s == State.DISCONNECTED && replica.stale(clock.getAsLong())) return State.STALE;
    return s;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    HttpURLConnection c = current;
    if (c != null) c.disconnect();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    long backoff = INITIAL_BACKOFF_MS;
    while (running) {
      boolean productive = false;
      try {
        if (!replica.loaded() || resyncNeeded) {
          fullLoad();
          productive = true;
        }
        productive |= stream();
        if (resyncNeeded) {
          // reload at once, but never more than once a second should keyward keep asking for it
          if (clock.getAsLong() - lastFullLoadMs < 1_000 && !sleep(1_000)) break;
          continue;
        }
        if (running && !productive) throw new IOException("the stream ended before its first frame");
        if (running) disconnected("the stream ended");
      } catch (IOException | RuntimeException e) {
        if (!running) break;
        disconnected(describe(e));
      }
      if (productive) backoff = INITIAL_BACKOFF_MS;
      if (!sleep(backoff)) break;
      if (!productive) backoff = Math.min(backoff * 2, config.reconnectBackoffMaxMs());
      checkStale();
    }
  }

  private void fullLoad() throws IOException {
    long started = clock.getAsLong();
    ReplicaStore.Snapshot snapshot = http.getJson(config.clusterPath() + "/replica", ReplicaJson::snapshot);
    if (!config.clusterId().equals(snapshot.cluster())) {
      throw new IOException("keyward sent the replica of " + snapshot.cluster() + " for " + config.clusterId());
    }
    boolean first = !replica.loaded();
    if (!running) return;
    replica.applySnapshot(snapshot, clock.getAsLong());
    lastFullLoadMs = clock.getAsLong();
    resyncNeeded = false;
    lastEventId = null;
    LOG.info("keyward: replica {} of {} loaded: {} keys, {} grants in {} ms{}", snapshot.revision(), config.clusterId(),
        snapshot.keys().size(), replica.grantCount(), clock.getAsLong() - started, first ? "" : " (resync)");
  }

  /** Reads the stream until it ends; returns whether any frame arrived. */
  private boolean stream() throws IOException {
    String path = config.clusterPath() + "/replica/stream?since=" + replica.revision();
    HttpURLConnection connection = http.openStream(path, lastEventId);
    current = connection;
    boolean any = false;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8))) {
      String event = null;
      String id = null;
      StringBuilder data = new StringBuilder();
      String line;
      while (running && (line = in.readLine()) != null) {
        if (line.isEmpty()) {
          if (data.length() > 0 || event != null) {
            any = true;
            boolean keepGoing = dispatch(event == null ? "message" : event, id, data.toString());
            if (!keepGoing) return true;
          }
          event = null;
          id = null;
          data.setLength(0);
          continue;
        }
        if (line.charAt(0) == ':') continue;
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) value = value.substring(1);
        switch (field) {
          case "event" -> event = value;
          case "id" -> id = value;
          case "data" -> {
            if (data.length() > 0) data.append('\n');
            data.append(value);
          }
          default -> { /* retry: our own backoff applies */ }
        }
      }
      return any;
    } finally {
      current = null;
      connection.disconnect();
    }
  }

  /** Applies one frame; false ends the stream (resync). */
  private boolean dispatch(String event, String id, String data) throws IOException {
    long now = clock.getAsLong();
    switch (event) {
      case "change" -> {
        ReplicaStore.Change change;
        try {
          change = ReplicaJson.change(data);
        } catch (IOException e) {
          // never skip a change: a frame this broker cannot read is answered by a full reload
          LOG.warn("keyward: a change frame could not be read ({}); reloading the whole replica", e.getMessage());
          metrics.resync();
          resyncNeeded = true;
          return false;
        }
        replica.applyChange(change, now);
        if (id != null && !id.isEmpty()) lastEventId = id;
        synced();
        LOG.debug("keyward: change to revision {} applied", change.revision());
      }
      case "heartbeat" -> {
        replica.touch(now);
        synced();
      }
      case "resync" -> {
        long revision = ReplicaJson.frameRevision(data, "resync");
        LOG.info("keyward: resync requested at revision {} (replica at {}): reloading", revision, replica.revision());
        metrics.resync();
        resyncNeeded = true;
        return false;
      }
      default -> LOG.debug("keyward: stream event {} ignored", event);
    }
    return true;
  }

  private void synced() {
    failures = 0;
    transition(State.SYNCED, null);
  }

  private void disconnected(String reason) {
    failures++;
    if (!replica.loaded()) {
      long now = clock.getAsLong();
      if (failures == 1 || now - lastLoadingWarnMs >= LOADING_WARN_INTERVAL_MS) {
        lastLoadingWarnMs = now;
        LOG.warn("keyward: state LOADING — the replica of {} cannot be fetched from {} ({}; attempt {}); listeners stay closed, retrying",
            config.clusterId(), config.url(), reason, failures);
      }
      return;
    }
    transition(State.DISCONNECTED, reason);
    checkStale();
  }

  private void checkStale() {
    if (state == State.DISCONNECTED && replica.stale(clock.getAsLong())) transition(State.STALE, null);
  }

  private void transition(State next, String reason) {
    State previous = state;
    if (previous == next) return;
    if (next == State.STALE && previous != State.DISCONNECTED) return;
    if (next == State.DISCONNECTED && previous == State.STALE) return; // still stale; keep retrying quietly
    state = next;
    switch (next) {
      case SYNCED -> LOG.info("keyward: state SYNCED — replica of {} at revision {} ({} keys, {} grants), streaming changes",
          config.clusterId(), replica.revision(), replica.keyCount(), replica.grantCount());
      case DISCONNECTED -> LOG.warn("keyward: state DISCONNECTED — {}; serving replica revision {} for up to {} ms, reconnecting",
          reason, replica.revision(), config.maxStalenessMs());
      case STALE -> LOG.warn("keyward: state STALE — nothing heard from keyward for more than {} ms; new logins are refused until it is back",
          config.maxStalenessMs());
      default -> { }
    }
  }

  private boolean sleep(long ms) {
    try {
      Thread.sleep(ms);
      return running;
    } catch (InterruptedException e) {
      return false;
    }
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}

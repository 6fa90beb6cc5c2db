package io.keyward.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * keyward's three broker endpoints on a loopback port (JDK HTTP server), enough to drive the plugin's sync and
 * event shipping for real over HTTP: the replica, its SSE stream fed from {@link #frames}, and the events sink.
 * The real server is exercised by the real-broker tests.
 */
final class FakeKeyward implements AutoCloseable {

  static final String END = "\u0000END";
  private static final String BASE = "/keyward/v1/kafka/clusters/" + Fixtures.CLUSTER;

  final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
  final List<String> streamRequests = new CopyOnWriteArrayList<>();
  final List<JsonNode> events = new CopyOnWriteArrayList<>();
  /** {@code <method> <path>|<X-Keyward-Broker or null>} of every request, in arrival order. */
  final List<String> brokerHeaders = new CopyOnWriteArrayList<>();
  final AtomicInteger replicaGets = new AtomicInteger();
  volatile byte[] replica = Fixtures.bytes("snapshot.json");
  volatile long revision = 42;
  /** When true every endpoint answers 503 and open streams end: keyward "down". */
  volatile boolean down;
  private final AtomicInteger streamGeneration = new AtomicInteger();
  private final HttpServer server;
  private final ExecutorService pool;
  private final String expectedAuthorization;

  FakeKeyward() throws IOException {
    expectedAuthorization = "Basic " + Base64.getEncoder().encodeToString(
        (Fixtures.BROKER_KEY + ":" + Fixtures.BROKER_SECRET).getBytes(StandardCharsets.UTF_8));
    pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fake-keyward");
      t.setDaemon(true);
      return t;
    });
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(pool);
    server.createContext(BASE + "/replica", this::replica);
    server.createContext(BASE + "/events", this::events);
    server.start();
  }

  int port() { return server.getAddress().getPort(); }

  /** Ends every open stream (as a keyward restart would). */
  void dropStreams() { streamGeneration.incrementAndGet(); }

  void change(long id, String data) {
    frames.add("id: " + id + "\nevent: change\ndata: " + data + "\n\n");
  }

  private boolean authorized(HttpExchange ex) throws IOException {
    brokerHeaders.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + "|" + ex.getRequestHeaders().getFirst(KeywardHttp.BROKER_HEADER));
    if (down) {
      respond(ex, 503, "{\"error\":\"down\"}");
      return false;
    }
    if (!expectedAuthorization.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
      respond(ex, 401, "{\"error\":\"unauthenticated\"}");
      return false;
    }
    return true;
  }

  private void replica(HttpExchange ex) throws IOException {
    try (ex) {
      if (!authorized(ex)) return;
      if (ex.getRequestURI().getPath().endsWith("/stream")) {
        stream(ex);
        return;
      }
      replicaGets.incrementAndGet();
      byte[] body = replica;
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
    }
  }

  private void stream(HttpExchange ex) throws IOException {
    streamRequests.add(ex.getRequestURI().getQuery() + "|" + ex.getRequestHeaders().getFirst("Last-Event-ID"));
    int generation = streamGeneration.get();
    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    write(out, "retry: 1000\n\n");
    heartbeat(out);
    BooleanSupplier open = () -> !down && streamGeneration.get() == generation;
    try {
      while (open.getAsBoolean()) {
        String frame = frames.poll(200, TimeUnit.MILLISECONDS);
        if (!open.getAsBoolean()) {
          if (frame != null) frames.add(frame);
          break;
        }
        if (frame == null) {
          heartbeat(out);
        } else if (frame.equals(END)) {
          break;
        } else {
          write(out, frame);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the broker went away
    }
  }

  private void heartbeat(OutputStream out) throws IOException {
    write(out, "event: heartbeat\ndata: {\"revision\":" + revision + ",\"time\":\"2026-12-01T22:00:00.000Z\"}\n\n");
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private void events(HttpExchange ex) throws IOException {
    try (ex) {
      if (!authorized(ex)) return;
      JsonNode batch = new ObjectMapper().readTree(ex.getRequestBody());
      for (JsonNode item : batch) events.add(item);
      respond(ex, 202, "{\"accepted\":" + batch.size() + "}");
    }
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    down = true;
    server.stop(0);
    pool.shutdownNow();
  }

  /** Waits up to {@code ms} for a condition; true if it held. */
  static boolean await(long ms, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) return true;
      Thread.sleep(20);
    }
    return condition.getAsBoolean();
  }
}

package io.keyward.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The plugin's HTTP client towards keyward: JDK {@link HttpURLConnection} only, HTTP Basic with the broker's key,
 * bounded connect and read timeouts. Used only from the plugin's own threads (sync, event shipping), never from a
 * Kafka network or request thread. No message of this class carries the Authorization header or the secret.
 * Every request names the broker in {@code X-Keyward-Broker} (its {@code node.id}, or {@code broker.id}) when the
 * broker's settings carry one, so that keyward can show each broker's sync state (DESIGN §8).
 */
public final class KeywardHttp {

  /** The request header that names the broker: its {@code node.id} (or {@code broker.id}). */
  public static final String BROKER_HEADER = "X-Keyward-Broker";

  /** Reads a response body; the stream is closed by the caller. */
  @FunctionalInterface
  public interface BodyReader<T> {
    T read(InputStream body) throws IOException;
  }

  /** A non-2xx answer from keyward: the status and at most 200 characters of its body. */
  public static final class StatusException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    StatusException(String what, int status, String excerpt) {
      super(what + " → HTTP " + status + (excerpt.isEmpty() ? "" : ": " + excerpt));
      this.status = status;
    }

    public int status() { return status; }
  }

  private final String baseUrl;
  private final String authorization;
  /** The broker's id for {@link #BROKER_HEADER}; null when the settings name none. */
  private final String brokerId;
  private final int connectTimeoutMs;
  private final int readTimeoutMs;
  private final int streamReadTimeoutMs;

  public KeywardHttp(KeywardConfig config) {
    this.baseUrl = config.url();
    String pair = config.apiKey() + ":" + config.apiSecret();
    this.authorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    this.brokerId = config.brokerIdKnown() ? config.brokerId() : null;
    this.connectTimeoutMs = config.httpConnectTimeoutMs();
    this.readTimeoutMs = config.httpReadTimeoutMs();
    this.streamReadTimeoutMs = config.streamReadTimeoutMs();
  }

  /** GETs a JSON document at a path under keyward.url; a non-2xx status → {@link StatusException}. */
  public <T> T getJson(String path, BodyReader<T> reader) throws IOException {
    HttpURLConnection connection = open(path, "GET", readTimeoutMs);
    try {
      connection.setRequestProperty("Accept", "application/json");
      int status = connection.getResponseCode();
      if (status < 200 || status > 299) throw statusError("GET " + path, connection, status);
      try (InputStream body = connection.getInputStream()) {
        return reader.read(body);
      }
    } finally {
      connection.disconnect();
    }
  }

  /** POSTs JSON to a path under keyward.url with the broker's Basic auth; returns the status; throws IOException. */
  public int postJson(String path, byte[] body) throws IOException {
    HttpURLConnection connection = open(path, "POST", readTimeoutMs);
    try {
      connection.setDoOutput(true);
      connection.setRequestProperty("Content-Type", "application/json");
      connection.setRequestProperty("Accept", "application/json");
      connection.setFixedLengthStreamingMode(body.length);
      try (OutputStream out = connection.getOutputStream()) {
        out.write(body);
      }
      int status = connection.getResponseCode();
      drain(connection, status);
      return status;
    } finally {
      connection.disconnect();
    }
  }

  /**
   * Opens the server-sent event stream at a path (with its query) under keyward.url. The read timeout is
   * {@code keyward.stream.read.timeout.ms}: keyward heartbeats every 5 s, so a silent stream is a dead one.
   * The caller reads {@link HttpURLConnection#getInputStream()} and disconnects.
   */
  public HttpURLConnection openStream(String pathAndQuery, String lastEventId) throws IOException {
    HttpURLConnection connection = open(pathAndQuery, "GET", streamReadTimeoutMs);
    boolean ok = false;
    try {
      connection.setRequestProperty("Accept", "text/event-stream");
      connection.setRequestProperty("Cache-Control", "no-cache");
      if (lastEventId != null) connection.setRequestProperty("Last-Event-ID", lastEventId);
      int status = connection.getResponseCode();
      if (status < 200 || status > 299) throw statusError("GET " + stripQuery(pathAndQuery), connection, status);
      ok = true;
      return connection;
    } finally {
      if (!ok) connection.disconnect();
    }
  }

  private HttpURLConnection open(String path, String method, int readTimeout) throws IOException {
    if (!path.startsWith("/")) throw new IllegalArgumentException("path must start with /");
    HttpURLConnection connection = (HttpURLConnection) new URL(baseUrl + path).openConnection();
    connection.setRequestMethod(method);
    connection.setConnectTimeout(connectTimeoutMs);
    connection.setReadTimeout(readTimeout);
    connection.setUseCaches(false);
    connection.setInstanceFollowRedirects(false);
    connection.setRequestProperty("Authorization", authorization);
    connection.setRequestProperty("User-Agent", "keyward-kafka");
    if (brokerId != null) connection.setRequestProperty(BROKER_HEADER, brokerId);
    return connection;
  }

  private static StatusException statusError(String what, HttpURLConnection connection, int status) {
    String excerpt = "";
    try (InputStream error = connection.getErrorStream()) {
      if (error != null) {
        byte[] bytes = error.readNBytes(200);
        excerpt = new String(bytes, StandardCharsets.UTF_8).replaceAll("[\\r\\n]+", " ").trim();
      }
    } catch (IOException ignored) {
      // the status is what matters
    }
    return new StatusException(what, status, excerpt);
  }

  private static void drain(HttpURLConnection connection, int status) {
    try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
      if (in != null) in.readNBytes(64 * 1024);
    } catch (IOException ignored) {
      // nothing to read
    }
  }

  private static String stripQuery(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
  }
}

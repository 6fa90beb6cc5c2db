package io.keyward.kafka;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The plugin's settings, read from the broker's properties (DESIGN §8). keyward's own keys all start with
 * {@code keyward.}. The secret is kept for the HTTP client only: {@link #toString()} never shows it, and no
 * {@link ConfigException} repeats the value of {@code keyward.api.secret}.
 */
public final class KeywardConfig {

  public static final String URL = "keyward.url";
  public static final String CLUSTER_ID = "keyward.cluster.id";
  public static final String API_KEY = "keyward.api.key";
  public static final String API_SECRET = "keyward.api.secret";
  public static final String MAX_STALENESS_MS = "keyward.replica.max.staleness.ms";
  public static final String EVENTS_BUFFER_SIZE = "keyward.events.buffer.size";
  public static final String EVENTS_FLUSH_INTERVAL_MS = "keyward.events.flush.interval.ms";
  public static final String HTTP_CONNECT_TIMEOUT_MS = "keyward.http.connect.timeout.ms";
  public static final String HTTP_READ_TIMEOUT_MS = "keyward.http.read.timeout.ms";
  public static final String STREAM_READ_TIMEOUT_MS = "keyward.stream.read.timeout.ms";
  public static final String RECONNECT_BACKOFF_MAX_MS = "keyward.reconnect.backoff.max.ms";
  public static final String LOGIN_FAILURES_PER_MINUTE = "keyward.login.failures.per.minute";

  public static final long DEFAULT_MAX_STALENESS_MS = 900_000L;
  public static final int DEFAULT_EVENTS_BUFFER_SIZE = 10_000;
  public static final long DEFAULT_EVENTS_FLUSH_INTERVAL_MS = 1_000L;
  public static final int DEFAULT_HTTP_CONNECT_TIMEOUT_MS = 5_000;
  public static final int DEFAULT_HTTP_READ_TIMEOUT_MS = 15_000;
  public static final int DEFAULT_STREAM_READ_TIMEOUT_MS = 20_000;
  public static final long DEFAULT_RECONNECT_BACKOFF_MAX_MS = 5_000L;
  public static final int DEFAULT_LOGIN_FAILURES_PER_MINUTE = 10;

  private final String url;
  private final String clusterId;
  private final String apiKey;
  private final String apiSecret;
  private final long maxStalenessMs;
  private final int eventsBufferSize;
  private final long eventsFlushIntervalMs;
  private final int httpConnectTimeoutMs;
  private final int httpReadTimeoutMs;
  private final int streamReadTimeoutMs;
  private final long reconnectBackoffMaxMs;
  private final int loginFailuresPerMinute;
  private final String brokerId;
  private final boolean brokerIdKnown;

  private KeywardConfig(Map<String, ?> configs) {
    this.url = parseUrl(required(configs, URL));
    this.clusterId = parseClusterId(required(configs, CLUSTER_ID));
    this.apiKey = required(configs, API_KEY);
    this.apiSecret = requiredSecret(configs, API_SECRET);
    this.maxStalenessMs = longValue(configs, MAX_STALENESS_MS, DEFAULT_MAX_STALENESS_MS, 1_000L, Long.MAX_VALUE);
    this.eventsBufferSize = (int) longValue(configs, EVENTS_BUFFER_SIZE, DEFAULT_EVENTS_BUFFER_SIZE, 1, 10_000_000);
    this.eventsFlushIntervalMs = longValue(configs, EVENTS_FLUSH_INTERVAL_MS, DEFAULT_EVENTS_FLUSH_INTERVAL_MS, 10, 60_000);
    this.httpConnectTimeoutMs = (int) longValue(configs, HTTP_CONNECT_TIMEOUT_MS, DEFAULT_HTTP_CONNECT_TIMEOUT_MS, 100, 120_000);
    this.httpReadTimeoutMs = (int) longValue(configs, HTTP_READ_TIMEOUT_MS, DEFAULT_HTTP_READ_TIMEOUT_MS, 100, 600_000);
    this.streamReadTimeoutMs = (int) longValue(configs, STREAM_READ_TIMEOUT_MS, DEFAULT_STREAM_READ_TIMEOUT_MS, 1_000, 600_000);
    this.reconnectBackoffMaxMs = longValue(configs, RECONNECT_BACKOFF_MAX_MS, DEFAULT_RECONNECT_BACKOFF_MAX_MS, 200, 600_000);
    this.loginFailuresPerMinute = (int) longValue(configs, LOGIN_FAILURES_PER_MINUTE, DEFAULT_LOGIN_FAILURES_PER_MINUTE, 1, 1_000_000);
    String node = optional(configs, "node.id");
    if (node == null) node = optional(configs, "broker.id");
    this.brokerIdKnown = node != null;
    this.brokerId = node == null ? "unknown" : node;
  }

  /** Reads and checks the settings; a missing or malformed one → {@link ConfigException} naming the property. */
  public static KeywardConfig from(Map<String, ?> configs) {
    Objects.requireNonNull(configs, "configs");
    return new KeywardConfig(configs);
  }

  /** keyward's base URL without a trailing slash, e.g. {@code http://127.0.0.1:8090}. */
  public String url() { return url; }
  public String clusterId() { return clusterId; }
  public String apiKey() { return apiKey; }
  public String apiSecret() { return apiSecret; }
  public long maxStalenessMs() { return maxStalenessMs; }
  public int eventsBufferSize() { return eventsBufferSize; }
  public long eventsFlushIntervalMs() { return eventsFlushIntervalMs; }
  public int httpConnectTimeoutMs() { return httpConnectTimeoutMs; }
  public int httpReadTimeoutMs() { return httpReadTimeoutMs; }
  public int streamReadTimeoutMs() { return streamReadTimeoutMs; }
  public long reconnectBackoffMaxMs() { return reconnectBackoffMaxMs; }
  /** Failures per key id within a minute before further failures are reported as {@code RATE_LIMITED}. */
  public int loginFailuresPerMinute() { return loginFailuresPerMinute; }
  /** The broker's {@code node.id} (or {@code broker.id}), {@code unknown} when neither is set. */
  public String brokerId() { return brokerId; }
  /** Whether {@code node.id} or {@code broker.id} was set (only then is it sent as {@code X-Keyward-Broker}). */
  public boolean brokerIdKnown() { return brokerIdKnown; }

  /** The path of this cluster's endpoints at keyward, e.g. {@code /keyward/v1/kafka/clusters/lkc-abc123}. */
  public String clusterPath() { return "/keyward/v1/kafka/clusters/" + clusterId; }

  /** The identity of the runtime this configuration belongs to: one per (url, cluster) in the JVM. */
  String runtimeKey() { return url + "|" + clusterId; }

  @Override
  public String toString() {
    return "KeywardConfig{url=" + url + ", cluster=" + clusterId + ", apiKey=" + apiKey + ", apiSecret=[hidden]"
        + ", maxStalenessMs=" + maxStalenessMs + "}";
  }

  private static String raw(Map<String, ?> configs, String name) {
    Object value = configs.get(name);
    if (value == null) return null;
    if (value instanceof Password p) return p.value();
    return String.valueOf(value);
  }

  private static String optional(Map<String, ?> configs, String name) {
    String value = raw(configs, name);
    if (value == null) return null;
    value = value.trim();
    return value.isEmpty() ? null : value;
  }

  private static String required(Map<String, ?> configs, String name) {
    String value = optional(configs, name);
    if (value == null) throw new ConfigException(name + " is required by the keyward plugin (see `keyward kafka cluster broker-config`)");
    return value;
  }

  private static String requiredSecret(Map<String, ?> configs, String name) {
    String value = raw(configs, name);
    if (value == null || value.isBlank()) {
      throw new ConfigException(name + " is required by the keyward plugin (see `keyward kafka cluster broker-config`)");
    }
    return value.trim();
  }

  private static String parseUrl(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new ConfigException(URL, value, "not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) throw new ConfigException(URL, value, "must be an http:// or https:// URL");
    if (uri.getHost() == null || uri.getHost().isEmpty()) throw new ConfigException(URL, value, "must name a host");
    if (uri.getRawUserInfo() != null) throw new ConfigException(URL, "(hidden)", "must not carry credentials; use keyward.api.key and keyward.api.secret");
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) throw new ConfigException(URL, value, "must not have a query or fragment");
    String text = uri.toString();
    while (text.endsWith("/")) text = text.substring(0, text.length() - 1);
    return text;
  }

  private static String parseClusterId(String value) {
    if (!value.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,99}")) throw new ConfigException(CLUSTER_ID, value, "not a cluster id (e.g. lkc-abc123)");
    return value;
  }

  private static long longValue(Map<String, ?> configs, String name, long fallback, long min, long max) {
    String value = optional(configs, name);
    if (value == null) return fallback;
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new ConfigException(name, value, "not an integer");
    }
    if (parsed < min || parsed > max) throw new ConfigException(name, value, "must be between " + min + " and " + max);
    return parsed;
  }
}

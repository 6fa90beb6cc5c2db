package io.keyward.kafka;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One item of a {@code POST …/events} batch (plan §3, DESIGN §8): an authentication or an authorization, single
 * ({@code count} 1) or aggregated over a minute ({@code count} N, first and last time). Immutable.
 */
public final class EventItem {

  public static final String AUTHENTICATION = "authentication";
  public static final String AUTHORIZATION = "authorization";
  public static final String SUCCESS = "SUCCESS";
  public static final String UNAUTHENTICATED = "UNAUTHENTICATED";
  public static final String UNAUTHORIZED = "UNAUTHORIZED";

  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  final String type;
  final String result;
  final String reason;
  final String key;
  final String principal;
  final String api;
  final String operation;
  final String resourceType;
  final String resourceName;
  final String patternType;
  final String clientAddress;
  final String clientId;
  final String listener;
  final String broker;
  final String mechanism;
  final String sourceKind;
  final String sourceId;
  final String sourceRole;
  final long count;
  final long firstMs;
  final long lastMs;

  EventItem(EventKey k, String broker, long count, long firstMs, long lastMs) {
    this.type = k.type;
    this.result = k.result;
    this.reason = cut(k.reason, 256);
    this.key = cut(k.key, 256);
    this.principal = userPrincipal(k.principal);
    this.api = k.api;
    this.operation = k.operation == null ? null : k.operation.name();
    this.resourceType = k.resourceType == null ? null : k.resourceType.name();
    this.resourceName = cut(k.resourceName, 1024);
    this.patternType = k.patternType == null ? null : k.patternType.name();
    this.clientAddress = cut(k.clientAddress(), 64);
    this.clientId = cut(k.clientId, 256);
    this.listener = cut(k.listener, 128);
    this.broker = cut(broker, 64);
    this.mechanism = cut(k.mechanism, 64);
    boolean source = k.source != null && k.source.sourceId() != null
        && ("acl".equals(k.source.sourceKind()) || "role-binding".equals(k.source.sourceKind()));
    this.sourceKind = source ? k.source.sourceKind() : null;
    this.sourceId = source ? cut(k.source.sourceId(), 64) : null;
    this.sourceRole = source ? cut(k.source.role(), 64) : null;
    this.count = count;
    this.firstMs = firstMs;
    this.lastMs = lastMs;
  }

  public String type() { return type; }
  public String result() { return result; }
  public String reason() { return reason; }
  public String key() { return key; }
  public String principal() { return principal; }
  public String api() { return api; }
  public String operation() { return operation; }
  public String resourceName() { return resourceName; }
  public String clientAddress() { return clientAddress; }
  public long count() { return count; }
  public long firstMs() { return firstMs; }
  public long lastMs() { return lastMs; }

  /** At most {@code max} characters: keyward's limits for each field (a Kafka client id or group id may be longer). */
  static String cut(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  /** {@code User:<name>} without white space, at most 256 characters, as keyward accepts it; else null. */
  static String userPrincipal(String p) {
    if (p == null || p.length() <= 5 || p.length() > 256 || !p.startsWith("User:")) {
      return null;
    }
    for (int i = 5; i < p.length(); i++) {
      if (Character.isWhitespace(p.charAt(i))) {
        return null;
      }
    }
    return p;
  }

  static String time(long ms) {
    return RFC3339.format(java.time.Instant.ofEpochMilli(ms));
  }

  /** Writes the item as one JSON object of the events body; {@code time} is the first occurrence. */
  void write(JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", type);
    g.writeStringField("time", time(firstMs));
    g.writeStringField("key", key);
    g.writeStringField("principal", principal);
    g.writeStringField("result", result);
    g.writeStringField("reason", reason);
    g.writeStringField("api", api);
    g.writeStringField("operation", operation);
    g.writeStringField("resource_type", resourceType);
    g.writeStringField("resource_name", resourceName);
    g.writeStringField("pattern_type", patternType);
    g.writeStringField("client_address", clientAddress);
    g.writeStringField("client_id", clientId);
    g.writeStringField("listener", listener);
    g.writeStringField("broker", broker);
    g.writeStringField("mechanism", mechanism);
    g.writeNumberField("count", count);
    g.writeStringField("first_time", time(firstMs));
    g.writeStringField("last_time", time(lastMs));
    if (sourceKind == null) {
      g.writeNullField("source");
    } else {
      g.writeObjectFieldStart("source");
      g.writeStringField("kind", sourceKind);
      g.writeStringField("id", sourceId);
      g.writeStringField("role", sourceRole);
      g.writeEndObject();
    }
    g.writeEndObject();
  }
}

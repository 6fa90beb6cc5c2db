package io.keyward.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Reads keyward's replica documents (DESIGN §8, plan §1–§2) with Jackson: the snapshot (streamed, so a replica of
 * 100,000 keys is never held as one tree) and the stream's {@code change}, {@code heartbeat} and {@code resync}
 * frames. A malformed document → {@link IOException} naming the field, never repeating a secret hash.
 */
public final class ReplicaJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private ReplicaJson() {}

  /** Parses {@code GET …/replica}. */
  public static ReplicaStore.Snapshot snapshot(InputStream in) throws IOException {
    try (JsonParser p = FACTORY.createParser(in)) {
      return snapshot(p);
    }
  }

  public static ReplicaStore.Snapshot snapshot(byte[] json) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      return snapshot(p);
    }
  }

  private static ReplicaStore.Snapshot snapshot(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("replica: not a JSON object");
    String cluster = null;
    Long revision = null;
    List<KeyEntry> keys = null;
    List<Grant> grants = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "cluster" -> cluster = value == JsonToken.VALUE_STRING ? p.getText() : null;
        case "revision" -> {
          if (value != JsonToken.VALUE_NUMBER_INT) throw new IOException("replica: revision must be an integer");
          revision = p.getLongValue();
        }
        case "keys" -> {
          expectArray(value, "replica.keys");
          keys = new ArrayList<>();
          JsonToken t;
          while ((t = p.nextToken()) == JsonToken.START_OBJECT) keys.add(streamedKey(p, keys.size()));
          if (t != JsonToken.END_ARRAY) throw new IOException("replica.keys[" + keys.size() + "] must be an object");
        }
        case "grants" -> {
          expectArray(value, "replica.grants");
          grants = new ArrayList<>();
          int i = 0;
          while (p.nextToken() == JsonToken.START_OBJECT) {
            Grant g = grant(MAPPER.readTree(p), "replica.grants[" + i++ + "]");
            if (g != null) grants.add(g);
          }
        }
        default -> p.skipChildren();
      }
    }
    if (cluster == null) throw new IOException("replica: cluster is missing");
    if (revision == null) throw new IOException("replica: revision is missing");
    if (keys == null) throw new IOException("replica: keys is missing");
    if (grants == null) throw new IOException("replica: grants is missing");
    return new ReplicaStore.Snapshot(cluster, revision, keys, grants);
  }

  /** Parses the data of a {@code change} frame. */
  public static ReplicaStore.Change change(String data) throws IOException {
    JsonNode n = object(data, "change");
    long revision = revision(n, "change");
    List<KeyEntry> keys = new ArrayList<>();
    JsonNode keysNode = array(n, "keys", "change");
    for (int i = 0; i < keysNode.size(); i++) keys.add(key(keysNode.get(i), "change.keys[" + i + "]"));
    List<String> deleted = new ArrayList<>();
    JsonNode deletedNode = array(n, "deleted_keys", "change");
    for (int i = 0; i < deletedNode.size(); i++) {
      if (!deletedNode.get(i).isTextual()) throw new IOException("change.deleted_keys[" + i + "] must be a string");
      deleted.add(deletedNode.get(i).asText());
    }
    List<ReplicaStore.OwnerStatus> owners = new ArrayList<>();
    JsonNode ownersNode = array(n, "owners", "change");
    for (int i = 0; i < ownersNode.size(); i++) {
      JsonNode o = ownersNode.get(i);
      String where = "change.owners[" + i + "]";
      String status = text(o, "status", where);
      if (!status.equals("ACTIVE") && !status.equals("DISABLED") && !status.equals("DELETED")) {
        throw new IOException(where + ".status must be ACTIVE, DISABLED or DELETED");
      }
      owners.add(new ReplicaStore.OwnerStatus(text(o, "id", where), optionalText(o, "kind"), status));
    }
    Map<String, List<Grant>> grants = new LinkedHashMap<>();
    JsonNode grantsNode = array(n, "grants", "change");
    for (int i = 0; i < grantsNode.size(); i++) {
      JsonNode entry = grantsNode.get(i);
      String where = "change.grants[" + i + "]";
      String principal = text(entry, "principal", where);
      JsonNode list = array(entry, "grants", where);
      List<Grant> replacement = new ArrayList<>(list.size());
      for (int j = 0; j < list.size(); j++) {
        Grant g = grant(list.get(j), where + ".grants[" + j + "]");
        if (g != null) replacement.add(g);
      }
      grants.put(principal, List.copyOf(replacement));
    }
    return new ReplicaStore.Change(revision, List.copyOf(keys), List.copyOf(deleted), List.copyOf(owners),
        Collections.unmodifiableMap(grants));
  }

  /** The revision named by a {@code heartbeat} or {@code resync} frame. */
  public static long frameRevision(String data, String event) throws IOException {
    return revision(object(data, event), event);
  }

  static KeyEntry key(JsonNode k, String where) throws IOException {
    if (k == null || !k.isObject()) throw new IOException(where + " must be an object");
    String id = text(k, "id", where);
    byte[] hash = sha256Hex(text(k, "secret_sha256", where), where + ".secret_sha256");
    String status = text(k, "status", where);
    JsonNode owner = k.get("owner");
    if (owner == null || !owner.isObject()) throw new IOException(where + ".owner must be an object");
    String ownerId = text(owner, "id", where + ".owner");
    String ownerKind = text(owner, "kind", where + ".owner");
    String ownerStatus = text(owner, "status", where + ".owner");
    JsonNode expires = k.get("expires_at");
    long expiresAtMs = Long.MAX_VALUE;
    if (expires != null && !expires.isNull()) {
      // A time that does not parse counts as expired: the check fails closed (as keyward's login-check does).
      expiresAtMs = Long.MIN_VALUE;
      if (expires.isTextual()) {
        try {
          expiresAtMs = Instant.parse(expires.asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
          expiresAtMs = Long.MIN_VALUE;
        }
      }
    }
    return new KeyEntry(id, hash, "ACTIVE".equals(status), ownerId, ownerKind, "ACTIVE".equals(ownerStatus), expiresAtMs);
  }

  /**
   * One key of the snapshot read token by token (a replica may hold 100,000 keys: no tree per key). The parser
   * stands on the key's START_OBJECT and is left on its END_OBJECT.
   */
  private static KeyEntry streamedKey(JsonParser p, int index) throws IOException {
    String id = null;
    String hex = null;
    String status = null;
    String ownerId = null;
    String ownerKind = null;
    String ownerStatus = null;
    long expiresAtMs = Long.MAX_VALUE;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "id" -> id = value == JsonToken.VALUE_STRING ? p.getText() : null;
        case "secret_sha256" -> hex = value == JsonToken.VALUE_STRING ? p.getText() : null;
        case "status" -> status = value == JsonToken.VALUE_STRING ? p.getText() : null;
        case "expires_at" -> {
          if (value == JsonToken.VALUE_NULL) {
            expiresAtMs = Long.MAX_VALUE;
          } else {
            // a time that does not parse counts as expired: the check fails closed
            expiresAtMs = Long.MIN_VALUE;
            if (value == JsonToken.VALUE_STRING) {
              try {
                expiresAtMs = Instant.parse(p.getText()).toEpochMilli();
              } catch (DateTimeParseException e) {
                expiresAtMs = Long.MIN_VALUE;
              }
            } else {
              p.skipChildren();
            }
          }
        }
        case "owner" -> {
          if (value != JsonToken.START_OBJECT) throw new IOException("replica.keys[" + index + "].owner must be an object");
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String ownerField = p.currentName();
            JsonToken v = p.nextToken();
            String text = v == JsonToken.VALUE_STRING ? p.getText() : null;
            switch (ownerField) {
              case "id" -> ownerId = text;
              case "kind" -> ownerKind = text;
              case "status" -> ownerStatus = text;
              default -> p.skipChildren();
            }
          }
        }
        default -> p.skipChildren();
      }
    }
    String where = "replica.keys[" + index + "]";
    if (id == null) throw new IOException(where + ".id must be a string");
    if (hex == null) throw new IOException(where + ".secret_sha256 must be a string");
    if (status == null) throw new IOException(where + ".status must be a string");
    if (ownerId == null) throw new IOException(where + ".owner.id must be a string");
    if (ownerKind == null) throw new IOException(where + ".owner.kind must be a string");
    if (ownerStatus == null) throw new IOException(where + ".owner.status must be a string");
    return new KeyEntry(id, sha256Hex(hex, where + ".secret_sha256"), "ACTIVE".equals(status), ownerId, ownerKind,
        "ACTIVE".equals(ownerStatus), expiresAtMs);
  }

  /** A grant; null when none of its operations is known to this Kafka (it could match nothing). */
  static Grant grant(JsonNode g, String where) throws IOException {
    if (g == null || !g.isObject()) throw new IOException(where + " must be an object");
    String principal = text(g, "principal", where);
    AclPermissionType permission = switch (text(g, "permission", where)) {
      case "ALLOW" -> AclPermissionType.ALLOW;
      case "DENY" -> AclPermissionType.DENY;
      default -> throw new IOException(where + ".permission must be ALLOW or DENY");
    };
    JsonNode ops = array(g, "operations", where);
    EnumSet<AclOperation> operations = EnumSet.noneOf(AclOperation.class);
    for (int i = 0; i < ops.size(); i++) {
      AclOperation op = AclOperation.fromString(ops.get(i).asText());
      if (op != AclOperation.UNKNOWN && op != AclOperation.ANY) operations.add(op);
    }
    ResourceType type = ResourceType.fromString(text(g, "resource_type", where));
    if (type == ResourceType.UNKNOWN || type == ResourceType.ANY) throw new IOException(where + ".resource_type is not a Kafka resource type");
    PatternType pattern = PatternType.fromString(text(g, "pattern_type", where));
    if (pattern != PatternType.LITERAL && pattern != PatternType.PREFIXED) throw new IOException(where + ".pattern_type must be LITERAL or PREFIXED");
    String name = text(g, "name", where);
    String host = optionalText(g, "host");
    JsonNode source = g.get("source");
    String sourceKind = null;
    String sourceId = null;
    String role = null;
    if (source != null && source.isObject()) {
      sourceKind = optionalText(source, "kind");
      sourceId = optionalText(source, "id");
      role = optionalText(source, "role");
    }
    if (operations.isEmpty()) return null;
    Set<AclOperation> frozen = Collections.unmodifiableSet(operations);
    return new Grant(principal, permission, frozen, type, pattern, name, host == null ? "*" : host, sourceKind, sourceId, role);
  }

  private static JsonNode object(String data, String event) throws IOException {
    JsonNode n;
    try {
      n = MAPPER.readTree(data);
    } catch (IOException e) {
      throw new IOException(event + ": data is not JSON");
    }
    if (n == null || !n.isObject()) throw new IOException(event + ": data is not a JSON object");
    return n;
  }

  private static long revision(JsonNode n, String where) throws IOException {
    JsonNode r = n.get("revision");
    if (r == null || !r.canConvertToLong() || !r.isIntegralNumber()) throw new IOException(where + ".revision must be an integer");
    return r.asLong();
  }

  private static JsonNode array(JsonNode n, String field, String where) throws IOException {
    JsonNode a = n.get(field);
    if (a == null || !a.isArray()) throw new IOException(where + "." + field + " must be an array");
    return a;
  }

  private static void expectArray(JsonToken token, String where) throws IOException {
    if (token != JsonToken.START_ARRAY) throw new IOException(where + " must be an array");
  }

  private static String text(JsonNode n, String field, String where) throws IOException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) throw new IOException(where + "." + field + " must be a string");
    return v.asText();
  }

  private static String optionalText(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** 64 hex digits → 32 bytes; the value itself is never put in a message. */
  static byte[] sha256Hex(String hex, String where) throws IOException {
    if (hex.length() != 64) throw new IOException(where + " must be 64 hex digits");
    byte[] out = new byte[32];
    for (int i = 0; i < 32; i++) {
      int hi = Character.digit(hex.charAt(2 * i), 16);
      int lo = Character.digit(hex.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) throw new IOException(where + " must be 64 hex digits");
      out[i] = (byte) ((hi << 4) | lo);
    }
    return out;
  }
}

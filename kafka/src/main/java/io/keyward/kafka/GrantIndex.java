package io.keyward.kafka;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The replica's grants, indexed for decisions with the semantics of Kafka's {@code StandardAuthorizer}
 * (DESIGN §5, §8): a matching DENY refuses, else a matching ALLOW grants, else nothing decided.
 *
 * <p>A grant matches a request when its principal is the request's or {@code User:*}; its host is {@code *} or
 * the client's address; its resource type is the request's and its pattern covers the name (LITERAL: equal, or the
 * LITERAL name {@code *}; PREFIXED: the name starts with it); and its operations contain the request's or
 * {@code ALL}. Only ALLOW grants imply operations: READ, WRITE, DELETE and ALTER imply DESCRIBE; ALTER_CONFIGS
 * implies DESCRIBE_CONFIGS. A DENY of READ does not deny DESCRIBE.
 *
 * <p>Immutable: built once per replica change and read from any thread without a lock. {@link #decide} walks
 * arrays, one hash lookup per principal and name, and a character trie for prefixes: it allocates nothing.
 */
public final class GrantIndex {

  /** The wildcard principal of Kafka ACLs. */
  public static final String WILDCARD_PRINCIPAL = "User:*";
  /** The LITERAL resource name that matches every name. */
  public static final String WILDCARD_NAME = "*";

  private static final GrantIndex EMPTY = new GrantIndex(Map.of(), Map.of());
  private static final ResourceType[] TYPES = ResourceType.values();

  /** Every grant, by principal, in replica order. */
  private final Map<String, List<Grant>> byPrincipal;
  /** The index: principal → resource type ordinal → grants of that type. */
  private final Map<String, TypeGrants[]> index;
  private final int size;

  private GrantIndex(Map<String, List<Grant>> byPrincipal, Map<String, TypeGrants[]> index) {
    this.byPrincipal = byPrincipal;
    this.index = index;
    int n = 0;
    for (List<Grant> list : byPrincipal.values()) {
      n += list.size();
    }
    this.size = n;
  }

  /** An index without grants: every decision is "nothing matched". */
  public static GrantIndex empty() {
    return EMPTY;
  }

  /** Builds the index of these grants. */
  public static GrantIndex of(Collection<Grant> grants) {
    Map<String, List<Grant>> byPrincipal = new LinkedHashMap<>();
    for (Grant g : grants) {
      byPrincipal.computeIfAbsent(g.principal(), p -> new ArrayList<>()).add(g);
    }
    return build(byPrincipal);
  }

  /**
   * A new index in which each named principal's grants are replaced by the given list (an empty list removes
   * them); other principals keep theirs. Grants in a list naming another principal are filed under their own.
   */
  public GrantIndex withPrincipals(Map<String, List<Grant>> replacement) {
    if (replacement.isEmpty()) {
      return this;
    }
    Map<String, List<Grant>> next = new LinkedHashMap<>(byPrincipal);
    Map<String, TypeGrants[]> nextIndex = new HashMap<>(index);
    for (String principal : replacement.keySet()) {
      next.remove(principal);
      nextIndex.remove(principal);
    }
    Map<String, List<Grant>> added = new LinkedHashMap<>();
    for (List<Grant> list : replacement.values()) {
      for (Grant g : list) {
        added.computeIfAbsent(g.principal(), p -> new ArrayList<>()).add(g);
      }
    }
    for (Map.Entry<String, List<Grant>> e : added.entrySet()) {
      List<Grant> merged = new ArrayList<>(next.getOrDefault(e.getKey(), List.of()));
      merged.addAll(e.getValue());
      List<Grant> frozen = Collections.unmodifiableList(merged);
      next.put(e.getKey(), frozen);
      nextIndex.put(e.getKey(), indexOf(frozen));
    }
    return new GrantIndex(Collections.unmodifiableMap(next), nextIndex);
  }

  private static GrantIndex build(Map<String, List<Grant>> grouped) {
    Map<String, List<Grant>> byPrincipal = new LinkedHashMap<>();
    Map<String, TypeGrants[]> index = new HashMap<>();
    for (Map.Entry<String, List<Grant>> e : grouped.entrySet()) {
      List<Grant> frozen = Collections.unmodifiableList(new ArrayList<>(e.getValue()));
      byPrincipal.put(e.getKey(), frozen);
      index.put(e.getKey(), indexOf(frozen));
    }
    return new GrantIndex(Collections.unmodifiableMap(byPrincipal), index);
  }

  /**
   * The grant that decides this request: the first matching DENY (of the principal, then of {@code User:*}), else
   * the first matching ALLOW, else null. Allocates nothing.
   *
   * @param principal {@code User:sa-…}
   * @param host      the client's address as {@link java.net.InetAddress#getHostAddress()} gives it
   */
  public Grant decide(String principal, String host, AclOperation op, ResourceType type, String name) {
    TypeGrants own = typeGrants(principal, type);
    TypeGrants any = WILDCARD_PRINCIPAL.equals(principal) ? null : typeGrants(WILDCARD_PRINCIPAL, type);
    if (own == null && any == null) {
      return null;
    }
    long bit = bit(op);
    Grant g;
    if (own != null && (g = own.find(true, host, bit, name)) != null) {
      return g;
    }
    if (any != null && (g = any.find(true, host, bit, name)) != null) {
      return g;
    }
    if (own != null && (g = own.find(false, host, bit, name)) != null) {
      return g;
    }
    if (any != null && (g = any.find(false, host, bit, name)) != null) {
      return g;
    }
    return null;
  }

  /** Every grant, grouped by principal. */
  public Collection<Grant> all() {
    List<Grant> out = new ArrayList<>(size);
    for (List<Grant> list : byPrincipal.values()) {
      out.addAll(list);
    }
    return Collections.unmodifiableList(out);
  }

  /** The grants naming exactly this principal (not those of {@code User:*}). */
  public List<Grant> grantsOf(String principal) {
    return byPrincipal.getOrDefault(principal, List.of());
  }

  public int size() {
    return size;
  }

  private TypeGrants typeGrants(String principal, ResourceType type) {
    if (principal == null || type == null) {
      return null;
    }
    TypeGrants[] byType = index.get(principal);
    return byType == null ? null : byType[type.ordinal()];
  }

  // ---- building ---------------------------------------------------------------------------------------------

  private static TypeGrants[] indexOf(List<Grant> grants) {
    Map<ResourceType, TypeGrants.Builder> builders = new EnumMap<>(ResourceType.class);
    for (Grant g : grants) {
      if (g.resourceType() == null || g.patternType() == null || g.name() == null || g.permission() == null) {
        continue;
      }
      if (g.permission() != AclPermissionType.ALLOW && g.permission() != AclPermissionType.DENY) {
        continue;
      }
      builders.computeIfAbsent(g.resourceType(), t -> new TypeGrants.Builder()).add(g);
    }
    TypeGrants[] out = new TypeGrants[TYPES.length];
    for (Map.Entry<ResourceType, TypeGrants.Builder> e : builders.entrySet()) {
      out[e.getKey().ordinal()] = e.getValue().build();
    }
    return out;
  }

  private static long bit(AclOperation op) {
    return op == null ? 0L : 1L << op.ordinal();
  }

  /** The operations a grant matches, implied ones included for ALLOW (Kafka's StandardAuthorizerData rules). */
  static long matchMask(Grant g) {
    long mask = 0L;
    for (AclOperation op : g.operations()) {
      if (op == AclOperation.ALL) {
        return -1L;
      }
      if (op == AclOperation.ANY || op == AclOperation.UNKNOWN) {
        continue;
      }
      mask |= bit(op);
    }
    if (g.permission() == AclPermissionType.ALLOW) {
      long impliesDescribe = bit(AclOperation.READ) | bit(AclOperation.WRITE) | bit(AclOperation.DELETE)
          | bit(AclOperation.ALTER);
      if ((mask & impliesDescribe) != 0) {
        mask |= bit(AclOperation.DESCRIBE);
      }
      if ((mask & bit(AclOperation.ALTER_CONFIGS)) != 0) {
        mask |= bit(AclOperation.DESCRIBE_CONFIGS);
      }
    }
    return mask;
  }

  /** One grant, prepared for matching. */
  private static final class Entry {
    final Grant grant;
    final long mask;
    final String host; // null: any host

    Entry(Grant g) {
      this.grant = g;
      this.mask = matchMask(g);
      this.host = g.host() == null || WILDCARD_NAME.equals(g.host()) ? null : g.host();
    }

    boolean matches(String requestHost, long opBit) {
      return (mask & opBit) != 0 && (host == null || host.equals(requestHost));
    }
  }

  /** Grants of one permission for one name, or one wildcard, or one prefix. */
  private static final class Bucket {
    static final Entry[] NONE = new Entry[0];
    Entry[] deny = NONE;
    Entry[] allow = NONE;

    void add(Entry e) {
      if (e.grant.permission() == AclPermissionType.DENY) {
        deny = append(deny, e);
      } else {
        allow = append(allow, e);
      }
    }

    Grant find(boolean denies, String host, long opBit) {
      Entry[] entries = denies ? deny : allow;
      for (Entry e : entries) {
        if (e.matches(host, opBit)) {
          return e.grant;
        }
      }
      return null;
    }

    private static Entry[] append(Entry[] a, Entry e) {
      Entry[] out = Arrays.copyOf(a, a.length + 1);
      out[a.length] = e;
      return out;
    }
  }

  /** One node of the prefix trie: children sorted by character, the bucket of the prefix ending here. */
  private static final class Node {
    char[] chars = new char[0];
    Node[] children = new Node[0];
    Bucket bucket;

    Node child(char c) {
      int i = Arrays.binarySearch(chars, c);
      return i >= 0 ? children[i] : null;
    }

    Node childOrNew(char c) {
      int i = Arrays.binarySearch(chars, c);
      if (i >= 0) {
        return children[i];
      }
      int at = -i - 1;
      char[] nc = new char[chars.length + 1];
      Node[] nn = new Node[children.length + 1];
      System.arraycopy(chars, 0, nc, 0, at);
      System.arraycopy(children, 0, nn, 0, at);
      nc[at] = c;
      nn[at] = new Node();
      System.arraycopy(chars, at, nc, at + 1, chars.length - at);
      System.arraycopy(children, at, nn, at + 1, children.length - at);
      chars = nc;
      children = nn;
      return nn[at];
    }
  }

  /** The grants of one principal on one resource type. */
  private static final class TypeGrants {
    final Map<String, Bucket> literal;
    final Bucket wildcard; // LITERAL "*"
    final Node prefixes; // null when no PREFIXED grant

    TypeGrants(Map<String, Bucket> literal, Bucket wildcard, Node prefixes) {
      this.literal = literal;
      this.wildcard = wildcard;
      this.prefixes = prefixes;
    }

    Grant find(boolean denies, String host, long opBit, String name) {
      Grant g;
      if (wildcard != null && (g = wildcard.find(denies, host, opBit)) != null) {
        return g;
      }
      if (name == null) {
        return null;
      }
      Bucket exact = literal.get(name);
      if (exact != null && (g = exact.find(denies, host, opBit)) != null) {
        return g;
      }
      Node node = prefixes;
      int i = 0;
      while (node != null) {
        if (node.bucket != null && (g = node.bucket.find(denies, host, opBit)) != null) {
          return g;
        }
        if (i == name.length()) {
          break;
        }
        node = node.child(name.charAt(i++));
      }
      return null;
    }

    static final class Builder {
      final Map<String, Bucket> literal = new HashMap<>();
      Bucket wildcard;
      Node prefixes;

      void add(Grant g) {
        Entry e = new Entry(g);
        if (g.patternType() == PatternType.LITERAL) {
          if (WILDCARD_NAME.equals(g.name())) {
            if (wildcard == null) {
              wildcard = new Bucket();
            }
            wildcard.add(e);
          } else {
            literal.computeIfAbsent(g.name(), n -> new Bucket()).add(e);
          }
        } else if (g.patternType() == PatternType.PREFIXED) {
          if (prefixes == null) {
            prefixes = new Node();
          }
          Node node = prefixes;
          for (int i = 0; i < g.name().length(); i++) {
            node = node.childOrNew(g.name().charAt(i));
          }
          if (node.bucket == null) {
            node.bucket = new Bucket();
          }
          node.bucket.add(e);
        }
      }

      TypeGrants build() {
        return new TypeGrants(literal, wildcard, prefixes);
      }
    }
  }
}

package io.keyward.kafka;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.apache.kafka.common.Endpoint;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.utils.SecurityUtils;
import org.apache.kafka.server.authorizer.AclCreateResult;
import org.apache.kafka.server.authorizer.AclDeleteResult;
import org.apache.kafka.server.authorizer.Action;
import org.apache.kafka.server.authorizer.AuthorizableRequestContext;
import org.apache.kafka.server.authorizer.AuthorizationResult;
import org.apache.kafka.server.authorizer.Authorizer;
import org.apache.kafka.server.authorizer.AuthorizerServerInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * keyward's authorizer for Apache Kafka (DESIGN §5, §8; {@code authorizer.class.name}). Every request is decided
 * from the broker's replica of keyward, in this order:
 *
 * <ol>
 *   <li>a keyward session (a {@link KeywardPrincipal}) whose key has since been deleted or disabled is denied
 *       ({@code KEY_REVOKED}), whose key has expired is denied ({@code KEY_EXPIRED}), whose owner is no longer
 *       active is denied ({@code OWNER_DISABLED}) — on the next request of an open connection;</li>
 *   <li>a principal of {@code super.users} is allowed;</li>
 *   <li>the broker's own principal (the owner of {@code keyward.api.key}) is allowed;</li>
 *   <li>{@code User:ANONYMOUS} is allowed on a listener of {@code controller.listener.names} only (the internal
 *       KRaft controller listener, PLAINTEXT on loopback or a private network);</li>
 *   <li>else the grants: a matching DENY refuses ({@code DENY_ACL}), else a matching ALLOW grants, else the request
 *       is denied ({@code NO_GRANT}) — with Kafka's wildcards and implied operations ({@link GrantIndex}).</li>
 * </ol>
 *
 * Decisions read volatile references and immutable structures: no lock, no I/O. Audit events go to the
 * {@link EventShipper} as {@link Action#logIfAllowed()} / {@link Action#logIfDenied()} ask. keyward owns the
 * ACLs: {@code DescribeAcls} lists them, {@code CreateAcls}/{@code DeleteAcls} are refused naming the CLI command.
 */
public final class KeywardAuthorizer implements Authorizer {

  static final String KEY_REVOKED = "KEY_REVOKED";
  static final String KEY_EXPIRED = "KEY_EXPIRED";
  static final String OWNER_DISABLED = "OWNER_DISABLED";
  static final String DENY_ACL = "DENY_ACL";
  static final String NO_GRANT = "NO_GRANT";

  static final String CREATE_REFUSED = "The ACLs of this cluster are managed by keyward: use `keyward kafka acl create`";
  static final String DELETE_REFUSED = "The ACLs of this cluster are managed by keyward: use `keyward kafka acl delete`";

  private static final Logger LOG = LoggerFactory.getLogger("io.keyward.kafka");
  private static final String ANONYMOUS = KafkaPrincipal.ANONYMOUS.getName();

  private KeywardRuntime runtime;
  private ReplicaStore replica;
  private EventShipper shipper;
  private KeywardMetrics metrics;
  private LongSupplier clock = System::currentTimeMillis;
  private Set<String> superUsers = Set.of();
  private String[] controllerListeners = new String[0];
  private String brokerKeyId;
  private boolean closed;

  public KeywardAuthorizer() {}

  @Override
  public void configure(Map<String, ?> configs) {
    KeywardRuntime rt = KeywardRuntime.acquire(configs);
    this.runtime = rt;
    wire(rt.replica(), rt.shipper(), rt.metrics(), rt::nowMs, configs, rt.config().apiKey());
  }

  /** Connects the authorizer to a replica (configure does it with the shared runtime; tests with their own). */
  void wire(ReplicaStore replica, EventShipper shipper, KeywardMetrics metrics, LongSupplier clock,
      Map<String, ?> configs, String brokerKeyId) {
    this.replica = replica;
    this.shipper = shipper;
    this.metrics = metrics;
    this.clock = clock;
    this.brokerKeyId = brokerKeyId;
    this.superUsers = parseSuperUsers(configs.get("super.users"));
    this.controllerListeners = parseList(configs.get("controller.listener.names"));
  }

  static Set<String> parseSuperUsers(Object value) {
    Set<String> out = new HashSet<>();
    if (value == null) {
      return Set.of();
    }
    for (String part : String.valueOf(value).split(";")) {
      String p = part.trim();
      if (!p.isEmpty()) {
        out.add(p);
      }
    }
    return Set.copyOf(out);
  }

  private static String[] parseList(Object value) {
    if (value == null) {
      return new String[0];
    }
    List<String> out = new ArrayList<>();
    Iterable<?> items = value instanceof List<?> l ? l : List.of(String.valueOf(value).split(","));
    for (Object item : items) {
      String s = String.valueOf(item).trim();
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out.toArray(new String[0]);
  }

  /** Every listener opens when the first replica has loaded: no connection is accepted before (fail closed). */
  @Override
  public Map<Endpoint, ? extends CompletionStage<Void>> start(AuthorizerServerInfo serverInfo) {
    Map<Endpoint, CompletableFuture<Void>> out = new HashMap<>();
    CompletableFuture<Void> loaded = replica.firstLoad();
    if (!loaded.isDone()) {
      LOG.info("keyward: listeners wait for the first replica of the cluster before accepting connections");
    }
    for (Endpoint endpoint : serverInfo.endpoints()) {
      out.put(endpoint, loaded.thenApply(v -> null));
    }
    return out;
  }

  // ---- decisions --------------------------------------------------------------------------------------------

  @Override
  public List<AuthorizationResult> authorize(AuthorizableRequestContext ctx, List<Action> actions) {
    KafkaPrincipal p = ctx.principal();
    KeyEntry key = null;
    String keyId = null;
    String denial = null;
    if (p instanceof KeywardPrincipal kp) {
      keyId = kp.keyId();
      key = replica.key(keyId);
      denial = sessionDenial(key, p, clock.getAsLong());
    }
    String principal = key != null && denial == null ? key.principal() : principalName(p);
    boolean internal = false;
    boolean allowAll = false;
    if (denial == null) {
      if (superUsers.contains(principal) || isBroker(principal)) {
        allowAll = true;
      } else if (isAnonymousController(p, ctx.listenerName())) {
        allowAll = true;
        internal = true;
      }
    }
    GrantIndex index = replica.grants();
    String host = null;
    List<AuthorizationResult> results = new ArrayList<>(actions.size());
    for (int i = 0; i < actions.size(); i++) {
      Action action = actions.get(i);
      ResourcePattern rp = action.resourcePattern();
      AuthorizationResult result;
      String reason = null;
      Grant grant = null;
      if (denial != null) {
        result = AuthorizationResult.DENIED;
        reason = denial;
      } else if (allowAll) {
        result = AuthorizationResult.ALLOWED;
      } else {
        if (host == null) {
          host = hostOf(ctx);
        }
        grant = index.decide(principal, host, action.operation(), rp.resourceType(), rp.name());
        if (grant == null) {
          result = AuthorizationResult.DENIED;
          reason = NO_GRANT;
        } else if (grant.permission() == AclPermissionType.DENY) {
          result = AuthorizationResult.DENIED;
          reason = DENY_ACL;
        } else {
          result = AuthorizationResult.ALLOWED;
        }
      }
      results.add(result);
      if (result == AuthorizationResult.DENIED) {
        if (metrics != null) {
          metrics.requestDenied();
        }
        if (action.logIfDenied()) {
          audit(ctx, false, keyId, principal, reason, action.operation(), rp.resourceType(), rp.name(),
              rp.patternType(), grant);
        }
      } else if (action.logIfAllowed() && !internal) {
        audit(ctx, true, keyId, principal, null, action.operation(), rp.resourceType(), rp.name(),
            rp.patternType(), grant);
      }
    }
    return results;
  }

  /**
   * Kafka's default algorithm ({@link Authorizer#authorizeByResourceType}) over keyward's grants: allowed when the
   * caller may perform {@code op} on at least one resource of {@code type} — a matching ALLOW (exact operation or
   * ALL, no implied operations) that no DENY of the same or a shorter prefix dominates. The session rules and the
   * super users, the broker and the controller listener come first, as in {@link #authorize}.
   */
  @Override
  public AuthorizationResult authorizeByResourceType(AuthorizableRequestContext ctx, AclOperation op,
      ResourceType type) {
    SecurityUtils.authorizeByResourceTypeCheckArgs(op, type);
    KafkaPrincipal p = ctx.principal();
    KeyEntry key = null;
    String keyId = null;
    String denial = null;
    if (p instanceof KeywardPrincipal kp) {
      keyId = kp.keyId();
      key = replica.key(keyId);
      denial = sessionDenial(key, p, clock.getAsLong());
    }
    String principal = key != null && denial == null ? key.principal() : principalName(p);
    AuthorizationResult result;
    String reason = null;
    if (denial != null) {
      result = AuthorizationResult.DENIED;
      reason = denial;
    } else if (superUsers.contains(principal) || isBroker(principal)
        || isAnonymousController(p, ctx.listenerName())) {
      return AuthorizationResult.ALLOWED;
    } else {
      result = byResourceType(replica.grants(), principal, hostOf(ctx), op, type);
      if (result == AuthorizationResult.DENIED) {
        reason = NO_GRANT;
      }
    }
    if (result == AuthorizationResult.DENIED) {
      if (metrics != null) {
        metrics.requestDenied();
      }
      // "any resource of this type": keyward's events name a resource, so the wildcard stands for it
      audit(ctx, false, keyId, principal, reason, op, type, ResourcePattern.WILDCARD_RESOURCE, PatternType.LITERAL,
          null);
    }
    return result;
  }

  /** The port of Kafka's default {@code authorizeByResourceType} over a grant index. */
  static AuthorizationResult byResourceType(GrantIndex index, String principal, String host, AclOperation op,
      ResourceType type) {
    // Kafka first checks a hard-coded name, so that a grant on every name wins regardless of the rest.
    Grant hard = index.decide(principal, host, op, type, "hardcode");
    if (hard != null && hard.permission() == AclPermissionType.ALLOW) {
      return AuthorizationResult.ALLOWED;
    }
    Set<String> denyLiteral = new HashSet<>();
    Set<String> denyPrefixed = new HashSet<>();
    Set<String> allowLiteral = new HashSet<>();
    Set<String> allowPrefixed = new HashSet<>();
    boolean wildcardAllow = false;
    List<Grant> candidates = new ArrayList<>(index.grantsOf(principal));
    if (!GrantIndex.WILDCARD_PRINCIPAL.equals(principal)) {
      candidates.addAll(index.grantsOf(GrantIndex.WILDCARD_PRINCIPAL));
    }
    for (Grant g : candidates) {
      if (g.resourceType() != type) {
        continue;
      }
      String gHost = g.host() == null ? "*" : g.host();
      if (!gHost.equals(host) && !gHost.equals("*")) {
        continue;
      }
      if (!g.operations().contains(op) && !g.operations().contains(AclOperation.ALL)) {
        continue;
      }
      if (g.permission() == AclPermissionType.DENY) {
        if (g.patternType() == PatternType.LITERAL) {
          if (ResourcePattern.WILDCARD_RESOURCE.equals(g.name())) {
            return AuthorizationResult.DENIED;
          }
          denyLiteral.add(g.name());
        } else if (g.patternType() == PatternType.PREFIXED) {
          denyPrefixed.add(g.name());
        }
        continue;
      }
      if (g.permission() != AclPermissionType.ALLOW) {
        continue;
      }
      if (g.patternType() == PatternType.LITERAL) {
        if (ResourcePattern.WILDCARD_RESOURCE.equals(g.name())) {
          wildcardAllow = true;
          continue;
        }
        allowLiteral.add(g.name());
      } else if (g.patternType() == PatternType.PREFIXED) {
        allowPrefixed.add(g.name());
      }
    }
    if (wildcardAllow) {
      return AuthorizationResult.ALLOWED;
    }
    for (String allowed : allowLiteral) {
      if (!denyLiteral.contains(allowed) && !dominatedByPrefix(allowed, denyPrefixed)) {
        return AuthorizationResult.ALLOWED;
      }
    }
    for (String allowed : allowPrefixed) {
      if (!dominatedByPrefix(allowed, denyPrefixed)) {
        return AuthorizationResult.ALLOWED;
      }
    }
    return AuthorizationResult.DENIED;
  }

  private static boolean dominatedByPrefix(String name, Set<String> denyPrefixed) {
    for (int i = 1; i <= name.length(); i++) {
      if (denyPrefixed.contains(name.substring(0, i))) {
        return true;
      }
    }
    return false;
  }

  /** Why a keyward session may no longer act, or null when its key and owner are still good. */
  static String sessionDenial(KeyEntry key, KafkaPrincipal principal, long nowMs) {
    if (key == null || !key.active() || !key.ownerId().equals(principal.getName())) {
      return KEY_REVOKED;
    }
    if (key.expiresAtMs() <= nowMs) {
      return KEY_EXPIRED;
    }
    if (!key.ownerActive()) {
      return OWNER_DISABLED;
    }
    return null;
  }

  private boolean isBroker(String principal) {
    if (brokerKeyId == null) {
      return false;
    }
    KeyEntry broker = replica.key(brokerKeyId);
    return broker != null && broker.principal().equals(principal);
  }

  private boolean isAnonymousController(KafkaPrincipal p, String listener) {
    if (!KafkaPrincipal.USER_TYPE.equals(p.getPrincipalType()) || !ANONYMOUS.equals(p.getName())
        || listener == null) {
      return false;
    }
    for (String name : controllerListeners) {
      if (name.equalsIgnoreCase(listener)) {
        return true;
      }
    }
    return false;
  }

  private static String principalName(KafkaPrincipal p) {
    return p.getPrincipalType() + ":" + p.getName();
  }

  private static String hostOf(AuthorizableRequestContext ctx) {
    InetAddress address = ctx.clientAddress();
    return address == null ? "" : address.getHostAddress();
  }

  private void audit(AuthorizableRequestContext ctx, boolean granted, String keyId, String principal,
      String reason, AclOperation op, ResourceType type, String name, PatternType patternType, Grant grant) {
    if (shipper == null) {
      return;
    }
    shipper.authorization(granted, keyId, principal, reason, KafkaApiNames.of(ctx.requestType()), op, type, name,
        patternType, ctx.clientAddress(), ctx.clientId(), ctx.listenerName(), mechanismOf(ctx), grant);
  }

  /**
   * The listener's security protocol and the session's SASL mechanism, as keyward's audit log names them
   * ({@code SASL_PLAINTEXT/PLAIN}, {@code SASL_SSL/OAUTHBEARER}); the protocol alone when the session is not keyward's.
   */
  static String mechanismOf(AuthorizableRequestContext ctx) {
    if (ctx.securityProtocol() == null) return null;
    String protocol = ctx.securityProtocol().name;
    String mechanism = ctx.principal() instanceof KeywardPrincipal p ? p.mechanism() : null;
    if (mechanism == null) return protocol;
    return switch (protocol + '/' + mechanism) {
      case "SASL_PLAINTEXT/PLAIN" -> "SASL_PLAINTEXT/PLAIN";
      case "SASL_PLAINTEXT/OAUTHBEARER" -> "SASL_PLAINTEXT/OAUTHBEARER";
      case "SASL_SSL/PLAIN" -> "SASL_SSL/PLAIN";
      case "SASL_SSL/OAUTHBEARER" -> "SASL_SSL/OAUTHBEARER";
      default -> protocol + '/' + mechanism;
    };
  }

  // ---- ACLs -------------------------------------------------------------------------------------------------

  @Override
  public List<? extends CompletionStage<AclCreateResult>> createAcls(AuthorizableRequestContext ctx,
      List<AclBinding> bindings) {
    List<CompletableFuture<AclCreateResult>> out = new ArrayList<>(bindings.size());
    for (int i = 0; i < bindings.size(); i++) {
      out.add(CompletableFuture.completedFuture(new AclCreateResult(new InvalidRequestException(CREATE_REFUSED))));
    }
    return out;
  }

  @Override
  public List<? extends CompletionStage<AclDeleteResult>> deleteAcls(AuthorizableRequestContext ctx,
      List<AclBindingFilter> filters) {
    List<CompletableFuture<AclDeleteResult>> out = new ArrayList<>(filters.size());
    for (int i = 0; i < filters.size(); i++) {
      out.add(CompletableFuture.completedFuture(new AclDeleteResult(new InvalidRequestException(DELETE_REFUSED))));
    }
    return out;
  }

  /** keyward's ACLs of this cluster (role bindings are not ACLs), one binding per operation. */
  @Override
  public Iterable<AclBinding> acls(AclBindingFilter filter) {
    Collection<Grant> grants = replica.grants().all();
    return AclBindings.matching(grants, filter);
  }

  @Override
  public int aclCount() {
    return AclBindings.count(replica.grants().all());
  }

  @Override
  public void close() {
    KeywardRuntime rt;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      rt = runtime;
      runtime = null;
    }
    if (rt != null) {
      rt.release();
    }
  }
}

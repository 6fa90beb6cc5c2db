package io.keyward.kafka;

import java.net.InetAddress;
import java.util.Objects;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What aggregated events have in common: type, result, reason, key, principal, api, operation, resource, client
 * address and id, listener, mechanism, deciding grant and minute. A thread's reusable probe is filled in place to
 * look an aggregate up without allocating; {@link #copy()} freezes it when a new aggregate starts.
 */
final class EventKey {
  String type;
  String result;
  String reason;
  String key;
  String principal;
  String api;
  AclOperation operation;
  ResourceType resourceType;
  String resourceName;
  PatternType patternType;
  /** An {@link InetAddress} (turned into text only when shipped) or a String, or null. */
  Object clientAddress;
  String clientId;
  String listener;
  String mechanism;
  /** The deciding grant (compared by identity: one replica's grant is one object). */
  Grant source;
  long minute;
  private int hash;

  EventKey set(String type, String result, String reason, String key, String principal, String api,
      AclOperation operation, ResourceType resourceType, String resourceName, PatternType patternType,
      Object clientAddress, String clientId, String listener, String mechanism, Grant source, long minute) {
    this.type = type;
    this.result = result;
    this.reason = reason;
    this.key = key;
    this.principal = principal;
    this.api = api;
    this.operation = operation;
    this.resourceType = resourceType;
    this.resourceName = resourceName;
    this.patternType = patternType;
    this.clientAddress = clientAddress;
    this.clientId = clientId;
    this.listener = listener;
    this.mechanism = mechanism;
    this.source = source;
    this.minute = minute;
    int h = Long.hashCode(minute);
    h = 31 * h + Objects.hashCode(type);
    h = 31 * h + Objects.hashCode(result);
    h = 31 * h + Objects.hashCode(reason);
    h = 31 * h + Objects.hashCode(key);
    h = 31 * h + Objects.hashCode(principal);
    h = 31 * h + Objects.hashCode(api);
    h = 31 * h + Objects.hashCode(operation);
    h = 31 * h + Objects.hashCode(resourceType);
    h = 31 * h + Objects.hashCode(resourceName);
    h = 31 * h + Objects.hashCode(patternType);
    h = 31 * h + Objects.hashCode(clientAddress);
    h = 31 * h + Objects.hashCode(clientId);
    h = 31 * h + Objects.hashCode(listener);
    h = 31 * h + Objects.hashCode(mechanism);
    h = 31 * h + System.identityHashCode(source);
    this.hash = h;
    return this;
  }

  EventKey copy() {
    return new EventKey().set(type, result, reason, key, principal, api, operation, resourceType, resourceName,
        patternType, clientAddress, clientId, listener, mechanism, source, minute);
  }

  String clientAddress() {
    if (clientAddress instanceof InetAddress a) {
      return a.getHostAddress();
    }
    return clientAddress == null ? null : clientAddress.toString();
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof EventKey k)) {
      return false;
    }
    return hash == k.hash && minute == k.minute && source == k.source && operation == k.operation
        && resourceType == k.resourceType && patternType == k.patternType
        && Objects.equals(type, k.type) && Objects.equals(result, k.result) && Objects.equals(reason, k.reason)
        && Objects.equals(key, k.key) && Objects.equals(principal, k.principal) && Objects.equals(api, k.api)
        && Objects.equals(resourceName, k.resourceName) && Objects.equals(clientAddress, k.clientAddress)
        && Objects.equals(clientId, k.clientId) && Objects.equals(listener, k.listener)
        && Objects.equals(mechanism, k.mechanism);
  }
}

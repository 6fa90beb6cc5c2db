package io.keyward.kafka;

import java.util.EnumSet;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

/** Test helpers building grants. */
final class Grants {
  private Grants() {}

  static Grant allow(String principal, ResourceType type, PatternType pattern, String name, AclOperation... ops) {
    return grant(principal, AclPermissionType.ALLOW, type, pattern, name, "*", ops);
  }

  static Grant deny(String principal, ResourceType type, PatternType pattern, String name, AclOperation... ops) {
    return grant(principal, AclPermissionType.DENY, type, pattern, name, "*", ops);
  }

  static Grant grant(String principal, AclPermissionType permission, ResourceType type, PatternType pattern,
      String name, String host, AclOperation... ops) {
    Set<AclOperation> set = EnumSet.noneOf(AclOperation.class);
    for (AclOperation op : ops) {
      set.add(op);
    }
    return new Grant(principal, permission, Set.copyOf(set), type, pattern, name, host, "acl",
        "acl-" + Integer.toHexString(System.identityHashCode(set)), null);
  }
}

package io.keyward.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourcePattern;

/**
 * keyward's ACLs of the cluster as Kafka {@link AclBinding}s, for {@code DescribeAcls} ({@code kafka-acls --list}):
 * the grants whose source is an ACL (role bindings are not ACLs and are not listed), one binding per operation,
 * those matching the request's filter.
 */
public final class AclBindings {

  public static final String ACL_SOURCE = "acl";

  private AclBindings() {}

  /** The bindings of one ACL-sourced grant (an empty list for any other grant). */
  public static List<AclBinding> of(Grant grant) {
    if (!ACL_SOURCE.equals(grant.sourceKind())) {
      return List.of();
    }
    ResourcePattern pattern = new ResourcePattern(grant.resourceType(), grant.name(), grant.patternType());
    String host = grant.host() == null ? "*" : grant.host();
    List<AclBinding> out = new ArrayList<>(grant.operations().size());
    for (AclOperation op : sorted(grant.operations())) {
      out.add(new AclBinding(pattern, new AccessControlEntry(grant.principal(), host, op, grant.permission())));
    }
    return out;
  }

  /** The bindings of these grants' ACLs that match {@code filter}, in grant order. */
  public static List<AclBinding> matching(Collection<Grant> grants, AclBindingFilter filter) {
    List<AclBinding> out = new ArrayList<>();
    for (Grant grant : grants) {
      for (AclBinding binding : of(grant)) {
        if (filter.matches(binding)) {
          out.add(binding);
        }
      }
    }
    return out;
  }

  /** How many bindings the ACL-sourced grants make (the authorizer's {@code aclCount}). */
  public static int count(Collection<Grant> grants) {
    int n = 0;
    for (Grant grant : grants) {
      if (ACL_SOURCE.equals(grant.sourceKind())) {
        n += grant.operations().size();
      }
    }
    return n;
  }

  private static List<AclOperation> sorted(Collection<AclOperation> ops) {
    List<AclOperation> list = new ArrayList<>(ops);
    list.sort(null);
    return list;
  }
}

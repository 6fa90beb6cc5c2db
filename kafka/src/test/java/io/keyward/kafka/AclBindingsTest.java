package io.keyward.kafka;

import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;
import static org.apache.kafka.common.resource.PatternType.LITERAL;
import static org.apache.kafka.common.resource.PatternType.PREFIXED;
import static org.apache.kafka.common.resource.ResourceType.GROUP;
import static org.apache.kafka.common.resource.ResourceType.TOPIC;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class AclBindingsTest {

  private static final Grant READ_ORDERS = Grants.allow("User:sa-1", TOPIC, LITERAL, "orders", READ, WRITE);
  private static final Grant DENY_LOGS = Grants.deny("User:sa-2", TOPIC, PREFIXED, "logs", READ);
  private static final Grant GROUPS = Grants.grant("User:*", AclPermissionType.ALLOW, GROUP, LITERAL, "*",
      "10.0.0.1", READ);
  private static final Grant ROLE = new Grant("User:sa-1", AclPermissionType.ALLOW, Set.of(DESCRIBE), TOPIC,
      LITERAL, "*", "*", "role-binding", "rb-1", "DeveloperRead");
  private static final List<Grant> ALL = List.of(READ_ORDERS, DENY_LOGS, GROUPS, ROLE);

  private static List<AclBinding> list(ResourceType type, String name, PatternType pattern, String principal,
      AclOperation op, AclPermissionType permission) {
    return AclBindings.matching(ALL, new AclBindingFilter(new ResourcePatternFilter(type, name, pattern),
        new AccessControlEntryFilter(principal, null, op, permission)));
  }

  @Test
  void oneBindingPerOperationOfEachAcl() {
    List<AclBinding> all = AclBindings.matching(ALL, AclBindingFilter.ANY);
    assertEquals(4, all.size(), "role bindings are not listed");
    ResourcePattern orders = new ResourcePattern(TOPIC, "orders", LITERAL);
    assertEquals(List.of(
        new AclBinding(orders, new AccessControlEntry("User:sa-1", "*", READ, AclPermissionType.ALLOW)),
        new AclBinding(orders, new AccessControlEntry("User:sa-1", "*", WRITE, AclPermissionType.ALLOW)),
        new AclBinding(new ResourcePattern(TOPIC, "logs", PREFIXED),
            new AccessControlEntry("User:sa-2", "*", READ, AclPermissionType.DENY)),
        new AclBinding(new ResourcePattern(GROUP, "*", LITERAL),
            new AccessControlEntry("User:*", "10.0.0.1", READ, AclPermissionType.ALLOW))), all);
    assertEquals(4, AclBindings.count(ALL));
  }

  @Test
  void filters() {
    assertEquals(3, list(TOPIC, null, PatternType.ANY, null, AclOperation.ANY, AclPermissionType.ANY).size());
    assertEquals(1, list(GROUP, null, PatternType.ANY, null, AclOperation.ANY, AclPermissionType.ANY).size());
    assertEquals(2, list(ResourceType.ANY, null, PatternType.ANY, "User:sa-1", AclOperation.ANY,
        AclPermissionType.ANY).size());
    assertEquals(1, list(ResourceType.ANY, null, PatternType.ANY, null, AclOperation.ANY,
        AclPermissionType.DENY).size());
    assertEquals(1, list(TOPIC, null, PatternType.ANY, null, WRITE, AclPermissionType.ANY).size());
    assertEquals(2, list(TOPIC, "orders", LITERAL, null, AclOperation.ANY, AclPermissionType.ANY).size());
    assertEquals(0, list(TOPIC, "orders", PREFIXED, null, AclOperation.ANY, AclPermissionType.ANY).size());
    assertEquals(1, list(TOPIC, "logs-app", PatternType.MATCH, null, AclOperation.ANY, AclPermissionType.ANY)
        .size(), "MATCH finds the prefix that covers the name");
    assertEquals(1, list(GROUP, "g1", PatternType.MATCH, null, AclOperation.ANY, AclPermissionType.ANY).size(),
        "MATCH finds the wildcard");
  }
}

package io.keyward.kafka;

import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

/**
 * One grant of the replica (DESIGN §8): an ACL of the cluster, or a role binding compiled by keyward into an
 * ALLOW with explicit operations.
 *
 * @param principal    {@code User:sa-…}, {@code User:u-…} or {@code User:*}
 * @param permission   {@link AclPermissionType#ALLOW} or {@link AclPermissionType#DENY}
 * @param operations   the operations, {@link AclOperation#ALL} standing for any
 * @param resourceType TOPIC, GROUP, CLUSTER or TRANSACTIONAL_ID
 * @param patternType  LITERAL or PREFIXED
 * @param name         the resource name or prefix; the LITERAL name {@code *} matches every name
 * @param host         {@code *} or one client address
 * @param sourceKind   {@code acl} or {@code role-binding}
 * @param sourceId     the ACL's or role binding's id
 * @param role         the role's name for a role binding, else null
 */
public record Grant(
    String principal,
    AclPermissionType permission,
    Set<AclOperation> operations,
    ResourceType resourceType,
    PatternType patternType,
    String name,
    String host,
    String sourceKind,
    String sourceId,
    String role) {}

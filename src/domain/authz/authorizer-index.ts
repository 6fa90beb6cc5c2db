/**
 * The production authorizer: the same decisions as `referenceAuthorize`, from indexes built once per
 * data set (rebuild on every change to ACLs or role bindings).
 *
 * - ACLs: cluster → resource type → principal → permission → resource name (`NameIndex`: LITERAL names,
 *   the LITERAL wildcard `*`, PREFIXED names). A request looks at its own principal and `User:*` only.
 * - Role bindings: principal → a trie of CRN segments (`SegmentNode`); at each node, the bindings whose
 *   pattern ends one level below, by segment type → name (`NameIndex`: literal names and `*` prefixes).
 *   A request walks its CRN down the trie, looking up each of its segments on the way.
 *
 * To pick the same rule as the linear scan, every entry keeps its position in the input (`ordinal`)
 * and the earliest matching entry wins.
 */
import { WILDCARD_PRINCIPAL, WILDCARD_RESOURCE_NAME, aclMatches, type AclPermission, type KafkaAccessRequest, type KafkaAcl } from './acl.js';
import { tryParseCrn, type CrnSegment } from './crn-pattern.js';
import {
  deniedByAcl,
  grantedByAcl,
  grantedByRoleBinding,
  kafkaAccessOf,
  notGranted,
  requestResourceType,
  type AuthorizationData,
  type AuthorizationDecision,
  type AuthorizationRequest,
  type RoleBinding,
} from './decision.js';
import { NameIndex } from './name-index.js';
import { findRole, roleGrants, type RoleDefinition } from './roles.js';

interface IndexedAcl {
  ordinal: number;
  acl: KafkaAcl;
}

interface IndexedBinding {
  ordinal: number;
  binding: RoleBinding;
  role: RoleDefinition;
}

/** Keeps the earliest (lowest ordinal) item that passes the test, reading each bucket only as far as needed. */
class EarliestMatch<T extends { ordinal: number }> {
  found: T | undefined;
  private readonly test: (item: T) => boolean;

  constructor(test: (item: T) => boolean) {
    this.test = test;
  }

  consider(bucket: readonly T[] | undefined): void {
    if (bucket === undefined) return;
    for (const item of bucket) {
      if (this.found !== undefined && item.ordinal >= this.found.ordinal) return;
      if (this.test(item)) {
        this.found = item;
        return;
      }
    }
  }
}

/** The ACLs of one principal on one resource type of one cluster. */
interface AclSection {
  ALLOW: NameIndex<IndexedAcl>;
  DENY: NameIndex<IndexedAcl>;
}

/** A node of the CRN-segment trie: one segment path from the organization down. */
class SegmentNode {
  /** type → name → the node below this one. */
  readonly children = new Map<string, Map<string, SegmentNode>>();
  /** type → bindings whose pattern's last segment, right below this node, has that type. */
  readonly patternsEndingBelow = new Map<string, NameIndex<IndexedBinding>>();

  child(segment: CrnSegment): SegmentNode | undefined {
    return this.children.get(segment.type)?.get(segment.name);
  }

  childOrNew(segment: CrnSegment): SegmentNode {
    const byName = getOrCreate(this.children, segment.type, () => new Map<string, SegmentNode>());
    return getOrCreate(byName, segment.name, () => new SegmentNode());
  }
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

export class AuthorizerIndex {
  private readonly acls = new Map<string, Map<string, Map<string, AclSection>>>();
  private readonly bindings = new Map<string, SegmentNode>();

  constructor(data: AuthorizationData) {
    data.acls.forEach((acl, ordinal) => this.addAcl({ ordinal, acl }));
    data.roleBindings.forEach((binding, ordinal) => this.addBinding(binding, ordinal));
  }

  authorize(request: AuthorizationRequest): AuthorizationDecision {
    const kafkaAccess = kafkaAccessOf(request);
    if (kafkaAccess !== undefined) {
      const sections = this.aclSections(kafkaAccess);
      const deny = earliestAcl(sections, 'DENY', kafkaAccess);
      if (deny !== undefined) return deniedByAcl(request, deny.acl);
      const allow = earliestAcl(sections, 'ALLOW', kafkaAccess);
      if (allow !== undefined) return grantedByAcl(request, allow.acl);
    }
    const granting = this.earliestGrantingBinding(request);
    return granting === undefined ? notGranted(request) : grantedByRoleBinding(request, granting.binding, granting.role);
  }

  private addAcl(entry: IndexedAcl): void {
    const { acl } = entry;
    // Anything but ALLOW or DENY can never match (the reference asks for one of the two), so it is not filed.
    if (acl.permission !== 'ALLOW' && acl.permission !== 'DENY') return;
    const byType = getOrCreate(this.acls, acl.cluster_id, () => new Map<string, Map<string, AclSection>>());
    const byPrincipal = getOrCreate(byType, acl.resource_type, () => new Map<string, AclSection>());
    const section = getOrCreate(byPrincipal, acl.principal, () => ({ ALLOW: new NameIndex<IndexedAcl>(), DENY: new NameIndex<IndexedAcl>() }));
    const names = section[acl.permission];
    if (acl.pattern_type === 'PREFIXED') names.addPrefix(acl.resource_name, entry);
    else names.addExact(acl.resource_name, entry);
  }

  private addBinding(binding: RoleBinding, ordinal: number): void {
    const role = findRole(binding.role_name);
    const pattern = tryParseCrn(binding.crn_pattern);
    if (role === undefined || pattern === undefined) return; // grants nothing, as in the reference
    const last = pattern.segments[pattern.segments.length - 1]!;
    let node = getOrCreate(this.bindings, binding.principal, () => new SegmentNode());
    for (const segment of pattern.segments.slice(0, -1)) node = node.childOrNew(segment);
    const names = getOrCreate(node.patternsEndingBelow, last.type, () => new NameIndex<IndexedBinding>());
    const entry: IndexedBinding = { ordinal, binding, role };
    if (pattern.prefix) names.addPrefix(last.name, entry);
    else names.addExact(last.name, entry);
  }

  /** The ACL sections of the request's principal and of `User:*`. */
  private aclSections(access: KafkaAccessRequest): AclSection[] {
    const byPrincipal = this.acls.get(access.clusterId)?.get(access.resourceType);
    if (byPrincipal === undefined) return [];
    const sections: AclSection[] = [];
    const own = byPrincipal.get(access.principal);
    if (own !== undefined) sections.push(own);
    const everyone = access.principal === WILDCARD_PRINCIPAL ? undefined : byPrincipal.get(WILDCARD_PRINCIPAL);
    if (everyone !== undefined) sections.push(everyone);
    return sections;
  }

  private earliestGrantingBinding(request: AuthorizationRequest): IndexedBinding | undefined {
    let node = this.bindings.get(request.principal);
    if (node === undefined) return undefined;
    const crn = tryParseCrn(request.resource.crn);
    if (crn === undefined || crn.prefix) return undefined;
    const resourceType = requestResourceType(request, crn);
    const earliest = new EarliestMatch<IndexedBinding>((entry) => roleGrants(entry.role, request.action, resourceType));
    for (const segment of crn.segments) {
      const names = node.patternsEndingBelow.get(segment.type);
      if (names !== undefined) {
        earliest.consider(names.exactly(segment.name));
        names.forEachPrefixOf(segment.name, (bucket) => earliest.consider(bucket));
      }
      node = node.child(segment);
      if (node === undefined) break;
    }
    return earliest.found;
  }
}

function earliestAcl(sections: readonly AclSection[], permission: AclPermission, access: KafkaAccessRequest): IndexedAcl | undefined {
  const earliest = new EarliestMatch<IndexedAcl>((entry) => aclMatches(entry.acl, access));
  for (const section of sections) {
    const names = section[permission];
    earliest.consider(names.exactly(access.resourceName));
    if (access.resourceName !== WILDCARD_RESOURCE_NAME) earliest.consider(names.exactly(WILDCARD_RESOURCE_NAME));
    names.forEachPrefixOf(access.resourceName, (bucket) => earliest.consider(bucket));
  }
  return earliest.found;
}

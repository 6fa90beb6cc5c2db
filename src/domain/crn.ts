/** Confluent-style resource names with keyward's authority. */
export const CRN_AUTHORITY = 'crn://keyward';

export interface CrnParts {
  organization: string;
  environment?: string;
  cloudCluster?: string;
  kafka?: string;
  schemaRegistry?: string;
  leaf?: { type: string; name: string };
}

export function organizationCrn(organizationId: string): string {
  return `${CRN_AUTHORITY}/organization=${organizationId}`;
}

export function buildCrn(parts: CrnParts): string {
  let crn = organizationCrn(parts.organization);
  if (parts.environment) crn += `/environment=${parts.environment}`;
  if (parts.cloudCluster) crn += `/cloud-cluster=${parts.cloudCluster}`;
  if (parts.kafka) crn += `/kafka=${parts.kafka}`;
  if (parts.schemaRegistry) crn += `/schema-registry=${parts.schemaRegistry}`;
  if (parts.leaf) crn += `/${parts.leaf.type}=${parts.leaf.name}`;
  return crn;
}

/**
 * The CRN of what an API key is for: a Kafka cluster (`…/cloud-cluster=lkc-x`), a Schema Registry
 * (`…/schema-registry=lsrc-x`), or the organization for `cloud` keys.
 */
export function resourceCrn(organization: string, resource: { kind: 'cloud' | 'kafka' | 'schema-registry'; id: string; environment: string | null }): string {
  if (resource.kind === 'cloud' || resource.environment === null) return organizationCrn(organization);
  return resource.kind === 'kafka'
    ? buildCrn({ organization, environment: resource.environment, cloudCluster: resource.id })
    : buildCrn({ organization, environment: resource.environment, schemaRegistry: resource.id });
}

/** Does the CRN pattern (literal, or a prefix ending in `*`) cover the resource's CRN? */
export function crnMatches(pattern: string, crn: string): boolean {
  if (pattern.endsWith('*')) return crn.startsWith(pattern.slice(0, -1));
  return crn === pattern || crn.startsWith(pattern + '/');
}

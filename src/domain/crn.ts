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

/** Does the CRN pattern (literal, or a prefix ending in `*`) cover the resource's CRN? */
export function crnMatches(pattern: string, crn: string): boolean {
  if (pattern.endsWith('*')) return crn.startsWith(pattern.slice(0, -1));
  return crn === pattern || crn.startsWith(pattern + '/');
}

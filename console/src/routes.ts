/** The console's paths (all under /console/, which the server answers with the console's page). */
export const BASE = '/console';

export const paths = {
  overview: `${BASE}/`,
  apiKeys: `${BASE}/api-keys`,
  apiKey: (id: string) => `${BASE}/api-keys/${encodeURIComponent(id)}`,
  principals: `${BASE}/principals`,
  serviceAccount: (id: string) => `${BASE}/principals/service-accounts/${encodeURIComponent(id)}`,
  user: (id: string) => `${BASE}/principals/users/${encodeURIComponent(id)}`,
  access: `${BASE}/access`,
  audit: `${BASE}/audit`,
  kafka: `${BASE}/kafka`,
} as const;

/** The navigation, in order: label and path. */
export const NAVIGATION: ReadonlyArray<{ label: string; path: string }> = [
  { label: 'Overview', path: paths.overview },
  { label: 'API keys', path: paths.apiKeys },
  { label: 'Service accounts & users', path: paths.principals },
  { label: 'Access', path: paths.access },
  { label: 'Audit log', path: paths.audit },
  { label: 'Kafka clusters', path: paths.kafka },
];

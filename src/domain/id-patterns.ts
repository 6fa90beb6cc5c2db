/**
 * Identifier shapes (DESIGN §1): each kind's prefix and the pattern of its ids. Pure (no Node
 * built-ins), so the contract and the web console can check ids; `ids.ts` issues new ones.
 */
export const ID_PREFIXES = {
  environment: 'env-',
  kafkaCluster: 'lkc-',
  schemaRegistry: 'lsrc-',
  user: 'u-',
  serviceAccount: 'sa-',
  roleBinding: 'rb-',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

export const ID_PATTERNS = {
  environment: /^env-[a-z0-9]{6}$/,
  kafkaCluster: /^lkc-[a-z0-9]{6}$/,
  schemaRegistry: /^lsrc-[a-z0-9]{6}$/,
  user: /^u-[a-z0-9]{6}$/,
  serviceAccount: /^sa-[a-z0-9]{6}$/,
  roleBinding: /^rb-[a-z0-9]{6}$/,
  apiKey: /^[A-Z0-9]{16}$/,
} as const;

/** Identifier shapes (DESIGN §1): the prefixes and patterns the server issues, for checks on either side. */
export { ID_PATTERNS, ID_PREFIXES, type IdKind } from '../domain/id-patterns.js';

/** Examples of each shape, for messages. */
export const ID_EXAMPLES = {
  environment: 'env-abc123',
  kafkaCluster: 'lkc-abc123',
  schemaRegistry: 'lsrc-abc123',
  user: 'u-abc123',
  serviceAccount: 'sa-abc123',
  roleBinding: 'rb-abc123',
  apiKey: 'ABCDEFGH12345678',
} as const;

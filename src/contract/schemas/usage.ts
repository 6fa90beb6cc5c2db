/** `GET /keyward/v1/api-keys/{id}/usage` (DESIGN §3): a key's authentications per bucket and outcome. */
import { Type, type Static } from '@sinclair/typebox';
import { USAGE_OUTCOMES } from '../../domain/usage.js';
import { UsageCountsSchema, UsageQuerySchema } from '../usage-summary.js';

const EXAMPLE_COUNTS = Object.fromEntries(USAGE_OUTCOMES.map((o) => [o, 0]));
const EXAMPLE = {
  api_version: 'keyward/v1',
  kind: 'APIKeyUsage',
  id: 'UTT6WDRXX7FHD2GV',
  since: '2026-03-01T10:00:00Z',
  until: '2026-03-01T12:34:56Z',
  bucket: '1h',
  totals: { ...EXAMPLE_COUNTS, VALID: 5210, INVALID_CREDENTIALS: 3 },
  data: [
    { start: '2026-03-01T10:00:00Z', counts: { ...EXAMPLE_COUNTS, VALID: 1800 } },
    { start: '2026-03-01T11:00:00Z', counts: { ...EXAMPLE_COUNTS, VALID: 2410, INVALID_CREDENTIALS: 3 } },
    { start: '2026-03-01T12:00:00Z', counts: { ...EXAMPLE_COUNTS, VALID: 1000 } },
  ],
};

export const ApiKeyUsage = Type.Object(
  {
    api_version: Type.Literal('keyward/v1'),
    kind: Type.Literal('APIKeyUsage'),
    id: Type.String({ description: 'The API key' }),
    since: Type.String({ description: 'Start of the first bucket (RFC 3339, UTC)' }),
    until: Type.String({ description: 'When the counts were read (RFC 3339, UTC); the last bucket is still filling' }),
    bucket: Type.String({ description: 'Bucket size' }),
    totals: UsageCountsSchema,
    data: Type.Array(Type.Object({ start: Type.String({ description: 'Start of the bucket (RFC 3339, UTC)' }), counts: UsageCountsSchema }), {
      description: 'Every bucket, oldest first, zeros included',
    }),
  },
  { examples: [EXAMPLE] },
);
export type ApiKeyUsage = Static<typeof ApiKeyUsage>;

/** `since` and `bucket`: the same rules as the organization's usage. */
export const ApiKeyUsageQuery = UsageQuerySchema;
export type ApiKeyUsageQuery = Static<typeof ApiKeyUsageQuery>;

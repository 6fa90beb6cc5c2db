/**
 * `GET /keyward/v1/usage` (the organization's API key usage): the query and the answer, as TypeBox
 * schemas the server validates and serialises with and the console reads its types from.
 */
import { Type, type Static, type TInteger } from '@sinclair/typebox';
import { USAGE_BUCKET_NAMES, USAGE_OUTCOMES, type UsageOutcome } from '../domain/usage.js';

/** One count per outcome: typed by outcome, so that a reader indexes it with an outcome and needs no fallback. */
const COUNT_PER_OUTCOME = Object.fromEntries(USAGE_OUTCOMES.map((o) => [o, Type.Integer()])) as Record<UsageOutcome, TInteger>;

export const UsageCountsSchema = Type.Object(COUNT_PER_OUTCOME, {
  description: 'Authentications per outcome (the verification codes), every outcome listed',
});

const Bucket = Type.Object({ start: Type.String({ description: 'Start of the bucket (RFC 3339, UTC)' }), counts: UsageCountsSchema });

/** `since` and `bucket`, with the rules of `GET /keyward/v1/api-keys/{id}/usage`. */
export const UsageQuerySchema = Type.Object({
  since: Type.Optional(Type.String({ maxLength: 64, description: 'A duration back from now, 1m to 90d (e.g. 24h, 7d), or an RFC 3339 time; default 24h' })),
  bucket: Type.Optional(Type.String({ maxLength: 8, description: `Bucket size: ${USAGE_BUCKET_NAMES.join(', ')}; default 1h` })),
});

const EXAMPLE_COUNTS = Object.fromEntries(USAGE_OUTCOMES.map((o) => [o, 0]));
const counts = (values: Record<string, number>) => ({ ...EXAMPLE_COUNTS, ...values });
const HOURS = ['2026-03-01T10:00:00Z', '2026-03-01T11:00:00Z', '2026-03-01T12:00:00Z'] as const;

export const USAGE_SUMMARY_EXAMPLE = {
  api_version: 'keyward/v1',
  kind: 'UsageSummary',
  since: HOURS[0],
  until: '2026-03-01T12:34:56Z',
  bucket: '1h',
  totals: counts({ VALID: 5300, INVALID_CREDENTIALS: 3 }),
  data: [
    { start: HOURS[0], counts: counts({ VALID: 1800 }) },
    { start: HOURS[1], counts: counts({ VALID: 2500, INVALID_CREDENTIALS: 3 }) },
    { start: HOURS[2], counts: counts({ VALID: 1000 }) },
  ],
  keys: [
    {
      key: 'HX4TGZ7QK2M9PRWA',
      totals: counts({ VALID: 5210, INVALID_CREDENTIALS: 3 }),
      buckets: [
        { start: HOURS[0], counts: counts({ VALID: 1800 }) },
        { start: HOURS[1], counts: counts({ VALID: 2410, INVALID_CREDENTIALS: 3 }) },
        { start: HOURS[2], counts: counts({ VALID: 1000 }) },
      ],
    },
    {
      key: 'UTT6WDRXX7FHD2GV',
      totals: counts({ VALID: 90 }),
      buckets: [
        { start: HOURS[0], counts: counts({}) },
        { start: HOURS[1], counts: counts({ VALID: 90 }) },
        { start: HOURS[2], counts: counts({}) },
      ],
    },
  ],
};

export const UsageSummarySchema = Type.Object(
  {
    api_version: Type.Literal('keyward/v1'),
    kind: Type.Literal('UsageSummary'),
    since: Type.String({ description: 'Start of the first bucket (RFC 3339, UTC)' }),
    until: Type.String({ description: 'When the counts were read (RFC 3339, UTC); the last bucket is still filling' }),
    bucket: Type.String({ description: 'Bucket size' }),
    totals: UsageCountsSchema,
    data: Type.Array(Bucket, { description: 'The keys the caller may read, summed: every bucket, oldest first, zeros included' }),
    keys: Type.Array(
      Type.Object({
        key: Type.String({ description: 'The API key' }),
        totals: UsageCountsSchema,
        buckets: Type.Array(Bucket, { description: 'Every bucket, oldest first, zeros included' }),
      }),
      { description: 'Each key the caller may read that was used in the window, by id; keys without use are left out' },
    ),
  },
  { examples: [USAGE_SUMMARY_EXAMPLE] },
);

export type UsageCounts = Static<typeof UsageCountsSchema>;
export type UsageSummaryQuery = Static<typeof UsageQuerySchema>;
export type UsageSummaryBody = Static<typeof UsageSummarySchema>;

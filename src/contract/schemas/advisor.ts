/** The organization policy (`/keyward/v1/policy`), the advisor's findings and leak reports (DESIGN §6). */
import { Type, type Static } from '@sinclair/typebox';
import { SEVERITIES } from '../../domain/advisor/severity.js';
import { Nullable } from './common.js';

export const Policy = Type.Object({
  max_key_lifetime: Nullable(Type.String()),
  require_service_account_keys_in_production: Type.Boolean(),
  max_keys_per_owner_resource: Type.Integer(),
  unused_key_days: Type.Integer(),
  rotation_days: Type.Integer(),
});
export type Policy = Static<typeof Policy>;

export const PolicyPatch = Type.Object({
  max_key_lifetime: Type.Optional(Nullable(Type.String({ maxLength: 32 }))),
  require_service_account_keys_in_production: Type.Optional(Type.Boolean()),
  max_keys_per_owner_resource: Type.Optional(Type.Integer()),
  unused_key_days: Type.Optional(Type.Integer()),
  rotation_days: Type.Optional(Type.Integer()),
});
export type PolicyPatch = Static<typeof PolicyPatch>;

export const Finding = Type.Object({
  id: Type.String(),
  rule: Type.String(),
  severity: Type.Union(SEVERITIES.map((severity) => Type.Literal(severity))),
  subject: Type.String(),
  message: Type.String(),
  remediation: Type.String({ description: 'A runnable keyward command' }),
});
export type Finding = Static<typeof Finding>;

export const FindingList = Type.Object({
  api_version: Type.String(),
  kind: Type.String(),
  metadata: Type.Object({ total_size: Type.Integer(), evaluated_at: Type.String() }),
  data: Type.Array(Finding),
});
export type FindingList = Static<typeof FindingList>;

export const FindingsQuery = Type.Object({
  severity: Type.Optional(Type.String({ maxLength: 16, description: `Only findings at or above: ${SEVERITIES.join(', ')}` })),
});
export type FindingsQuery = Static<typeof FindingsQuery>;

export const LeakReports = Type.Array(
  Type.Object({
    token: Type.String({ maxLength: 256 }),
    type: Type.Optional(Nullable(Type.String())),
    url: Type.Optional(Nullable(Type.String())),
    source: Type.Optional(Nullable(Type.String())),
  }),
  { maxItems: 1000 },
);
export type LeakReports = Static<typeof LeakReports>;

export const LeakResult = Type.Object({
  label: Type.Union([Type.Literal('true_positive'), Type.Literal('false_positive')]),
  key: Nullable(Type.String()),
  url: Nullable(Type.String()),
  source: Nullable(Type.String()),
});
export type LeakResult = Static<typeof LeakResult>;
export const LeakResults = Type.Array(LeakResult);

export const LeaksQuery = Type.Object({
  dry_run: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')], { description: 'true: classify only, disable nothing' })),
});
export type LeaksQuery = Static<typeof LeaksQuery>;

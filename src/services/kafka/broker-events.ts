/**
 * The events a Kafka broker ships to keyward (DESIGN §8, `POST /keyward/v1/kafka/clusters/{id}/events`):
 * each item becomes one audit event (§4), and successes move the key's `last_used`.
 *
 * - `io.keyward.authentication`, methodName `kafka.Authentication`; `io.keyward.authorization`,
 *   methodName `kafka.<Api>` (`kafka.Produce`, `kafka.Fetch`, …).
 * - The broker aggregates successes (and floods of failures) itself: every event carries `data.count`,
 *   `data.firstTime` and `data.lastTime`, so counts add up whether or not an item was aggregated.
 * - A failed login naming a key that exists for another resource is recorded as `WRONG_RESOURCE`:
 *   the broker's replica holds only its own cluster's keys, so it cannot tell that from an unknown key.
 * - Only keys of this cluster move `last_used`; anything else an item names is recorded, never trusted.
 * - Every item naming an existing key adds its count to that key's usage, in every audit mode:
 *   SUCCESS → VALID, UNAUTHORIZED → FORBIDDEN, UNAUTHENTICATED → its reason when that is an outcome,
 *   else INVALID_CREDENTIALS.
 * - In mode `every` too, items pass through as the broker aggregated them.
 * - Free text (names, reasons, client ids) is masked like every audit event's data: no keyward secret
 *   is kept, whatever a client put in its user name or client id.
 */
import { ID_PATTERNS } from '../../domain/ids.js';
import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { CLUSTER_RESOURCE_NAME, KAFKA_OPERATIONS, KAFKA_RESOURCE_TYPES, PATTERN_TYPES } from '../../domain/authz/acl.js';
import { kafkaResourceCrn } from '../../domain/authz/crn-pattern.js';
import { buildCrn } from '../../domain/crn.js';
import { errors } from '../../domain/errors.js';
import type { Database } from '../../store/database.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuditInput } from '../audit/cloud-event.js';
import type { RequestMetadata } from '../context.js';
import type { LastUsedRecorder } from '../verify/last-used.js';
import { epochMinute, USAGE_OUTCOMES, type UsageOutcome, type UsageSink } from '../../domain/usage.js';
import type { DataPlaneAuditMode } from '../audit/data-plane-recorder.js';
import { principalOf } from '../../domain/principal.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));
const text = (maxLength: number) => Type.String({ maxLength });

/** One item of the batch, as the broker plugin sends it. Unknown fields are allowed (a newer plugin) and ignored. */
export const BrokerEventSchema = Type.Object({
  type: literals(['authentication', 'authorization'] as const),
  time: Type.String({ format: 'date-time' }),
  key: nullable(text(256)),
  principal: nullable(Type.String({ maxLength: 256, pattern: '^User:\\S+$' })),
  result: literals(['SUCCESS', 'UNAUTHENTICATED', 'UNAUTHORIZED'] as const),
  reason: nullable(text(256)),
  api: nullable(Type.String({ maxLength: 64, pattern: '^[A-Za-z][A-Za-z0-9]*$' })),
  operation: nullable(literals(KAFKA_OPERATIONS)),
  resource_type: nullable(literals(KAFKA_RESOURCE_TYPES)),
  resource_name: nullable(text(1024)),
  pattern_type: nullable(literals(PATTERN_TYPES)),
  client_address: nullable(text(64)),
  client_id: nullable(text(256)),
  listener: nullable(text(128)),
  broker: nullable(text(64)),
  mechanism: nullable(text(64)),
  count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000 })),
  first_time: nullable(Type.String({ format: 'date-time' })),
  last_time: nullable(Type.String({ format: 'date-time' })),
  source: nullable(
    Type.Object({
      kind: literals(['role-binding', 'acl'] as const),
      id: text(64),
      role: nullable(text(64)),
    }),
  ),
});
export type BrokerEvent = Static<typeof BrokerEventSchema>;

export const MAX_BROKER_EVENTS = 1000;

/** The body of `POST …/events`: 1 to 1000 items. */
export const BrokerEventBatchSchema = Type.Array(BrokerEventSchema, { minItems: 1, maxItems: MAX_BROKER_EVENTS });
export type BrokerEventBatch = Static<typeof BrokerEventBatchSchema>;

export interface BrokerEventsDeps {
  db: Kysely<Database>;
  organizationId: string;
  audit: Pick<AuditLog, 'record'>;
  lastUsed: Pick<LastUsedRecorder, 'touch'>;
  /** Which data-plane events reach the audit log (§4; default all). `last_used` and usage move either way. */
  auditMode?: DataPlaneAuditMode;
  usage?: UsageSink;
}

const OUTCOMES: ReadonlySet<string> = new Set(USAGE_OUTCOMES);

/** The usage outcome of an item (its final reason: WRONG_RESOURCE for another cluster's key). */
function usageOutcome(result: BrokerEvent['result'], reason: string | undefined): UsageOutcome {
  if (result === 'SUCCESS') return 'VALID';
  if (result === 'UNAUTHORIZED') return 'FORBIDDEN';
  return reason !== undefined && OUTCOMES.has(reason) ? (reason as UsageOutcome) : 'INVALID_CREDENTIALS';
}

const KEY_ID = ID_PATTERNS.apiKey;

interface KnownKey {
  id: string;
  resource_id: string;
  owner_id: string;
}

interface Rules {
  bindings: Map<string, { crn_pattern: string; role_name: string }>;
  acls: Map<string, { permission: string; operation: string; resource_type: string; resource_name: string; pattern_type: string; host: string }>;
}

/** A time the broker sent; throws a 422 naming the item's field when it is not one. */
function parseTime(value: string, field: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw errors.invalid(`${field} must be an RFC 3339 time, not "${value.slice(0, 64)}"`);
  return at;
}

/** The checks the schema cannot express, with the field named as `events[3].api`. */
function checkItem(event: BrokerEvent, index: number): { time: Date; firstTime: Date; lastTime: Date; count: number } {
  const field = (name: string) => `events[${index}].${name}`;
  const time = parseTime(event.time, field('time'));
  const firstTime = event.first_time ? parseTime(event.first_time, field('first_time')) : time;
  const lastTime = event.last_time ? parseTime(event.last_time, field('last_time')) : time;
  if (firstTime.getTime() > lastTime.getTime()) throw errors.invalid(`${field('first_time')} is after ${field('last_time')}`);
  const allowed = event.type === 'authentication' ? ['SUCCESS', 'UNAUTHENTICATED'] : ['SUCCESS', 'UNAUTHORIZED'];
  if (!allowed.includes(event.result)) throw errors.invalid(`${field('result')} of an ${event.type} event must be ${allowed.join(' or ')}`);
  if (event.type === 'authorization') {
    for (const name of ['api', 'operation', 'resource_type', 'resource_name'] as const) {
      if (event[name] === undefined || event[name] === null) throw errors.invalid(`${field(name)} is required in an authorization event`);
    }
  }
  return { time, firstTime, lastTime, count: event.count ?? 1 };
}

async function chunked<T>(ids: readonly string[], load: (slice: string[]) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  for (let i = 0; i < ids.length; i += 500) rows.push(...(await load(ids.slice(i, i + 500))));
  return rows;
}

export function createBrokerEvents(deps: BrokerEventsDeps) {
  const auditMode = deps.auditMode ?? 'all';

  async function knownKeys(events: readonly BrokerEvent[]): Promise<Map<string, KnownKey>> {
    const ids = [...new Set(events.map((event) => event.key).filter((key): key is string => typeof key === 'string' && KEY_ID.test(key)))];
    const rows = await chunked(ids, (slice) => deps.db.selectFrom('api_keys').select(['id', 'resource_id', 'owner_id']).where('id', 'in', slice).execute());
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** The deciding rules the items name, for the audit event's `rbacAuthorization` / `aclAuthorization`. */
  async function decidingRules(events: readonly BrokerEvent[]): Promise<Rules> {
    const idsOf = (kind: 'role-binding' | 'acl') => [...new Set(events.flatMap((event) => (event.type === 'authorization' && event.source?.kind === kind ? [event.source.id] : [])))];
    const [bindings, acls] = await Promise.all([
      chunked(idsOf('role-binding'), (slice) => deps.db.selectFrom('role_bindings').select(['id', 'crn_pattern', 'role_name']).where('id', 'in', slice).execute()),
      chunked(idsOf('acl'), (slice) =>
        deps.db.selectFrom('acls').select(['id', 'permission', 'operation', 'resource_type', 'resource_name', 'pattern_type', 'host']).where('id', 'in', slice).execute(),
      ),
    ]);
    return { bindings: new Map(bindings.map((row) => [row.id, row])), acls: new Map(acls.map((row) => [row.id, row])) };
  }

  function authorizationInfo(event: BrokerEvent, rules: Rules): Record<string, unknown> {
    const info: Record<string, unknown> = {
      granted: event.result === 'SUCCESS',
      operation: event.operation,
      resourceType: event.resource_type,
      resourceName: event.resource_name,
    };
    if (event.pattern_type) info.patternType = event.pattern_type;
    const source = event.source;
    if (source?.kind === 'role-binding') {
      const binding = rules.bindings.get(source.id);
      info.rbacAuthorization = {
        role: source.role ?? binding?.role_name ?? null,
        ...(binding ? { crnPattern: binding.crn_pattern } : {}),
        bindingId: source.id,
      };
    } else if (source?.kind === 'acl') {
      const acl = rules.acls.get(source.id);
      info.aclAuthorization = acl
        ? {
            permissionType: acl.permission,
            operation: acl.operation,
            resourceType: acl.resource_type,
            resourceName: acl.resource_name,
            patternType: acl.pattern_type,
            host: acl.host,
            aclId: source.id,
          }
        : { aclId: source.id };
    }
    return info;
  }

  return {
    /**
     * Records a batch the broker of `clusterId` sent (already authenticated as that cluster's KafkaBroker
     * and validated against `BrokerEventBatchSchema`). Throws a 422 naming the first bad item's field,
     * recording nothing; returns how many items were accepted.
     */
    async ingest(clusterId: string, events: readonly BrokerEvent[], request: RequestMetadata): Promise<{ accepted: number }> {
      if (events.length === 0) throw errors.invalid('events must hold at least one item');
      if (events.length > MAX_BROKER_EVENTS) throw errors.invalid(`events may hold at most ${MAX_BROKER_EVENTS} items, not ${events.length}`);
      const checked = events.map(checkItem);

      const cluster = await deps.db.selectFrom('clusters').select(['id', 'kind', 'environment_id']).where('id', '=', clusterId).executeTakeFirst();
      if (cluster?.kind !== 'kafka') throw errors.notFound('Kafka cluster', clusterId);
      const clusterParts = { organization: deps.organizationId, environment: cluster.environment_id };
      const subject = buildCrn({ ...clusterParts, cloudCluster: clusterId });
      const [keys, rules] = await Promise.all([knownKeys(events), decidingRules(events)]);

      events.forEach((event, index) => {
        const { time, firstTime, lastTime, count } = checked[index]!;
        const key = event.key !== undefined && event.key !== null ? keys.get(event.key) : undefined;
        const ownKey = key !== undefined && key.resource_id === clusterId ? key : undefined;
        if (event.result === 'SUCCESS' && ownKey) deps.lastUsed.touch(ownKey.id);

        let reason = event.result === 'SUCCESS' ? undefined : (event.reason ?? undefined);
        let principal = event.principal ?? undefined;
        if (event.type === 'authentication' && event.result === 'UNAUTHENTICATED' && key !== undefined && !ownKey && (reason === undefined || reason === 'INVALID_CREDENTIALS')) {
          reason = 'WRONG_RESOURCE';
          principal ??= principalOf(key.owner_id);
        }
        if (key !== undefined) deps.usage?.add(key.id, epochMinute(firstTime.getTime()), usageOutcome(event.result, reason), count);
        if (auditMode === 'off' || (auditMode === 'failures' && event.result === 'SUCCESS')) return;
        const details: Record<string, unknown> = { cluster: clusterId };
        if (event.broker) details.broker = event.broker;
        if (event.listener) details.listener = event.listener;
        if (event.client_id) details.clientId = event.client_id;

        const input: AuditInput = {
          type: event.type === 'authentication' ? 'io.keyward.authentication' : 'io.keyward.authorization',
          method: event.type === 'authentication' ? 'kafka.Authentication' : `kafka.${event.api}`,
          subject,
          principal,
          apiKey: event.key && KEY_ID.test(event.key) ? event.key : undefined,
          mechanism: event.mechanism ?? undefined,
          request: { clientAddress: event.client_address ?? undefined, requestId: request.requestId },
          status: event.result,
          reason,
          details,
          time,
          aggregate: { count, firstTime, lastTime },
        };
        if (event.type === 'authorization') {
          const resourceType = event.resource_type!;
          input.resourceName = kafkaResourceCrn({
            ...clusterParts,
            clusterId,
            resourceType,
            name: resourceType === 'CLUSTER' ? CLUSTER_RESOURCE_NAME : event.resource_name!,
          });
          input.authorization = authorizationInfo(event, rules);
        }
        deps.audit.record(input);
      });
      return { accepted: events.length };
    },
  };
}

export type BrokerEvents = ReturnType<typeof createBrokerEvents>;

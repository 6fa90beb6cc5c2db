import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/database.js';

/** A stored data-plane event, as much of it as the counting tests read. */
export interface DataPlaneEvent {
  type: string;
  time: string;
  data: {
    methodName: string;
    count?: number;
    firstTime?: string;
    lastTime?: string;
    authenticationInfo?: { principal: string | null; metadata: { identifier?: string; mechanism?: string } };
    authorizationInfo?: Record<string, unknown>;
    requestMetadata?: { clientAddress: string | null; requestId: string | null; userAgent: string | null };
    request?: Record<string, unknown>;
    result: { status: string; reason?: string };
  };
}

export async function dataPlaneEvents(db: Kysely<Database>, methods: readonly string[]): Promise<DataPlaneEvent[]> {
  const rows = await db.selectFrom('audit_events').select('event').where('method', 'in', [...methods]).orderBy('chain').orderBy('seq').execute();
  return rows.map((row) => JSON.parse(row.event) as DataPlaneEvent);
}

/** The verification code an event stands for (SUCCESS → VALID, UNAUTHORIZED → FORBIDDEN, else the reason). */
export function outcomeOf(event: DataPlaneEvent): string {
  const { status, reason } = event.data.result;
  if (status === 'SUCCESS') return 'VALID';
  if (status === 'UNAUTHORIZED') return 'FORBIDDEN';
  return reason ?? status;
}

/** A rate limiter's block event: it reports a block that started, not a request. */
export function isBlockEvent(event: DataPlaneEvent): boolean {
  return event.data.request?.blocked !== undefined;
}

/** Requests per `method outcome`, counted as DESIGN §4 says: the sum of data.count, 1 for an individual event. */
export function requestCounts(events: readonly DataPlaneEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of events) {
    if (isBlockEvent(event)) continue;
    const name = `${event.data.methodName} ${outcomeOf(event)}`;
    counts[name] = (counts[name] ?? 0) + (event.data.count ?? 1);
  }
  return counts;
}

/**
 * A Kafka broker's sync state as the console shows it, from `GET /keyward/v1/kafka/clusters/{id}/brokers`
 * (DESIGN §8): in sync, behind by some revisions, only sending events, or silent for a while.
 */
import type { KafkaBrokers, KafkaBrokerSync } from '../../../src/contract/index';

/** A broker that has not asked keyward anything for this long (and holds no change stream) is silent. */
export const SILENT_AFTER_MS = 5 * 60_000;

export type BrokerState = 'in sync' | 'behind' | 'events only' | 'silent';

export interface BrokerStatus {
  state: BrokerState;
  /** The badge's colour (styles.css badge-…): it only repeats the text. */
  tone: 'good' | 'warn' | 'bad' | 'info';
  /** What the state means for this broker, for the badge's tooltip. */
  detail: string;
}

const revisions = (n: number) => `${n.toLocaleString('en-US')} revision${n === 1 ? '' : 's'}`;

export function brokerStatus(broker: KafkaBrokerSync, now: number): BrokerStatus {
  const seen = Date.parse(broker.last_seen);
  if (!broker.streaming && Number.isFinite(seen) && now - seen > SILENT_AFTER_MS) {
    return { state: 'silent', tone: 'bad', detail: `No request from this broker for more than ${SILENT_AFTER_MS / 60_000} minutes and no open change stream` };
  }
  if (broker.lag === null) return { state: 'events only', tone: 'info', detail: 'This broker has only sent audit events; keyward has given it no replica' };
  if (broker.lag <= 0) return { state: 'in sync', tone: 'good', detail: 'The broker has the cluster\'s current revision' };
  return { state: 'behind', tone: 'warn', detail: `The broker is ${revisions(broker.lag)} behind the cluster` };
}

/** One line about a cluster's brokers: "3 brokers: 2 in sync, 1 behind". */
export function brokersSummary(brokers: KafkaBrokers, now: number): string {
  if (brokers.brokers.length === 0) return 'No broker has contacted keyward yet.';
  const counts = new Map<BrokerState, number>();
  for (const broker of brokers.brokers) {
    const { state } = brokerStatus(broker, now);
    counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  const order: BrokerState[] = ['in sync', 'behind', 'events only', 'silent'];
  const parts = order.filter((state) => counts.has(state)).map((state) => `${counts.get(state)} ${state}`);
  const total = brokers.brokers.length;
  return `${total} broker${total === 1 ? '' : 's'}: ${parts.join(', ')}.`;
}

import type { UsageOutcome } from '../../domain/usage.js';
import type { RequestMetadata } from '../context.js';

/** What the recorder needs of a data-plane request (a verify request without its secret). */
export interface DataPlaneAttempt {
  /** The key id the client presented (any string: it is an audit field only when well-formed). */
  key: string;
  method: string;
  mechanism: string;
  request: RequestMetadata;
  resource?: string;
  action?: { operation: string; resource_type: string; resource_name: string };
}

/** The request metadata of a tuple folded over client addresses: no one request's metadata speaks for it. */
export const NO_REQUEST: RequestMetadata = Object.freeze({ clientAddress: '', requestId: '', userAgent: '' });

/**
 * Requests counted as one aggregated event. `sample` is the first request's attempt (key: the existing
 * key's id, or '' when the tuple has none; no secret); `key` and `decision` are the first request's.
 */
export interface Tuple<K, D> {
  readonly sample: DataPlaneAttempt;
  readonly outcome: UsageOutcome;
  readonly key: K | undefined;
  readonly decision: D | undefined;
  /** Folded because the open tuples reached their bound: no key, resource or action. */
  readonly overflow: boolean;
  count: number;
  first: number;
  last: number;
}

function sameAction(a: DataPlaneAttempt['action'], b: DataPlaneAttempt['action']): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return a.operation === b.operation && a.resource_type === b.resource_type && a.resource_name === b.resource_name;
}

function find<K, D>(
  list: readonly Tuple<K, D>[],
  method: string,
  mechanism: string,
  outcome: UsageOutcome,
  resource: string | undefined,
  action: DataPlaneAttempt['action'],
): Tuple<K, D> | undefined {
  for (const tuple of list) {
    const s = tuple.sample;
    if (tuple.outcome === outcome && s.method === method && s.mechanism === mechanism && s.resource === resource && sameAction(s.action, action)) return tuple;
  }
  return undefined;
}

/**
 * The open tuples of one window. A request finds its tuple through maps keyed by strings it already
 * holds (client address, key id, then the action's resource name or the resource) and a scan of the
 * few tuples there, comparing fields with `===`: a repeated request allocates nothing.
 * Past `maxTuples` new combinations fold into one tuple per (method, client address, outcome), and past
 * as many folded ones into one per (method, outcome): counts stay exact, memory stays bounded.
 */
export class TupleTable<K, D> {
  private readonly byAddress = new Map<string, Map<string, Map<string, Tuple<K, D>[]>>>();
  private readonly folded = new Map<string, Tuple<K, D>[]>();
  private size = 0;
  private foldedSize = 0;

  constructor(private readonly maxTuples: number) {}

  get empty(): boolean {
    return this.size === 0 && this.foldedSize === 0;
  }

  /**
   * Counts one request. `keyId` ('' for none) is a member of the tuple, and so are the resource and
   * action when `detailed`.
   */
  add(attempt: DataPlaneAttempt, outcome: UsageOutcome, keyId: string, key: K | undefined, decision: D | undefined, detailed: boolean, now: number): void {
    const address = attempt.request.clientAddress;
    const resource = detailed ? attempt.resource : undefined;
    const action = detailed ? attempt.action : undefined;
    const name = action !== undefined ? action.resource_name : (resource ?? '');
    let byKey = this.byAddress.get(address);
    let byName = byKey?.get(keyId);
    let list = byName?.get(name);
    if (list !== undefined) {
      const tuple = find(list, attempt.method, attempt.mechanism, outcome, resource, action);
      if (tuple !== undefined) {
        tuple.count += 1;
        tuple.last = now;
        return;
      }
    }
    if (this.size >= this.maxTuples) return this.fold(attempt, outcome, now);
    if (byKey === undefined) this.byAddress.set(address, (byKey = new Map()));
    if (byName === undefined) byKey.set(keyId, (byName = new Map()));
    if (list === undefined) byName.set(name, (list = []));
    const sample: DataPlaneAttempt = { key: keyId, method: attempt.method, mechanism: attempt.mechanism, request: attempt.request, resource, action };
    list.push({ sample, outcome, key, decision, overflow: false, count: 1, first: now, last: now });
    this.size += 1;
  }

  private fold(attempt: DataPlaneAttempt, outcome: UsageOutcome, now: number): void {
    let address = attempt.request.clientAddress;
    let list = this.folded.get(address);
    if (list === undefined && this.foldedSize >= this.maxTuples) {
      address = '';
      list = this.folded.get(address);
    }
    const tuple = list && find(list, attempt.method, attempt.mechanism, outcome, undefined, undefined);
    if (tuple !== undefined) {
      tuple.count += 1;
      tuple.last = now;
      return;
    }
    if (list === undefined) this.folded.set(address, (list = []));
    const request = address === '' ? NO_REQUEST : attempt.request;
    list.push({ sample: { key: '', method: attempt.method, mechanism: attempt.mechanism, request }, outcome, key: undefined, decision: undefined, overflow: true, count: 1, first: now, last: now });
    this.foldedSize += 1;
  }

  /** Every tuple, the earliest first. */
  tuples(): Tuple<K, D>[] {
    const all: Tuple<K, D>[] = [];
    for (const byKey of this.byAddress.values()) for (const byName of byKey.values()) for (const list of byName.values()) all.push(...list);
    for (const list of this.folded.values()) all.push(...list);
    return all.sort((a, b) => a.first - b.first);
  }
}

/**
 * The keys table's rows, computed once per load: names resolved through the directory's maps, usage
 * looked up in one map built from the single usage request, and the text the search box matches.
 */
import type { ApiKeyState } from '../../../src/contract/index';
import { keyBadges, type KeyBadge } from './attention';
import { environmentName, ownerName, resourceName, type Directory } from './directory';
import type { ApiKey, UsageSummary } from './types';

export interface KeyUsageLine {
  totals: Readonly<Record<string, number>>;
  /** Authentications per bucket, oldest first (the sparkline). */
  perBucket: number[];
}

export interface KeyRow {
  key: ApiKey;
  id: string;
  owner: string;
  resource: string;
  environment: string;
  badges: KeyBadge[];
  /** undefined: no usage answer (yet); null: the key was not used in the window. */
  usage: KeyUsageLine | null | undefined;
  /** Lower-cased key id, description and owner, for the search box. */
  search: string;
}

const sum = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Per key id, its totals and per-bucket authentications. */
export function usageByKey(summary: UsageSummary): Map<string, KeyUsageLine> {
  const lines = new Map<string, KeyUsageLine>();
  for (const entry of summary.keys) lines.set(entry.key, { totals: entry.totals, perBucket: entry.buckets.map((b) => sum(b.counts)) });
  return lines;
}

export function buildKeyRows(keys: readonly ApiKey[], directory: Directory, usage: ReadonlyMap<string, KeyUsageLine> | undefined, now: number): KeyRow[] {
  return keys.map((key) => {
    const spec = key.spec;
    const line = usage === undefined ? undefined : (usage.get(key.id) ?? null);
    const owner = ownerName(directory, spec.owner);
    return {
      key,
      id: key.id,
      owner,
      resource: resourceName(directory, spec.resource),
      environment: environmentName(directory, spec.resource.environment),
      badges: keyBadges({ state: spec.state as ApiKeyState, expires_at: spec.expires_at }, line?.totals, now),
      usage: line,
      search: `${key.id} ${spec.description} ${owner} ${spec.owner.id}`.toLowerCase(),
    };
  });
}

import { ApiClient, resolveConnection } from '../client.js';
import { readConfigFile } from '../config.js';
import { escapeForTerminal } from '../terminal-text.js';
import type { ApiKey, Environment, KafkaCluster, ListOf, RoleBinding, SchemaRegistryCluster, ServiceAccount, User } from '../../contract/index.js';

/** A completion candidate: the word, and a few words about it for shells that show them. */
export type Candidate = [word: string, description: string];

/** One page (the first 100) is enough to complete from, and keeps a TAB quick on a large organization. */
const PAGE = '?page_size=100';

async function page<T>(client: ApiClient, path: string, describe: (item: T) => Candidate): Promise<Candidate[]> {
  return (await client.get<ListOf<T>>(path + PAGE)).data.map(describe);
}

const fromServer: Record<string, (client: ApiClient) => Promise<Candidate[]>> = {
  environment: (c) => page<Environment>(c, '/org/v2/environments', (e) => [e.id, `${e.display_name} (${e.stage})`]),
  'kafka-cluster': (c) => page<KafkaCluster>(c, '/cmk/v2/clusters', (k) => [k.id, k.spec.display_name]),
  'schema-registry-cluster': (c) => page<SchemaRegistryCluster>(c, '/srcm/v2/clusters', (s) => [s.id, s.spec.display_name]),
  user: (c) => page<User>(c, '/iam/v2/users', (u) => [u.id, u.email]),
  'service-account': (c) => page<ServiceAccount>(c, '/iam/v2/service-accounts', (sa) => [sa.id, sa.display_name]),
  'api-key': (c) => page<ApiKey>(c, '/iam/v2/api-keys', (k) => [k.id, k.spec.description]),
  'role-binding': (c) => page<RoleBinding>(c, '/iam/v2/role-bindings', (b) => [b.id, `${b.role_name} for ${b.principal}`]),
  /** What an API key is for: a Kafka or Schema Registry cluster, or `cloud` (keyward's own API). */
  resource: async (c) => [['cloud', "keyward's management API"], ...(await fromServer['kafka-cluster']!(c)), ...(await fromServer['schema-registry-cluster']!(c))],
};

/** The kinds of id the completion scripts can ask for (`keyward __complete KIND`). */
export const ID_KINDS = ['context', ...Object.keys(fromServer)] as const;

/** How long a TAB may wait for the server before it completes nothing. */
export const COMPLETION_TIMEOUT_MS = 2000;

/**
 * The candidates of one kind: context names from the config file, the rest from the current
 * context's server (one page, a short timeout). Unknown kinds and any failure give none: a
 * completion never prints an error into the middle of a command line.
 */
export async function idCandidates(kind: string, env: NodeJS.ProcessEnv = process.env): Promise<Candidate[]> {
  try {
    if (kind === 'context') {
      const config = readConfigFile(env);
      return safeCandidates(Object.entries(config.contexts).map(([name, context]) => [name, context.url ?? '']));
    }
    if (!Object.hasOwn(fromServer, kind)) return [];
    const load = fromServer[kind] as (client: ApiClient) => Promise<Candidate[]>;
    return safeCandidates(await load(new ApiClient(resolveConnection(env), COMPLETION_TIMEOUT_MS)));
  } catch {
    return [];
  }
}

/** The characters of every id and context name keyward makes; nothing a shell would expand or split. */
const SAFE_WORD = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/**
 * Candidates a shell may take as they are: words are what the server answers, and a shell's word
 * list may expand them (bash's `compgen -W` runs `$(…)`), so any word that is not plainly an id is
 * dropped; descriptions go on one line, with control characters escaped.
 */
export function safeCandidates(candidates: Candidate[]): Candidate[] {
  return candidates
    .filter(([word]) => SAFE_WORD.test(word))
    .map(([word, description]) => [word, escapeForTerminal(String(description)).replace(/\s+/g, ' ').trim()]);
}

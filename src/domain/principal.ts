/**
 * The one way a principal is written: `User:<id>` for a user (`u-…`) or a service account (`sa-…`),
 * as Kafka's ACLs and keyward's role bindings name them. Pure, so the server, the CLI and the console
 * share it (src/contract re-exports it).
 */
export const PRINCIPAL_PREFIX = 'User:';

/** The principal of a user or service account id. */
export function principalOf(id: string): string {
  return `${PRINCIPAL_PREFIX}${id}`;
}

/** The id a `User:<id>` principal names; any other string is returned as it is. */
export function principalId(principal: string): string {
  return principal.startsWith(PRINCIPAL_PREFIX) ? principal.slice(PRINCIPAL_PREFIX.length) : principal;
}

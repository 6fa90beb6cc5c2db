/**
 * What `/openapi.json` and `/docs` say about each operation: a summary, a description and, for an
 * operation with a request body, an example body the route accepts as it is (the ids in it are
 * realistic placeholders: sent to a fresh server they name objects that do not exist, and the
 * organization is a placeholder too, since `/openapi.json` answers without credentials). app.ts applies the table to every route as it is registered, so route files stay thin; test/api/openapi-docs.test.ts
 * fails when an operation is missing here or an example does not fit its schema.
 */
import type { FastifySchema } from 'fastify';
import { buildCrn, organizationCrn } from '../domain/crn.js';
import { MAX_USAGE_BUCKETS } from '../domain/usage.js';
import { MAX_SUMMARY_POINTS } from '../services/usage/usage-summary.js';
import { MAX_BROKER_EVENTS } from '../services/kafka/broker-events.js';

export interface OperationDoc {
  summary: string;
  description: string;
  /** An example request body; every operation that takes a JSON body has one (the token form's is in oauth.ts). */
  body?: unknown;
  /** Example answers by status, where one shows what a reader would otherwise have to try. */
  responses?: Record<string, unknown>;
}

/** Not the server's organization: the document is public, the organization id is not. */
export const EXAMPLE_ORGANIZATION = '6c1f3d2e-8a4b-4f7e-9d21-5b0a7c3e9f18';
const ENV = 'env-7kq2mz';
const LKC = 'lkc-3xw9pd';
const SA = 'sa-9wt4hq';
const KEY = 'HX4TGZ7QK2M9PRWA';
/** Shaped like a secret only at a glance: a real secret is never printed in the docs. */
const SECRET = 'kw_exampleSecretShownOnceAtCreation';

const DELETED = 'Answers 204; the `X-Keyward-Deleted` header counts what was deleted with it (API keys, role bindings, ACLs).';
const PAGED = 'Paged: `page_size` (1-100, default 10) and `page_token` from `metadata.next`.';

/**
 * Keyed by the method and the route as Fastify spells it (`:id`). The public URL is this server's, so
 * that the links in the examples are ones the reader can use.
 */
export function operationDocs({ publicUrl }: { publicUrl: string }): Readonly<Record<string, OperationDoc>> {
  const organization = EXAMPLE_ORGANIZATION;
  const metadata = (path: string, resourceName: string) => ({
    self: `${publicUrl}${path}`,
    resource_name: `${organizationCrn(organization)}/${resourceName}`,
    created_at: '2026-03-01T12:00:00.000Z',
    updated_at: '2026-03-01T12:00:00.000Z',
  });
  const ordersTopic = buildCrn({ organization, environment: ENV, cloudCluster: LKC, kafka: LKC, leaf: { type: 'topic', name: 'orders' } });
  return {
    // System
    'GET /healthz': { summary: 'Liveness', description: 'Answers 200 `{"status":"ok"}` while the process serves requests; no credentials, no database access.' },
    'GET /readyz': {
      summary: 'Readiness',
      description: 'Answers 200 when the database answers and no component reports a failure (audit writes that keep failing, a lost cross-instance invalidation connection); else 503 naming each problem.',
    },
    'GET /metrics': { summary: 'Prometheus metrics', description: 'The server\'s metrics in the Prometheus text format. Needs `metrics:read` (MetricsViewer or OrganizationAdmin).' },
    'GET /keyward/v1/whoami': {
      summary: 'Who the caller is',
      description: 'The principal of the cloud API key used for this request, its organization and the roles bound to it.',
      responses: { 200: { principal: 'User:u-4nd8rc', kind: 'user', id: 'u-4nd8rc', api_key: 'S71ANZPKVEYYM03K', organization, roles: ['OrganizationAdmin'] } },
    },
    // Console sessions (DESIGN §10)
    'POST /keyward/v1/sessions': {
      summary: 'Log in to the console',
      description:
        'Checks a cloud API key and its secret as HTTP Basic does (same brute-force guard; a failure is audited as `keyward.ManagementLogin`) and starts a session: ' +
        'the answer sets `keyward_session` (HttpOnly, SameSite=Strict, Path=/, Secure over HTTPS) and holds the `csrf_token` to send as `X-CSRF-Token` on every request that changes state. ' +
        'The session ends after 30 minutes without a request, 12 hours after login, or at once when its key or the key\'s owner is disabled, deleted or expires. Answers 201.',
      body: { key: 'S71ANZPKVEYYM03K', secret: 'kw_…' },
      responses: { 201: { principal: 'User:u-4nd8rc', csrf_token: 'Jc1ZbWx0dOvD1hEUfl7S0bQzOYk8l4vZrW3uX2aN9yE', expires_at: '2026-03-02T00:00:00.000Z' } },
    },
    'GET /keyward/v1/sessions/current': {
      summary: 'The current console session',
      description: 'The session of the request\'s `keyward_session` cookie, with its CSRF token again (the console asks after a page reload); 401 once it has ended, 404 for a request authenticated with HTTP Basic.',
    },
    'DELETE /keyward/v1/sessions/current': {
      summary: 'Log out of the console',
      description: 'Ends the session of the request\'s cookie (it needs `X-CSRF-Token`) and clears the cookie. Answers 204.',
    },
    'GET /openapi.json': { summary: 'This OpenAPI document', description: 'The OpenAPI 3.1 description of every route; `/docs` renders it.' },

    // Environments
    'GET /org/v2/environments': { summary: 'List environments', description: `The environments the caller may see. ${PAGED}` },
    'POST /org/v2/environments': {
      summary: 'Create an environment',
      description: 'Creates an environment; `stage` is production, staging or development (default development). Needs `environment:manage` on the organization.',
      body: { display_name: 'payments', stage: 'production' },
      responses: {
        201: { api_version: 'org/v2', kind: 'Environment', id: ENV, metadata: metadata(`/org/v2/environments/${ENV}`, `environment=${ENV}`), display_name: 'payments', stage: 'production' },
      },
    },
    'GET /org/v2/environments/:id': { summary: 'Describe an environment', description: 'One environment; an id the caller may not see answers 404.' },
    'PATCH /org/v2/environments/:id': {
      summary: 'Update an environment',
      description: 'Renames an environment or changes its stage; fields left out keep their value.',
      body: { display_name: 'payments-eu', stage: 'staging' },
    },
    'DELETE /org/v2/environments/:id': { summary: 'Delete an environment', description: 'Deletes an environment that holds no clusters (else 409). Answers 204.' },

    // Kafka clusters
    'GET /cmk/v2/clusters': { summary: 'List Kafka clusters', description: `The Kafka clusters the caller may see, optionally of one \`environment\`. ${PAGED}` },
    'POST /cmk/v2/clusters': {
      summary: 'Register a Kafka cluster',
      description:
        "Registers a Kafka cluster in an environment (default: the organization's default environment). `cloud` is aws, gcp, azure or self-managed; `availability` and `config.kind` take Confluent's spellings (SINGLE_ZONE, Basic) or keyward's (single-zone, basic).",
      body: {
        spec: {
          display_name: 'orders',
          cloud: 'aws',
          region: 'eu-west-1',
          availability: 'MULTI_ZONE',
          config: { kind: 'Standard' },
          kafka_bootstrap_endpoint: 'kafka-1.example.com:9092',
          environment: { id: ENV },
        },
      },
    },
    'GET /cmk/v2/clusters/:id': { summary: 'Describe a Kafka cluster', description: 'One Kafka cluster; an id the caller may not see answers 404.' },
    'PATCH /cmk/v2/clusters/:id': { summary: 'Rename a Kafka cluster', description: 'Changes `spec.display_name`.', body: { spec: { display_name: 'orders-eu' } } },
    'DELETE /cmk/v2/clusters/:id': { summary: 'Delete a Kafka cluster', description: `Deletes the cluster with its API keys, role bindings and ACLs. ${DELETED}` },

    // Schema Registry clusters
    'GET /srcm/v2/clusters': { summary: 'List Schema Registry clusters', description: `The Schema Registry clusters the caller may see, optionally of one \`environment\`. ${PAGED}` },
    'POST /srcm/v2/clusters': {
      summary: 'Register a Schema Registry cluster',
      description: "Registers a Schema Registry cluster in an environment (default: the organization's default environment); `http_endpoint` is an http:// or https:// URL.",
      body: { spec: { display_name: 'schemas', cloud: 'aws', region: 'eu-west-1', http_endpoint: 'https://schema-registry.example.com:8081', environment: { id: ENV } } },
    },
    'GET /srcm/v2/clusters/:id': { summary: 'Describe a Schema Registry cluster', description: 'One Schema Registry cluster; an id the caller may not see answers 404.' },
    'DELETE /srcm/v2/clusters/:id': { summary: 'Delete a Schema Registry cluster', description: `Deletes the cluster with its API keys and role bindings. ${DELETED}` },

    // Users
    'GET /iam/v2/users': { summary: 'List users', description: `The organization's users. ${PAGED}` },
    'POST /iam/v2/users': {
      summary: 'Create a user',
      description: 'Creates the user and its first cloud API key; `api_key.secret` is in this response only. Needs `user:manage`.',
      body: { email: 'jane.doe@example.com', full_name: 'Jane Doe' },
    },
    'GET /iam/v2/users/:id': { summary: 'Describe a user', description: 'One user.' },
    'PATCH /iam/v2/users/:id': { summary: 'Update a user', description: 'Changes `full_name`.', body: { full_name: 'Jane Q. Doe' } },
    'DELETE /iam/v2/users/:id': {
      summary: 'Delete a user',
      description: `Deletes the user with its API keys, role bindings and ACLs; the organization always keeps an enabled OrganizationAdmin (else 409). ${DELETED}`,
    },

    // Service accounts
    'GET /iam/v2/service-accounts': { summary: 'List service accounts', description: `The service accounts, optionally by exact \`display_name\`. ${PAGED}` },
    'POST /iam/v2/service-accounts': {
      summary: 'Create a service account',
      description: 'Creates a service account, the owner of keys for applications; `display_name` is unique (else 409). Needs `service-account:manage`.',
      body: { display_name: 'checkout-producer', description: 'Writes the orders topic from the checkout service' },
    },
    'GET /iam/v2/service-accounts/:id': { summary: 'Describe a service account', description: 'One service account; an id the caller may not see answers 404.' },
    'PATCH /iam/v2/service-accounts/:id': {
      summary: 'Update a service account',
      description: 'Changes `description` (at most 128 characters).',
      body: { description: 'Writes the orders and payments topics from the checkout service' },
    },
    'DELETE /iam/v2/service-accounts/:id': { summary: 'Delete a service account', description: `Deletes the account with its API keys, role bindings and ACLs, in one transaction. ${DELETED}` },
    'POST /keyward/v1/service-accounts/:id/disable': {
      summary: 'Disable a service account',
      description: 'Every key of the account stops authenticating at once (`DISABLED`), without being deleted. Takes no body.',
    },
    'POST /keyward/v1/service-accounts/:id/enable': { summary: 'Enable a service account', description: 'Its keys authenticate again (unless disabled themselves or expired). Takes no body.' },

    // API keys
    'GET /iam/v2/api-keys': {
      summary: 'List API keys',
      description: `The API keys the caller may see, optionally by \`spec.owner\`, \`spec.resource\`, \`environment\` and \`status\` (active, disabled, expired); never a secret. ${PAGED}`,
    },
    'POST /iam/v2/api-keys': {
      summary: 'Create an API key',
      description:
        "Creates a key for one resource: a Kafka cluster (lkc-…), a Schema Registry (lsrc-…) or `cloud` (the management API). `owner` defaults to the caller; `expires_in` (a duration such as 90d) or `expires_at` (RFC 3339), within the policy's `max_key_lifetime`. `spec.secret` is in this response only.",
      body: {
        spec: {
          display_name: 'checkout-producer orders',
          description: 'Produces to orders from the checkout service',
          owner: { id: SA },
          resource: { id: LKC },
          expires_in: '90d',
        },
      },
      responses: {
        201: {
          api_version: 'iam/v2',
          kind: 'ApiKey',
          id: KEY,
          metadata: metadata(`/iam/v2/api-keys/${KEY}`, `api-key=${KEY}`),
          spec: {
            display_name: 'checkout-producer orders',
            description: 'Produces to orders from the checkout service',
            owner: { id: SA, kind: 'ServiceAccount', email: '<service account>' },
            resource: { id: LKC, kind: 'Cluster', environment: ENV },
            status: 'ACTIVE',
            state: 'active',
            expires_at: '2026-05-30T12:00:00.000Z',
            last_used: null,
            replaces: null,
            replaced_by: null,
            secret: SECRET,
          },
        },
      },
    },
    'GET /iam/v2/api-keys/:id': { summary: 'Describe an API key', description: 'One API key, its state, owner, resource, expiry and last use; never its secret.' },
    'PATCH /iam/v2/api-keys/:id': {
      summary: 'Update an API key',
      description: 'Changes `spec.display_name` and `spec.description`; fields left out keep their value.',
      body: { spec: { display_name: 'checkout-producer orders', description: 'Produces to orders; owned by the checkout team' } },
    },
    'DELETE /iam/v2/api-keys/:id': { summary: 'Delete an API key', description: 'The key stops authenticating at once and is gone. Answers 204.' },
    'POST /keyward/v1/api-keys/:id/disable': {
      summary: 'Disable an API key',
      description: 'The key stops authenticating at once (`DISABLED`) and can be enabled again; who disabled it (owner, admin, leak) decides who may. Takes no body.',
    },
    'POST /keyward/v1/api-keys/:id/enable': { summary: 'Enable an API key', description: 'A disabled key authenticates again, unless it expired. Takes no body.' },
    'POST /keyward/v1/api-keys/:id/rotate': {
      summary: 'Rotate an API key',
      description:
        "Creates the key's replacement for the same resource (its secret in this response only) and schedules the old key's expiry after `grace` (0 to 7d, default 24h), so clients can switch over. `service_account` issues the replacement to that service account instead of the old key's owner. No body means the defaults.",
      body: { grace: '24h' },
    },
    'GET /keyward/v1/api-keys/:id/usage': {
      summary: "An API key's authentications over time, per outcome",
      description:
        `Counts of the key's data-plane authentications (verify, auth/basic, OAuth token, and what Kafka brokers report) per outcome, in ` +
        `UTC-aligned buckets: every bucket from the one \`since\` falls in (a duration D: the last ceil(D / bucket)) to the current one, ` +
        `at most ${MAX_USAGE_BUCKETS} (else 422 naming the limit). A minute's counts appear within a few seconds after that minute ends. ` +
        'Whoever may describe the key may read its usage; any other key is 404.',
    },
    'GET /keyward/v1/usage': {
      summary: "The organization's API key authentications over time, in all and per key",
      description:
        'The counts of `GET /keyward/v1/api-keys/{id}/usage`, with its `since` and `bucket` rules, for every API key the caller may read ' +
        '(those `GET /iam/v2/api-keys` lists to it): `totals` and `data` sum them, `keys` gives each key used in the window (by id, every bucket, ' +
        `zeros included); keys without use are left out. At most ${MAX_USAGE_BUCKETS} buckets, and at most ${MAX_SUMMARY_POINTS} key × bucket points (else 422 naming the limit).`,
    },

    // Role bindings
    'GET /iam/v2/role-bindings': {
      summary: 'List role bindings',
      description: `Role bindings, optionally by \`principal\`, \`role_name\` and \`crn_pattern\` (a prefix with a trailing \`*\`). ${PAGED}`,
    },
    'POST /iam/v2/role-bindings': {
      summary: 'Bind a role',
      description:
        'Grants `role_name` to `principal` (`User:u-…` or `User:sa-…`) on the resources `crn_pattern` names: a CRN, or a prefix ending in `*`. The caller needs authority over everything the binding grants.',
      body: { principal: `User:${SA}`, role_name: 'DeveloperWrite', crn_pattern: ordersTopic },
    },
    'GET /iam/v2/role-bindings/:id': { summary: 'Describe a role binding', description: 'One role binding.' },
    'GET /keyward/v1/access/check': {
      summary: 'Would the data plane allow this? (access check)',
      description:
        'Decides, with the authorizer and the request the data plane uses for a key of `cluster`, whether `principal` (`User:<id>` of an existing user or service account, else 422) ' +
        'may do `operation` on `resource_type` `resource_name` (TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID on a Kafka cluster; SUBJECT on a Schema Registry cluster), and answers ' +
        '`allowed`, the data plane\'s `reason` and the `rule` that decided: the granting role binding, the granting ALLOW ACL or the refusing DENY ACL (a DENY wins), or null when nothing grants. ' +
        '`host` is the client address host-bound ACLs are matched against. A what-if question: nothing is audited as an authorization. The caller needs to read the ' +
        "cluster's role bindings and ACLs: a cluster it may not read is 404, one whose bindings or ACLs it may not read 403.",
    },
    'DELETE /iam/v2/role-bindings/:id': { summary: 'Delete a role binding', description: 'The principal loses what the binding granted at once; the last OrganizationAdmin binding cannot go (409). Answers 204.' },

    // Kafka ACLs
    'GET /kafka/v3/clusters/:cluster_id/acls': { summary: "List a cluster's ACLs", description: "The cluster's ACLs matching the filters (each optional)." },
    'POST /kafka/v3/clusters/:cluster_id/acls': {
      summary: 'Create ACLs',
      description: 'Creates one ACL (an object) or up to 100 (an array), in one transaction. `pattern_type` is LITERAL (default) or PREFIXED, `host` defaults to `*`.',
      body: { resource_type: 'TOPIC', resource_name: 'orders', pattern_type: 'LITERAL', principal: `User:${SA}`, host: '*', operation: 'WRITE', permission: 'ALLOW' },
    },
    'DELETE /kafka/v3/clusters/:cluster_id/acls': {
      summary: 'Delete ACLs',
      description: 'Deletes every ACL of the cluster matching the filters and answers them; `resource_type` is required (ANY matches every type).',
    },

    // Policy, advisor, leaks
    'GET /keyward/v1/policy': {
      summary: "The organization's key policy",
      description: 'Key lifetime cap, the production rule for service-account keys, the key count cap and the advisor thresholds.',
      responses: { 200: { max_key_lifetime: '90d', require_service_account_keys_in_production: true, max_keys_per_owner_resource: 10, unused_key_days: 90, rotation_days: 90 } },
    },
    'PATCH /keyward/v1/policy': {
      summary: "Change the organization's key policy",
      description: 'Changes the fields given; `max_key_lifetime` null removes the cap. Needs `policy:manage`.',
      body: { max_key_lifetime: '90d', require_service_account_keys_in_production: true, max_keys_per_owner_resource: 3, unused_key_days: 30, rotation_days: 90 },
    },
    'GET /keyward/v1/advisor/findings': {
      summary: "The advisor's findings",
      description: 'Best-practice findings over the keys the caller may see (unused keys, keys due for rotation, user keys in production, …), each with a runnable remediation; `severity` keeps those at or above it.',
    },
    'POST /keyward/v1/leaks': {
      summary: 'Report leaked secrets',
      description:
        "Takes reports in GitHub's secret-scanning partner shape. Every token that is the secret of a key disables that key and is audited (the url and source, never the token); each report is answered `true_positive` or `false_positive`. `dry_run=true` classifies only.",
      body: [{ token: SECRET, type: 'keyward_api_secret', url: 'https://github.com/example/checkout/blob/4f2a9c1/config/kafka.properties', source: 'content' }],
    },

    // OAuth 2.0
    'POST /oauth2/token': {
      summary: 'Issue an access token (OAuth 2.0 client credentials)',
      description:
        'RFC 6749 §4.4: client id = API key, client secret = API secret, by HTTP Basic (`client_secret_basic`) or in the form (`client_secret_post`). Returns an ES256 JWT whose `aud` is the key\'s resource; errors are RFC 6749 error bodies. Unrecognized parameters are ignored (RFC 6749 §3.2).',
    },
    'GET /.well-known/jwks.json': { summary: 'Token signing keys (JWKS)', description: 'The public keys that verify access tokens, including retired keys whose tokens may still be valid.' },
    'GET /.well-known/openid-configuration': { summary: 'Authorization server metadata (OpenID form)', description: 'The issuer, token endpoint, JWKS URI and supported methods, for clients that discover by OpenID configuration.' },
    'GET /.well-known/oauth-authorization-server': { summary: 'Authorization server metadata (RFC 8414)', description: 'The issuer, token endpoint, JWKS URI and supported methods.' },
    'POST /keyward/v1/signing-keys/rotate': {
      summary: 'Rotate the token signing key',
      description: 'New tokens are signed with a new key; the old public keys stay in the JWKS until their tokens expire. Needs `signing-key:manage`. Takes no body.',
    },

    // Audit log
    'GET /keyward/v1/audit-events': {
      summary: 'List audit events',
      description: 'CloudEvents, newest first, in keyset pages (`limit`, `page_token`); filters by key, principal, type, result, `target` (the management events about one object: who created, rotated, disabled or deleted it) and time window. Needs `audit:read`.',
    },
    'GET /keyward/v1/audit-events/export': { summary: 'Export audit events', description: 'Every matching event, oldest first, as CloudEvents JSON lines (application/x-ndjson), streamed.' },
    'GET /keyward/v1/audit-events/verify': { summary: 'Verify the audit log', description: 'Checks every hash chain against the chain registry and the latest stored checkpoint; `ok` false names the first break.' },
    'POST /keyward/v1/audit-events/verify': {
      summary: 'Verify the audit log against a checkpoint',
      description:
        'Verifies as GET does (`{}`) and, given `anchor` (a checkpoint document as `keyward audit-log checkpoint` wrote it, shipped out of the database), that every chain it lists still exists with at least its head and that the events up to that head still hash to it.',
      // A checkpoint is signed by the server that wrote it, and its hashes are digests (never shown in these
      // docs): the example is the body without an anchor; the anchor is the file `keyward audit-log checkpoint` wrote.
      body: {},
    },
    'POST /keyward/v1/audit-events/checkpoint': {
      summary: 'Sign an audit checkpoint',
      description: "Verifies the whole log, then signs and stores a checkpoint of every chain's head (422 if the log does not verify). Same permission as verify. Takes no body.",
    },

    // Kafka broker plugin
    'GET /keyward/v1/kafka/clusters/:id/replica': {
      summary: "The cluster's replica for its brokers: keys (with secret hashes) and compiled grants",
      description:
        'Only for a key of this cluster whose owner holds KafkaBroker on it (else 403; bad credentials 401). `Cache-Control: no-store`; never logged. ' +
        'The plugin names its broker in `X-Keyward-Broker` (its node.id; optional) on this, the stream and the events requests: `…/brokers` shows each broker\'s sync state.',
    },
    'GET /keyward/v1/kafka/clusters/:id/replica/stream': {
      summary: "The cluster's replica changes as they commit (text/event-stream)",
      description: [
        'Server-sent events after the revision `since` (`Last-Event-ID` overrides it): `retry: 1000`, then a `heartbeat`',
        '`{"revision","time"}` at once and every 5 s; `change` frames (`id:` the revision) `{"revision","keys":[…],',
        '"deleted_keys":[…],"owners":[{"id","kind","status":"ACTIVE|DISABLED|DELETED"}],"grants":[{"principal","grants":[…]}]}`',
        'as changes commit on any instance; a `resync` `{"revision"}` (and the end of the stream) when `since` is older than',
        'the change log, newer than the current revision, or a change cannot be expressed per principal.',
      ].join(' '),
    },
    'GET /keyward/v1/kafka/clusters/:id/brokers': {
      summary: "The cluster's brokers' sync state: the revision each holds, its lag, its stream",
      description: [
        'For anyone who may read the Kafka cluster (as `GET /cmk/v2/clusters/{id}`; otherwise 404). One entry per broker that has',
        "called keyward, named by the plugin's `X-Keyward-Broker` header (its node.id; a plugin that does not send it appears as",
        '`unknown@<client address>`): `revision` is what keyward last gave it (the replica served, or the last revision its change',
        'stream reached), `lag` the current revision minus it, `streaming` whether an instance holds its open change stream.',
        'Recorded from the broker\'s requests on any instance, throttled (a few seconds behind at most).',
      ].join(' '),
    },
    'POST /keyward/v1/kafka/clusters/:id/events': {
      summary: "The broker's authentication and authorization events, written to the audit log",
      description:
        `A JSON array of 1 to ${MAX_BROKER_EVENTS} items; each becomes one audit event (methodName kafka.Authentication or kafka.<Api>), successes move the key's last_used. ` +
        "422 names the first bad item's field. Fields an item does not define are accepted and ignored (a newer plugin may send more).",
      body: [
        {
          type: 'authorization',
          time: '2026-03-01T12:00:00Z',
          key: KEY,
          principal: `User:${SA}`,
          result: 'SUCCESS',
          api: 'Produce',
          operation: 'WRITE',
          resource_type: 'TOPIC',
          resource_name: 'orders',
          pattern_type: 'LITERAL',
          client_address: '10.0.4.17',
          client_id: 'checkout-producer-1',
          listener: 'SASL_SSL',
          broker: '1',
          count: 1250,
          first_time: '2026-03-01T11:59:00Z',
          last_time: '2026-03-01T12:00:00Z',
          source: { kind: 'role-binding', id: 'rb-2mf6ks', role: 'DeveloperWrite' },
        },
      ],
    },

    // Data plane
    'POST /keyward/v1/verify': {
      summary: "Verify a client's key and secret",
      description:
        'The client\'s own credentials are the authentication. 200 `{"valid":true,…}` or `{"valid":false,"code":…}` (INVALID_CREDENTIALS for an unknown key and a wrong secret alike, EXPIRED, DISABLED, WRONG_RESOURCE, FORBIDDEN); 429 RATE_LIMITED; 400 for a malformed body, unknown fields included. `action` also decides a Kafka operation.',
      body: { key: KEY, secret: SECRET, resource: LKC, action: { operation: 'WRITE', resource_type: 'TOPIC', resource_name: 'orders' } },
      responses: {
        200: {
          valid: true,
          code: 'VALID',
          key: KEY,
          principal: `User:${SA}`,
          owner: { id: SA, kind: 'ServiceAccount' },
          resource: { id: LKC, type: 'kafka', environment: ENV },
          expires_at: '2026-05-30T12:00:00.000Z',
          authorization: { granted: true, reason: `role binding rb-2mf6ks (DeveloperWrite on ${ordersTopic}) grants WRITE to User:${SA}` },
        },
      },
    },
    'GET /keyward/v1/auth/basic': {
      summary: 'Check HTTP Basic credentials (nginx auth_request)',
      description:
        '`Authorization: Basic base64(key:secret)` and `resource` (required): 204 with `X-Keyward-Principal` and `X-Keyward-Key`; 401 with a Basic challenge; 403 for a wrong resource or a denied action.',
    },
  };
}


/**
 * The route's schema with its operation's summary, description and example body from the table. A
 * text the route gives itself is kept; a route missing from the table is left as it is.
 */
export function withOperationDocs(docs: Readonly<Record<string, OperationDoc>>, method: string, url: string, schema: FastifySchema | undefined): FastifySchema | undefined {
  const doc = docs[`${method} ${url}`];
  if (doc === undefined) return schema;
  const documented: FastifySchema = { summary: doc.summary, description: doc.description, ...schema };
  const body = documented.body as Record<string, unknown> | undefined;
  if (body !== undefined && doc.body !== undefined && body.examples === undefined) documented.body = { ...body, examples: [doc.body] };
  const responses = documented.response as Record<string, Record<string, unknown>> | undefined;
  if (responses !== undefined && doc.responses !== undefined) {
    documented.response = {
      ...responses,
      ...Object.fromEntries(Object.entries(doc.responses).flatMap(([status, example]) => {
        const response = responses[status];
        return response === undefined || response.examples !== undefined ? [] : [[status, { ...response, examples: [example] }]];
      })),
    };
  }
  return documented;
}

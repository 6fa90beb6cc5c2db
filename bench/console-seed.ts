/**
 * The README's seed workflow (step 0) through the management API, shared by the console's browser
 * tests (test/console/), its benchmark and the README screenshot (bench/console*.ts): a Kafka cluster,
 * two service accounts, and app1's existing key for the cluster.
 */

export interface Credentials {
  key: string;
  secret: string;
}

export interface Seed {
  cluster: { id: string; name: string; environment: string };
  app1: { id: string; name: string };
  app2: { id: string; name: string };
  /** app1's "Kafka API key - existing" on the cluster. */
  existingKey: Credentials;
}

/** A management API call as the admin (HTTP Basic), from Node; fails on any status but `expect`. */
export async function call<T = unknown>(baseUrl: string, admin: Credentials, method: string, path: string, body?: unknown, expect = [200, 201, 204]): Promise<T> {
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers: {
      Authorization: `Basic ${Buffer.from(`${admin.key}:${admin.secret}`).toString('base64')}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!expect.includes(response.status)) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** Creates an API key as the admin; without `owner` it is the admin's own. */
export async function createKey(baseUrl: string, admin: Credentials, resource: string, description: string, owner?: string): Promise<Credentials> {
  const created = await call<{ id: string; spec: { secret: string } }>(baseUrl, admin, 'POST', '/iam/v2/api-keys', {
    spec: { resource: { id: resource }, ...(owner === undefined ? {} : { owner: { id: owner } }), description },
  });
  return { key: created.id, secret: created.spec.secret };
}

/** POST /keyward/v1/verify with a key, as an application would: the answer's `valid`. */
export async function verify(baseUrl: string, credentials: Credentials, resource: string): Promise<boolean> {
  const response = await fetch(new URL('/keyward/v1/verify', baseUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ key: credentials.key, secret: credentials.secret, resource }),
    signal: AbortSignal.timeout(10_000),
  });
  return ((await response.json()) as { valid: boolean }).valid;
}

export async function seedWorkflow(baseUrl: string, admin: Credentials): Promise<Seed> {
  const cluster = await call<{ id: string; spec: { display_name: string; environment: { id: string } } }>(baseUrl, admin, 'POST', '/cmk/v2/clusters', {
    spec: { display_name: 'psd-basic-azure', cloud: 'azure', region: 'centralus' },
  });
  const account = (name: string, description: string) =>
    call<{ id: string; display_name: string }>(baseUrl, admin, 'POST', '/iam/v2/service-accounts', { display_name: name, description }).then((sa) => ({ id: sa.id, name: sa.display_name }));
  const app1 = await account('app1-service-account', 'app1 service account');
  const app2 = await account('app2-service-account', 'app2 service account');
  const existingKey = await createKey(baseUrl, admin, cluster.id, 'Kafka API key - existing', app1.id);
  return { cluster: { id: cluster.id, name: cluster.spec.display_name, environment: cluster.spec.environment.id }, app1, app2, existingKey };
}

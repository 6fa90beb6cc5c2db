import * as oauth from 'oauth4webapi';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../helpers/databases.js';
import { runCli, startServerProcess, type ServerProcess } from '../helpers/cli.js';

describe.each(DIALECTS)('OAuth 2.0 client credentials with real client libraries on $name', ({ name, skip, create }) => {
  let db: TestDatabase;
  let server: ServerProcess;
  let as: oauth.AuthorizationServer;
  let lkc: string;
  let saId: string;
  const insecure = { [oauth.allowInsecureRequests]: true };

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { authorization: 'Basic ' + Buffer.from(`${server.key}:${server.secret}`).toString('base64'), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return (res.status === 204 ? {} : await res.json()) as Record<string, any>;
  };
  const newKey = async (resource: string) => {
    const created = await api('POST', '/iam/v2/api-keys', { spec: { resource: { id: resource }, owner: { id: saId } } });
    return { key: created.id as string, secret: (created.spec as { secret: string }).secret };
  };
  const token = async (k: { key: string; secret: string }, auth: 'basic' | 'post' = 'basic') => {
    const client: oauth.Client = { client_id: k.key };
    const clientAuth = auth === 'basic' ? oauth.ClientSecretBasic(k.secret) : oauth.ClientSecretPost(k.secret);
    const response = await oauth.clientCredentialsGrantRequest(as, client, clientAuth, new URLSearchParams({ scope: 'kafka' }), insecure);
    return oauth.processClientCredentialsResponse(as, client, response);
  };
  /** RFC 6749 §5.2: Basic authentication that fails is a 401 challenge with an invalid_client body. */
  const expectInvalidClient = async (attempt: Promise<unknown>) => {
    const error = (await attempt.then(() => undefined, (e: unknown) => e)) as oauth.WWWAuthenticateChallengeError | undefined;
    expect(error?.name).toBe('WWWAuthenticateChallengeError');
    expect(error?.status).toBe(401);
    expect(error?.cause[0]?.scheme).toBe('basic');
    expect(await error?.response.json()).toMatchObject({ error: 'invalid_client' });
  };
  /** The checks a Kafka broker makes (KIP-768): signature from the JWKS, issuer, audience, exp, sub, alg. */
  const brokerVerifies = (jwt: string, audience: string) =>
    jwtVerify(jwt, createRemoteJWKSet(new URL(as.jwks_uri as string), { cacheMaxAge: 0, cooldownDuration: 0 }), { issuer: server.url, audience, algorithms: ['ES256'], requiredClaims: ['exp', 'sub', 'iat'] });

  beforeAll(async () => {
    if (skip) return;
    db = await create();
    server = await startServerProcess(db.options.databaseUrl ? ['--database-url', db.options.databaseUrl] : ['--data-dir', db.options.dataDir as string]);
    lkc = (await api('POST', '/cmk/v2/clusters', { spec: { display_name: 'orders', cloud: 'aws', region: 'r' } })).id;
    saId = (await api('POST', '/iam/v2/service-accounts', { display_name: 'orders-app', description: 'd' })).id;
    const issuer = new URL(server.url);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it.skipIf(skip)(`discovers the server through both metadata documents (${name})`, async () => {
    expect(as.issuer).toBe(server.url);
    expect(as.token_endpoint).toBe(`${server.url}/oauth2/token`);
    const rfc8414 = await oauth.processDiscoveryResponse(new URL(server.url), await oauth.discoveryRequest(new URL(server.url), { algorithm: 'oauth2', ...insecure }));
    expect(rfc8414.jwks_uri).toBe(`${server.url}/.well-known/jwks.json`);
    expect(rfc8414.grant_types_supported).toEqual(['client_credentials']);
  });

  it.skipIf(skip)(`issues ES256 tokens a Kafka broker accepts, with client_secret_basic and client_secret_post (${name})`, async () => {
    const k = await newKey(lkc);
    for (const method of ['basic', 'post'] as const) {
      const result = await token(k, method);
      expect(result.token_type).toBe('bearer');
      expect(result.expires_in).toBe(900);
      const { payload, protectedHeader } = await brokerVerifies(result.access_token, lkc);
      expect(protectedHeader.alg).toBe('ES256');
      expect(protectedHeader.kid).toBeTruthy();
      expect(payload).toMatchObject({ iss: server.url, sub: saId, aud: lkc, scope: 'kafka', key_id: k.key });
      expect(typeof payload.jti).toBe('string');
      expect(payload.nbf).toBe(payload.iat);
      expect((payload.exp as number) - (payload.iat as number)).toBe(900);
      await expect(brokerVerifies(result.access_token, 'lkc-zzzzzz')).rejects.toThrow(/aud/);
    }
  });

  it.skipIf(skip)(`a token requested without a scope (or a blank one) carries no scope claim, which Kafka would refuse (${name})`, async () => {
    const k = await newKey(lkc);
    for (const body of [`grant_type=client_credentials&client_id=${k.key}&client_secret=${k.secret}`, `grant_type=client_credentials&client_id=${k.key}&client_secret=${k.secret}&scope=%20`]) {
      const response = await fetch(`${server.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      expect(response.status).toBe(200);
      const result = (await response.json()) as { access_token: string; scope?: string };
      expect(result).not.toHaveProperty('scope');
      const { payload } = await brokerVerifies(result.access_token, lkc);
      expect(payload).not.toHaveProperty('scope');
      expect(payload).toMatchObject({ sub: saId, aud: lkc, key_id: k.key });
    }
  });

  it.skipIf(skip)(`refuses bad clients and grants with RFC 6749 errors (${name})`, async () => {
    const k = await newKey(lkc);
    await expectInvalidClient(token({ key: k.key, secret: 'kw_wrong' }));
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
    const unsupported = await post(`grant_type=password&client_id=${k.key}&client_secret=${k.secret}`);
    expect(unsupported.status).toBe(400);
    expect(await unsupported.json()).toMatchObject({ error: 'unsupported_grant_type' });
    const badScope = await post(`grant_type=client_credentials&client_id=${k.key}&client_secret=${k.secret}&scope=${encodeURIComponent('a\\b')}`);
    expect(badScope.status).toBe(400);
    expect(await badScope.json()).toMatchObject({ error: 'invalid_scope' });
    const noClient = await post('grant_type=client_credentials');
    expect(noClient.status).toBe(401);
    expect(await noClient.json()).toMatchObject({ error: 'invalid_client' });
    expect(noClient.headers.get('cache-control')).toBe('no-store');
  });

  it.skipIf(skip)(`keeps old tokens verifying after the signing key rotates (${name})`, async () => {
    const k = await newKey(lkc);
    const before = (await token(k)).access_token;
    const rotated = await runCli(['server', 'rotate-signing-key', '-o', 'json'], server.env);
    expect(rotated.code, rotated.stderr).toBe(0);
    const { kid, retired } = JSON.parse(rotated.stdout);
    expect(retired).toContain(decodeProtectedHeader(before).kid);
    const after = (await token(k)).access_token;
    expect(decodeProtectedHeader(after).kid).toBe(kid);
    await expect(brokerVerifies(before, lkc)).resolves.toBeTruthy();
    await expect(brokerVerifies(after, lkc)).resolves.toBeTruthy();
    const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string; d?: string }> };
    expect(jwks.keys.map((j) => j.kid)).toEqual(expect.arrayContaining([kid, ...retired]));
    for (const j of jwks.keys) expect(j).not.toHaveProperty('d');
  });

  it.skipIf(skip)(`refuses a token for a deleted key (${name})`, async () => {
    const k = await newKey(lkc);
    await token(k);
    await api('DELETE', `/iam/v2/api-keys/${k.key}`);
    await expectInvalidClient(token(k));
  });
});

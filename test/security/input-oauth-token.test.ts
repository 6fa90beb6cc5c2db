import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { DIALECTS } from '../helpers/databases.js';
import { basic, startTestServer, type TestServer } from '../helpers/runtime.js';

/** RFC 6749 §5.2: every failure of the token endpoint is `{error, error_description}` JSON. */
function expectOAuthError(res: LightMyRequestResponse, status: number, error: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json() as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  expect(body.error).toBe(error);
  expect(typeof body.error_description).toBe('string');
  expect(String(body.error_description)).not.toMatch(/FST_ERR|Internal/);
  expect(res.headers['cache-control']).toBe('no-store');
}

describe.each(DIALECTS)('POST /oauth2/token with any body ($name)', ({ skip, create }) => {
  let h: TestServer;
  let key: { key: string; secret: string };

  beforeAll(async () => {
    if (skip) return;
    h = await startTestServer(await create());
    const lkc = (await h.call({ method: 'POST', url: '/cmk/v2/clusters', payload: { spec: { display_name: 'c', cloud: 'aws', region: 'r' } } })).json().id as string;
    const sa = (await h.call({ method: 'POST', url: '/iam/v2/service-accounts', payload: { display_name: 'oauth-input', description: 'd' } })).json().id as string;
    const created = (await h.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id: lkc }, owner: { id: sa } } } })).json();
    key = { key: created.id as string, secret: created.spec.secret as string };
  });
  afterAll(async () => h?.close());

  const token = (payload: string | Buffer | undefined, headers: Record<string, string> = {}) => h.call({ method: 'POST', url: '/oauth2/token', auth: null, headers, payload });
  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  it.skipIf(skip)('answers bodies that are not form-encoded with invalid_request, never a framework 500', async () => {
    const cases: Array<[string, string | Buffer | undefined]> = [
      ['application/json', JSON.stringify({ grant_type: 'client_credentials', client_id: 'a', client_secret: 'b' })],
      ['application/xml', '<grant_type>client_credentials</grant_type>'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\nclient_credentials\r\n--x--\r\n'],
      ['text/plain', 'grant_type=client_credentials'],
      ['application/octet-stream', Buffer.from([0, 1, 2, 255])],
      [';;;garbage', 'x'],
    ];
    for (const [contentType, payload] of cases) expectOAuthError(await token(payload, { 'content-type': contentType }), 400, 'invalid_request');
    // a body with no content type at all
    expectOAuthError(await token('grant_type=client_credentials'), 400, 'invalid_request');
    // form-encoded but not UTF-8, a NUL in a parameter, a parameter sent twice (RFC 6749 §3.2)
    expectOAuthError(await token(Buffer.concat([Buffer.from('grant_type=client_credentials&scope='), Buffer.from([0xff, 0xfe])]), form), 400, 'invalid_request');
    expectOAuthError(await token(`grant_type=client_credentials&client_id=${key.key}%00&client_secret=${key.secret}`, form), 400, 'invalid_request');
    expectOAuthError(await token('grant_type=client_credentials&grant_type=client_credentials', form), 400, 'invalid_request');
  });

  it.skipIf(skip)('answers an empty body with invalid_request', async () => {
    expectOAuthError(await token(undefined), 400, 'invalid_request');
    expectOAuthError(await token('', form), 400, 'invalid_request');
  });

  it.skipIf(skip)('answers a body over 1 MiB with 413 and an RFC 6749 body', async () => {
    expectOAuthError(await token(`grant_type=client_credentials&scope=${'a'.repeat(1024 * 1024)}`, form), 413, 'invalid_request');
    expectOAuthError(await token(JSON.stringify({ a: 'b'.repeat(1024 * 1024) }), { 'content-type': 'application/json' }), 413, 'invalid_request');
  });

  it.skipIf(skip)('answers unsupported_grant_type and invalid_client, with a Basic challenge only when Basic was tried', async () => {
    expectOAuthError(await token('grant_type=password', form), 400, 'unsupported_grant_type');

    const post = await token(`grant_type=client_credentials&client_id=${key.key}&client_secret=${key.secret}x`, form);
    expectOAuthError(post, 401, 'invalid_client');
    expect(post.headers['www-authenticate']).toBeUndefined();

    const none = await token('grant_type=client_credentials', form);
    expectOAuthError(none, 401, 'invalid_client');
    expect(none.headers['www-authenticate']).toBeUndefined();

    const viaBasic = await token('grant_type=client_credentials', { ...form, authorization: basic(key.key, `${key.secret}x`) });
    expectOAuthError(viaBasic, 401, 'invalid_client');
    expect(viaBasic.headers['www-authenticate']).toBe('Basic realm="keyward"');

    const malformedBasic = await token('grant_type=client_credentials', { ...form, authorization: 'Basic !!!' });
    expectOAuthError(malformedBasic, 401, 'invalid_client');
    expect(malformedBasic.headers['www-authenticate']).toBe('Basic realm="keyward"');

    expectOAuthError(await token(`grant_type=client_credentials&client_id=${key.key}`, { ...form, authorization: basic(key.key, key.secret) }), 400, 'invalid_request');
  });

  it.skipIf(skip)('still issues tokens to well-formed requests, with a charset parameter too', async () => {
    const viaPost = await token(`grant_type=client_credentials&client_id=${key.key}&client_secret=${key.secret}`, { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' });
    expect(viaPost.statusCode, viaPost.body).toBe(200);
    expect(viaPost.json().token_type).toBe('Bearer');
    const viaBasic = await token('grant_type=client_credentials&scope=kafka', { ...form, authorization: basic(key.key, key.secret) });
    expect(viaBasic.statusCode, viaBasic.body).toBe(200);
    expect(viaBasic.json().scope).toBe('kafka');
  });
});

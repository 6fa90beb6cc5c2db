import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../helpers/databases.js';
import { createRuntime, type Runtime } from '../../src/server/runtime.js';
import { sendRaw, type RawResponse } from '../../bench/fuzz/raw-http.js';
import { isErrorBody } from '../../bench/fuzz/fuzz.js';

/** The answer carries DESIGN §3's error body with `code`, and the status it names. */
function expectErrorBody(response: RawResponse | undefined, status: number, code: string): void {
  expect(response, 'no answer').toBeDefined();
  const body = JSON.parse(response!.body.toString('utf8')) as { errors: Array<{ code: string }> };
  expect(response!.status, response!.body.toString()).toBe(status);
  expect(isErrorBody(body, status)).toBe(true);
  expect(body.errors[0]!.code).toBe(code);
}

/**
 * What Node's HTTP server answers by itself (an empty 400 or 417, a dropped CONNECT) and what a
 * driver refuses (U+0000 on PostgreSQL, a 500) get the documented error body instead.
 */
describe.each(DIALECTS)('malformed HTTP gets the error body ($name)', ({ skip, create }) => {
  let db: TestDatabase;
  let runtime: Runtime;
  let port: number;
  let auth: string;
  const raw = (text: string, halfClose = true) => sendRaw({ host: '127.0.0.1', port, timeoutMs: 10_000, halfClose }, Buffer.from(text, 'latin1'));

  beforeAll(async () => {
    if (skip) return;
    db = await create();
    runtime = await createRuntime({ ...db.options, publicUrl: 'http://127.0.0.1', bootstrap: true, lock: true });
    port = Number(new URL(await runtime.app.listen({ host: '127.0.0.1', port: 0 })).port);
    auth = `Authorization: Basic ${Buffer.from(`${runtime.bootstrapped!.key}:${runtime.bootstrapped!.secret}`).toString('base64')}`;
  });
  afterAll(async () => {
    await runtime?.close();
    await db?.drop();
  });

  it.skipIf(skip)('answers what the HTTP parser rejects: oversized headers 431, bad request lines and methods 400', async () => {
    expectErrorBody(await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`), 431, 'header_fields_too_large');
    expectErrorBody(await raw('FOO /healthz HTTP/1.1\r\nHost: x\r\n\r\n'), 400, 'bad_request');
    expectErrorBody(await raw('GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n'), 400, 'bad_request');
    expectErrorBody(await raw('GET /healthz HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n'), 400, 'bad_request');
    expectErrorBody(await raw('POST /keyward/v1/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab'), 400, 'bad_request');
    expectErrorBody(await raw('\x16\x03\x01\x00\xa5\x01\x00'), 400, 'bad_request');
  });

  it.skipIf(skip)('answers what Node would answer empty or not at all: no Host, an unknown Expect, CONNECT', async () => {
    expectErrorBody(await raw('GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n', false), 400, 'bad_request');
    expectErrorBody(await raw('GET /healthz HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nConnection: close\r\n\r\n', false), 400, 'bad_request');
    expectErrorBody(await raw(`CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n`, false), 405, 'method_not_allowed');
    // an HTTP/1.0 request needs no Host
    expect((await raw('GET /healthz HTTP/1.0\r\n\r\n', false))?.status).toBe(200);
  });

  it.skipIf(skip)('answers U+0000 in a path, query or JSON body with 400, on both dialects', async () => {
    const get = (target: string) => raw(`GET ${target} HTTP/1.1\r\nHost: x\r\n${auth}\r\nConnection: close\r\n\r\n`, false);
    expectErrorBody(await get('/iam/v2/users/%00'), 400, 'bad_request');
    expectErrorBody(await get('/iam/v2/api-keys/%00'), 400, 'bad_request');
    expectErrorBody(await get('/iam/v2/service-accounts?display_name=a%00b'), 400, 'bad_request');
    const body = JSON.stringify({ key: 'K\u0000', secret: 's' });
    expectErrorBody(await raw(`POST /keyward/v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`, false), 400, 'bad_request');
  });

  it.skipIf(skip)('answers unknown routes, unsupported methods and oversized bodies with the error body', async () => {
    expectErrorBody(await raw(`PROPFIND /iam/v2/users HTTP/1.1\r\nHost: x\r\n${auth}\r\nConnection: close\r\n\r\n`, false), 404, 'not_found');
    expectErrorBody(await raw(`PUT /iam/v2/users HTTP/1.1\r\nHost: x\r\n${auth}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`, false), 404, 'not_found');
    const big = `{"display_name":"${'x'.repeat(1024 * 1024)}"}`;
    expectErrorBody(await raw(`POST /iam/v2/service-accounts HTTP/1.1\r\nHost: x\r\n${auth}\r\nContent-Type: application/json\r\nContent-Length: ${big.length}\r\nConnection: close\r\n\r\n${big}`, false), 413, 'payload_too_large');
    expectErrorBody(await raw(`POST /iam/v2/service-accounts HTTP/1.1\r\nHost: x\r\n${auth}\r\nContent-Type: application/json\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{"a":`, false), 400, 'bad_request');
  });
});

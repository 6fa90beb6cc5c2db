import { generateSecret } from '../../src/domain/secrets.js';
import { deepJson, mutate, stringFor, valueOf, wrongValue, type Fodder, type Operation } from './generate.js';
import type { Rng } from './prng.js';

/** One generated request: the bytes to write, and what the answer is checked against. */
export interface GeneratedRequest {
  index: number;
  kind: 'operation' | 'malformed';
  method: string;
  /** The request target as sent (path and query). */
  target: string;
  operation?: Operation;
  /** Sent with the administrator's credentials (from 127.0.0.1), a plain user's (127.0.0.251), or neither or wrong ones. */
  authenticated: 'admin' | 'user' | false;
  bytes: Buffer;
}

export interface Credentials {
  key: string;
  secret: string;
}

/** encodeURIComponent, which throws on a lone surrogate: that one is sent as its (invalid) UTF-8 bytes. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'Application/JSON',
  'application/x-www-form-urlencoded',
  'text/plain',
  'text/plain;charset=UTF-8',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/octet-stream',
  'application/merge-patch+json',
  ';;;',
  'garbage',
  '',
];

const OTHER_METHODS = ['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'SEARCH', 'PURGE', 'LOCK', 'MKCOL', 'COPY', 'LINK'];

function invalidAuthorization(rng: Rng, admin: Credentials, fodder: Fodder): string {
  const key = rng.pick(fodder.apiKeys);
  return rng.pick([
    basic(admin.key, generateSecret()),
    basic(key.key, key.secret),
    basic('NOSUCHKEY0000000', generateSecret()),
    basic(admin.key, ''),
    basic('', admin.secret.slice(0, 10)),
    `Basic ${Buffer.from('no-colon').toString('base64')}`,
    'Basic !!!notbase64***',
    'Basic ',
    'Basic',
    `Bearer ${'e'.repeat(40)}.x.y`,
    `Digest username="${admin.key}"`,
    `Basic ${'A'.repeat(6000)}`,
    'basic ' + Buffer.from(`${admin.key}:${admin.secret}x`).toString('base64'),
  ]);
}

function pathValue(name: string, path: string, fodder: Fodder, rng: Rng): string {
  const roll = rng.next();
  if (roll < 0.65) return encode(stringFor(name === 'id' ? 'id' : name, path, fodder, rng));
  return rng.pick(['', 'x', '%00', '%ff', '%zz', '%', '%2F..%2F', '..', 'ü', '%C3%BC', encode('😀'), 'a'.repeat(101), 'a'.repeat(2000), `lkc-${'z'.repeat(6)}`, 'env-000000', encode(generateSecret())]);
}

function queryString(operation: Operation | undefined, path: string, fodder: Fodder, rng: Rng): string {
  const parts: string[] = [];
  for (const parameter of operation?.query ?? []) {
    if (!rng.bool(0.5)) continue;
    const value = rng.bool(0.75) ? valueOf(parameter.schema, parameter.name, path, fodder, rng) : wrongValue(rng);
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    parts.push(`${encode(parameter.name)}=${encode(text ?? '')}`);
    if (rng.bool(0.08)) parts.push(`${encode(parameter.name)}=${encode(text ?? '')}`);
  }
  if (rng.bool(0.1)) parts.push(rng.pick(['extra=1', 'page_size=-1', 'page_size=1000', 'page_size=abc', 'page_token=%ff', 'page_token=AAAA', '%=%', '=', '&&', 'a[b]=c', `secret=${generateSecret()}`, `x=${'y'.repeat(3000)}`]));
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** A body for the operation, then mutated one way or another. */
function body(operation: Operation | undefined, path: string, fodder: Fodder, rng: Rng): { contentType?: string; data?: Buffer } {
  const documented = operation?.consumes[0];
  const isForm = documented === 'application/x-www-form-urlencoded';
  if (!operation?.body && !rng.bool(0.1)) return {};
  const json = (value: unknown) => Buffer.from(JSON.stringify(value) ?? 'null');
  const valid = () => valueOf(operation?.body, 'body', path, fodder, rng);
  const kind = rng.weighted({ valid: 40, wrongType: 10, extra: 8, deep: 4, huge: 4, tooLarge: 2, invalidUtf8: 5, nonJson: 7, empty: 6, scalar: 5, proto: 4, duplicate: 3 });
  let data: Buffer;
  switch (kind) {
    case 'valid':
      data = isForm ? Buffer.from(formBody(fodder, rng)) : json(valid());
      break;
    case 'wrongType':
      data = json(mutate(valid(), rng, false));
      break;
    case 'extra':
      data = json(mutate(valid(), rng, true));
      break;
    case 'deep':
      data = Buffer.from(deepJson(rng.pick([64, 1000, 20_000, 200_000]), rng));
      break;
    case 'huge':
      data = json({ spec: { display_name: 'x'.repeat(rng.pick([10_000, 500_000, 1_000_000])), description: 'y' }, key: 'k', secret: 's' });
      break;
    case 'tooLarge':
      data = Buffer.alloc(1024 * 1024 + 1 + rng.int(100_000), rng.pick(['a', '{', '[', ' ']));
      break;
    case 'invalidUtf8':
      data = Buffer.concat([Buffer.from('{"spec":{"display_name":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('"}}')]);
      break;
    case 'nonJson':
      data = Buffer.from(rng.pick(['<xml><a>1</a></xml>', 'grant_type=client_credentials&client_id=a&client_secret=b', '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--xyz--\r\n', 'hello', '{', '{"a":', '[1,2', '\u0000\u0001\u0002', '{"a":1}{"b":2}', 'NaN', "{'a':1}"]));
      break;
    case 'empty':
      data = Buffer.alloc(0);
      break;
    case 'scalar':
      data = Buffer.from(rng.pick(['null', '1', '"str"', '[]', '{}', 'true', '[{}]', '[null]']));
      break;
    case 'proto':
      data = Buffer.from(rng.pick(['{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"x":1}}}', '{"spec":{"__proto__":{"a":1},"display_name":"p"}}', '[{"__proto__":{}}]']));
      break;
    case 'duplicate':
      data = Buffer.from('{"spec":{"display_name":"a","display_name":"b"},"spec":{}}');
      break;
  }
  const contentType = rng.bool(0.8) ? (documented ?? 'application/json') : rng.pick(CONTENT_TYPES);
  return { contentType: contentType === '' ? undefined : contentType, data };
}

function formBody(fodder: Fodder, rng: Rng): string {
  const key = rng.pick(fodder.apiKeys);
  const parts = [`grant_type=${rng.pick(['client_credentials', 'client_credentials', 'password', '', 'x'.repeat(300)])}`];
  if (rng.bool(0.6)) parts.push(`client_id=${encode(rng.bool(0.8) ? key.key : 'nope')}`, `client_secret=${encode(rng.bool(0.7) ? key.secret : generateSecret())}`);
  if (rng.bool(0.3)) parts.push(`scope=${encode(rng.pick(['kafka', 'a b', '"bad"', 'x'.repeat(2000), '']))}`);
  if (rng.bool(0.1)) parts.push('grant_type=client_credentials');
  if (rng.bool(0.05)) parts.push('%zz=%ff&==&&');
  return parts.join('&');
}

/** Requests Node's HTTP parser (or its defaults) meets before any route does. */
function malformed(rng: Rng, host: string): { method: string; target: string; bytes: Buffer } {
  const big = 'b'.repeat(rng.pick([17 * 1024, 70 * 1024]));
  const secret = generateSecret();
  const auth = `Authorization: ${basic('KEYID00000000000', secret)}`;
  const templates: Array<[string, string]> = [
    ['FOO', `FOO / HTTP/1.1\r\nHost: ${host}\r\n${auth}\r\n\r\n`],
    ['GET', `GET / HTTP/9.9\r\nHost: ${host}\r\n\r\n`],
    ['GET', `GET /\x00 HTTP/1.1\r\nHost: ${host}\r\n\r\n`],
    ['GET', `GET  HTTP/1.1\r\nHost: ${host}\r\n\r\n`],
    ['GET', `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${big}\r\n${auth}\r\n\r\n`],
    ['GET', `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nno colon here\r\n\r\n`],
    ['POST', `POST /keyward/v1/verify HTTP/1.1\r\nHost: ${host}\r\nContent-Length: abc\r\n\r\n{"secret":"${secret}"}`],
    ['POST', `POST /keyward/v1/verify HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
    ['POST', `POST /oauth2/token HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nzz\r\nclient_secret=${secret}\r\n0\r\n\r\n`],
    ['POST', `POST /oauth2/token HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd`],
    ['GET', `GET /healthz HTTP/1.1\r\n\r\n`],
    ['GET', `GET http://evil.example/healthz HTTP/1.1\r\nHost: ${host}\r\n\r\n`],
    ['GET', `GET * HTTP/1.1\r\nHost: ${host}\r\n\r\n`],
    ['CONNECT', `CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n${auth}\r\n\r\n`],
    ['GET', `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nExpect: 200-ok\r\n\r\n`],
    ['GET', `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`],
    ['GET', `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nX-Fold: a\r\n  folded\r\n\r\n`],
    ['GET', `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nBad\u0001Name: v\r\n\r\n`],
    ['GET', `GET /iam/v2/api-keys HTTP/1.1\r\nHost: ${host}\r\n${auth}\u0007\r\n\r\n`],
    ['GET', `\r\n\r\nGET /healthz HTTP/1.1\r\nHost: ${host}\r\n\r\n`],
    ['GET', `\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003`],
    ['GET', `GET /healthz?${'q'.repeat(20_000)} HTTP/1.1\r\nHost: ${host}\r\n\r\n`],
    ['GET', `GET /${'%41'.repeat(3000)} HTTP/1.1\r\nHost: ${host}\r\n\r\n`],
    ['GET', `get /healthz HTTP/1.1\r\nHost: ${host}\r\n\r\n`],
    ['GET', `GET /healthz HTTP/1.0\r\n\r\n`],
  ];
  const [method, text] = rng.pick(templates);
  return { method, target: text.split(' ')[1] ?? '', bytes: Buffer.from(text, 'latin1') };
}

export interface GenerationContext {
  operations: Operation[];
  fodder: Fodder;
  admin: Credentials;
  host: string;
}

/** Request `index`: round-robin over the operations, with its own seeded mutations. */
export function generateRequest(index: number, rng: Rng, context: GenerationContext): GeneratedRequest {
  const { operations, fodder, admin, host } = context;
  if (rng.bool(0.06)) {
    const raw = malformed(rng, host);
    return { index, kind: 'malformed', method: raw.method, target: raw.target, authenticated: false, bytes: raw.bytes };
  }
  const operation = operations[index % operations.length]!;
  const method = rng.bool(0.05) ? rng.pick(OTHER_METHODS) : operation.method;
  let path = operation.path.replace(/\{([^}]+)\}/g, (_m, name: string) => pathValue(name, operation.path, fodder, rng));
  if (rng.bool(0.03)) path = rng.pick([`${path}/`, `${path}//x`, path.toUpperCase(), `${path}/..`, `/%2e%2e${path}`]);
  const target = path + queryString(operation, operation.path, fodder, rng);
  // mostly the OrganizationAdmin, so that handlers are reached; a user without role bindings meets the authorizer
  const authenticated = rng.bool(0.55) ? (rng.bool(0.8) ? 'admin' : 'user') : false;
  const user = fodder.apiKeys[1]!;
  const headers: Array<[string, string]> = [['Host', host], ['Connection', 'close']];
  if (authenticated === 'admin') headers.push(['Authorization', basic(admin.key, admin.secret)]);
  else if (authenticated === 'user') headers.push(['Authorization', basic(user.key, user.secret)]);
  else if (rng.bool(0.7)) headers.push(['Authorization', invalidAuthorization(rng, admin, fodder)]);
  if (rng.bool(0.15)) headers.push(['X-Request-Id', rng.pick(['abc', generateSecret(), 'x'.repeat(65), 'bad id!', 'é', ''])]);
  if (rng.bool(0.15)) headers.push(['User-Agent', rng.pick([`agent ${generateSecret()}`, 'x'.repeat(4000), 'curl/8', ''])]);
  if (rng.bool(0.05)) headers.push(['X-Forwarded-For', rng.pick(['1.2.3.4', 'garbage', '1.2.3.4, 5.6.7.8', '::1', 'x'.repeat(500)])]);
  if (rng.bool(0.04)) headers.push(['Accept', rng.pick(['text/html', 'application/xml', '*/*', 'garbage;;'])]);
  if (rng.bool(0.03)) headers.push(['Cookie', `session=${generateSecret()}`]);
  if (rng.bool(0.03)) headers.push(['X-Huge', 'h'.repeat(rng.pick([4000, 12_000]))]);
  const { contentType, data } = body(operation, operation.path, fodder, rng);
  if (contentType !== undefined) headers.push(['Content-Type', contentType]);
  if (rng.bool(0.03)) headers.push(['Content-Encoding', rng.pick(['gzip', 'br', 'identity', 'x'])]);
  if (rng.bool(0.02)) headers.push(['Expect', '100-continue']);
  let payload = data ?? Buffer.alloc(0);
  if (data !== undefined && rng.bool(0.1)) {
    headers.push(['Transfer-Encoding', 'chunked']);
    payload = Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from(data.length > 0 ? '\r\n0\r\n\r\n' : '\r\n')]);
    if (data.length === 0) payload = Buffer.from('0\r\n\r\n');
  } else if (data !== undefined || method === 'POST' || method === 'PATCH' || rng.bool(0.2)) {
    headers.push(['Content-Length', String(payload.length)]);
  }
  const head = `${method} ${target} HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
  return { index, kind: 'operation', method, target, operation, authenticated, bytes: Buffer.concat([Buffer.from(head, 'utf8'), payload]) };
}

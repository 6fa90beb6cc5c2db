import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pacedLoad, parseResponses, requestBytes } from '../../bench/paced-load.js';

describe('parseResponses', () => {
  it('takes whole responses off the buffer and leaves a partial one', () => {
    const one = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    const two = 'HTTP/1.1 429 Too Many Requests\r\ncontent-length: 5\r\n\r\nslow!';
    const { responses, rest } = parseResponses(Buffer.from(one + two + 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab'));
    expect(responses).toEqual([
      { status: 200, body: 'ok' },
      { status: 429, body: 'slow!' },
    ]);
    expect(rest.toString()).toBe('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab');
  });

  it('refuses a response without Content-Length', () => {
    expect(() => parseResponses(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'))).toThrow(/Content-Length/);
  });
});

describe('pacedLoad', () => {
  let server: Server;
  let url: string;
  const seen: Array<{ method?: string; url?: string; body: string; forwarded?: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, body, forwarded: req.headers['x-forwarded-for'] as string | undefined });
        res.writeHead(seen.length % 2 === 0 ? 429 : 200, { 'content-type': 'application/json', 'content-length': '15' }).end('{"valid":false}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('sends the requests due at its rate, on kept-alive connections, and counts the answers', async () => {
    const bytes = requestBytes(new URL(url).host, { method: 'POST', path: '/v', headers: { 'x-forwarded-for': '203.0.113.1' }, body: '{"a":1}' });
    const result = await pacedLoad({ url, rate: 200, seconds: 0.5, connections: 2, request: () => bytes, check: (r) => r.status === 200 });
    expect(result.sent).toBe(100);
    expect(result.completed).toBe(100);
    expect(result.errors).toBe(0);
    expect(result.statusCodes).toEqual({ 200: 50, 429: 50 });
    expect(result.mismatches).toBe(50);
    expect(result.latencyMs.count).toBe(100);
    expect(seen[0]).toEqual({ method: 'POST', url: '/v', body: '{"a":1}', forwarded: '203.0.113.1' });
  });
});

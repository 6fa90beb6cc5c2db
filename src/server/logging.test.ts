import { describe, expect, it } from 'vitest';
import { generateSecret, hashSecret, maskSecret } from '../domain/secrets.js';
import { scrubLogLine } from './logging.js';

describe('scrubLogLine', () => {
  const secret = generateSecret();
  const encoded = Buffer.from(`ABCDEFGH12345678:${secret}`).toString('base64');

  it('removes secrets, their digests, Basic and Bearer values and credential parameters from a JSON log line', () => {
    const line = JSON.stringify({
      msg: 'x',
      raw: `POST /oauth2/token?client_secret=abc HTTP/1.1\r\nAuthorization: Basic ${encoded}\r\nX: Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJzYS0xIn0.sig\r\n\r\ngrant_type=client_credentials&client_secret=wrong-one&password=p`,
      body: `{"key":"K","secret":"not-a-valid-one"}`,
      note: `pasted ${secret}`,
      digest: hashSecret(secret),
      bare: encoded,
    });
    const out = scrubLogLine(line);
    for (const needle of [secret, hashSecret(secret), encoded, 'wrong-one', 'not-a-valid-one', 'client_secret=abc', 'eyJhbGciOiJFUzI1NiJ9', 'password=p']) expect(out).not.toContain(needle);
    expect(out).toContain(maskSecret(secret));
    expect(() => JSON.parse(out)).not.toThrow();
  });

  it('leaves ordinary lines unchanged', () => {
    const line = JSON.stringify({ level: 30, msg: 'request', method: 'POST', url: '/iam/v2/api-keys', status: 201, ms: 3, reqId: 'b6f7c1de-0000-4000-8000-000000000000' });
    expect(scrubLogLine(line)).toBe(line);
  });
});

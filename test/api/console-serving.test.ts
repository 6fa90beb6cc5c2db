import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConsoleBuild } from '../../src/server/console-assets.js';
import { createSqliteDir } from '../helpers/databases.js';
import { startHarness, type ApiHarness } from './support.js';

/** The console is served by the server itself from its build (npm run build writes dist/console). */
describe('the web console is served under /console/', () => {
  let harness: ApiHarness;
  const build = loadConsoleBuild();

  beforeAll(async () => {
    harness = await startHarness(await createSqliteDir());
  });
  afterAll(async () => harness?.close());

  const get = (url: string, headers: Record<string, string> = {}) => harness.call({ method: 'GET', url, headers, auth: null });

  it('is built (npm run build runs the console build)', () => {
    expect(build, 'dist/console/index.html is missing: run npm run build').toBeDefined();
  });

  it('redirects / and /console to /console/', async () => {
    for (const url of ['/', '/console']) {
      const res = await get(url);
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('/console/');
    }
  });

  it('answers every page path with the page, which loads only its own files under a strict policy', async () => {
    for (const url of ['/console/', '/console/api-keys', '/console/api-keys/ABCDEFGHIJKLMNOP', '/console/principals/service-accounts/sa-abc123']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="app">');
    }
    const page = (await get('/console/')).body;
    const references = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) expect(reference).toMatch(/^\/console\/assets\/[\w.-]+$/);
  });

  it('serves the hashed files for a year, with an ETag that answers 304', async () => {
    const page = (await get('/console/')).body;
    const script = /src="(\/console\/assets\/[\w.-]+\.js)"/.exec(page)?.[1];
    expect(script).toBeDefined();
    const res = await get(script!);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const again = await get(script!, { 'if-none-match': String(res.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('serves nothing but its build: no traversal, no other file, a missing file is a 404 error body', async () => {
    for (const url of ['/console/../package.json', '/console/%2e%2e/package.json', '/console/assets/../../package.json', '/console/assets/nope.js', '/console/.env']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toContain('application/json');
      expect(JSON.parse(res.body).errors[0].code).toBe('not_found');
      expect(res.body).not.toContain('"name": "keyward"');
    }
  });
});

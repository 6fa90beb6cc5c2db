/**
 * The project's docs stand alone: no markdown file in the repository links outside it, and every
 * relative link reaches a file of the repository (and, for `file.md#anchor` or `#anchor`, a heading
 * of that file). Example URLs inside code blocks and code spans are text, not links; a bare URL in
 * prose to a loopback, reserved example or placeholder host (`http://127.0.0.1:8090`,
 * `https://keyward.example.com`, `http://HOST:PORT`) names an address, not a site, and is allowed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headingSlug, isExampleUrl, isOutsideLink, markdownAnchors, markdownLinks } from './markdown-links.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'target', '.git', 'keyward-data', 'coverage']);

function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...markdownFiles(join(dir, entry.name)));
    } else if (entry.name.toLowerCase().endsWith('.md')) out.push(join(dir, entry.name));
  }
  return out;
}

/** What is wrong with one link of `file`, or undefined when it stays inside and resolves. */
function problem(file: string, target: string): string | undefined {
  if (isOutsideLink(target)) return 'links outside the repository';
  const [pathPart = '', anchor] = target.split('#', 2);
  const path = decodeURIComponent(pathPart);
  const destination = path === '' ? file : resolve(dirname(file), path);
  const fromRoot = relative(ROOT, destination);
  if (fromRoot.startsWith('..') || fromRoot.startsWith(sep)) return 'leaves the repository';
  if (!existsSync(destination)) return 'names a file that does not exist';
  if (anchor && destination.endsWith('.md') && statSync(destination).isFile() && !markdownAnchors(readFileSync(destination, 'utf8')).has(decodeURIComponent(anchor))) {
    return `names a heading "#${anchor}" that ${relative(ROOT, destination)} does not have`;
  }
  return undefined;
}

describe('the docs are self-contained', () => {
  const files = markdownFiles(ROOT);

  it('scans the README and the docs', () => {
    const names = files.map((f) => relative(ROOT, f));
    expect(names).toEqual(expect.arrayContaining(['README.md', join('docs', 'security.md'), join('docs', 'design.md')]));
  });

  it('no markdown file links outside the repository, and every relative link resolves', () => {
    const problems: string[] = [];
    for (const file of files) {
      for (const link of markdownLinks(readFileSync(file, 'utf8'))) {
        if (link.bare && isExampleUrl(link.target)) continue;
        const wrong = problem(file, link.target);
        if (wrong) problems.push(`${relative(ROOT, file)}:${link.line}: ${link.target} ${wrong}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the link scanner', () => {
  const sample = [
    '# Title',
    'See [the design](../shared/DESIGN.md), [Fastify](https://fastify.dev) and ![logo](//cdn.example.com/x.png "logo").',
    '[ref]: https://example.com/ref',
    'Mail <mailto:a@example.com> or <https://example.com/auto>; bare https://example.com/bare and www.example.com.',
    '<a href="http://example.com/html">html</a> <img src="/abs/path.png">',
    '[ok](docs/security.md) and [here](#title).',
    '`https://example.com/in-a-code-span` and [`code`](README.md)',
    '```sh',
    'curl https://example.com/in-a-fence',
    '```',
  ].join('\n');

  it('finds every kind of link, and none in code', () => {
    expect(markdownLinks(sample).map((l) => l.target)).toEqual([
      '../shared/DESIGN.md',
      'https://fastify.dev',
      '//cdn.example.com/x.png',
      'https://example.com/ref',
      'mailto:a@example.com',
      'https://example.com/auto',
      'https://example.com/bare',
      'www.example.com.',
      'http://example.com/html',
      '/abs/path.png',
      'docs/security.md',
      '#title',
      'README.md',
    ]);
  });

  it('tells links that leave the repository from those that stay', () => {
    for (const outside of ['https://fastify.dev', '//cdn.example.com/x', 'mailto:a@example.com', '/etc/passwd', 'www.example.com']) expect(isOutsideLink(outside), outside).toBe(true);
    for (const inside of ['docs/security.md', '#title', '../README.md#x']) expect(isOutsideLink(inside), inside).toBe(false);
    expect(problem(join(ROOT, 'README.md'), '../shared/DESIGN.md')).toBe('leaves the repository');
    expect(problem(join(ROOT, 'README.md'), 'docs/missing.md')).toBe('names a file that does not exist');
    expect(problem(join(ROOT, 'README.md'), '#no-such-heading')).toMatch(/does not have/);
    expect(problem(join(ROOT, 'README.md'), '#quick-start')).toBeUndefined();
  });

  it('lets bare example addresses be, and nothing else', () => {
    for (const example of ['http://127.0.0.1:8090', 'http://localhost:8090/x', 'http://HOST:PORT)', 'https://keyward.example.com/oauth2/token', 'http://[::1]:8090', 'https://db.test']) expect(isExampleUrl(example), example).toBe(true);
    for (const site of ['https://fastify.dev', 'https://github.com/x', 'www.example.community', 'http://128.0.0.1', 'https://example.com.evil.org']) expect(isExampleUrl(site), site).toBe(false);
  });

  it("slugs headings as GitHub does", () => {
    expect(headingSlug('nginx `auth_request`')).toBe('nginx-auth_request');
    expect(headingSlug("2. Delete API keys and service accounts you don't need")).toBe('2-delete-api-keys-and-service-accounts-you-dont-need');
    expect(headingSlug('OAuth 2.0 tokens for Apache Kafka (SASL/OAUTHBEARER, KIP-768)')).toBe('oauth-20-tokens-for-apache-kafka-sasloauthbearer-kip-768');
    expect([...markdownAnchors('# A\n## A\n```\n# not a heading\n```\n<a id="x"></a>')]).toEqual(['a', 'a-1', 'x']);
  });
});

/**
 * The links of a markdown file, as GitHub renders them: inline links and images `[t](x)`,
 * reference definitions `[id]: x`, autolinks `<https://…>`, bare `http(s)://` and `www.` URLs in
 * prose, and HTML `href`/`src` attributes. Fenced code blocks and code spans are not links and are
 * left out. Also the anchors a file offers: GitHub's heading slugs and HTML `id`/`name` attributes.
 */

export interface MarkdownLink {
  target: string;
  line: number;
  /** A bare URL in prose (GitHub links it), rather than a link someone wrote as one. */
  bare: boolean;
}

const blank = (s: string) => s.replace(/[^\n]/g, ' ');

/** Blanks fenced code blocks (keeping line breaks, so line numbers stay right). */
function withoutFences(markdown: string): string {
  return markdown.replace(/^( {0,3})(```|~~~)[^\n]*\n[\s\S]*?^ {0,3}\2[^\n]*$/gm, blank);
}

/** Blanks fenced code blocks and code spans (a span never crosses a blank line). */
export function withoutCode(markdown: string): string {
  return withoutFences(markdown).replace(/(`+)(?!`)(?:[^\n]|\n(?![ \t]*\n))*?(?<!`)\1(?!`)/g, blank);
}

const PATTERNS: RegExp[] = [
  /!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+["'(][^)]*)?\)/g, // [text](target "title"), ![alt](target)
  /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm, // [id]: target
  /<((?:[a-z][a-z0-9+.-]*:|www\.)[^\s>]+)>/gi, // <https://…>, <mailto:…>
  /\b(?:href|src)\s*=\s*["']([^"']+)["']/gi, // <a href="…">, <img src="…">
];
/** Bare URLs GitHub turns into links (looked for once the links above are taken out). */
const BARE_URL = /(?<!\w)(?:https?:\/\/|www\.)[^\s<>]+/gi;

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

export function markdownLinks(markdown: string): MarkdownLink[] {
  let prose = withoutCode(markdown);
  const links: MarkdownLink[] = [];
  for (const pattern of PATTERNS) {
    for (const m of prose.matchAll(pattern)) links.push({ target: m[1] as string, line: lineOf(prose, m.index), bare: false });
    prose = prose.replace(pattern, blank);
  }
  for (const m of prose.matchAll(BARE_URL)) links.push({ target: m[0], line: lineOf(prose, m.index), bare: true });
  return links.sort((a, b) => a.line - b.line);
}

/** Does the target leave the repository on its own (a scheme, `//host`, `www.` or an absolute path)? */
export function isOutsideLink(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//') || target.startsWith('/') || /^www\./i.test(target);
}

/**
 * Is a bare URL only an example of an address, pointing at no site: a loopback host, a name reserved
 * for examples (RFC 2606/6761: example.com/.net/.org, .example, .test, .invalid, localhost) or an
 * upper-case placeholder such as `http://HOST:PORT`?
 */
export function isExampleUrl(url: string): boolean {
  const host = /^(?:https?:\/\/)?(\[[^\]]*\]|[^/:?#)\s]+)/i.exec(url)?.[1] ?? '';
  if (/^[A-Z_]+$/.test(host)) return true;
  const h = host.toLowerCase();
  return (
    h === 'localhost' || h === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(h) || /(?:^|\.)example\.(?:com|net|org)$/.test(h) || /\.(?:example|test|invalid|localhost)$/.test(h)
  );
}

/** GitHub's slug of a heading's text: lower case, markup and punctuation dropped, spaces to hyphens. */
export function headingSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a markdown file offers: heading slugs (repeats numbered as GitHub does) and HTML ids. */
export function markdownAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of withoutFences(markdown).matchAll(/^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = headingSlug(m[1] as string);
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  for (const m of markdown.matchAll(/<a\s[^>]*\b(?:id|name)\s*=\s*["']([^"']+)["']/gi)) anchors.add(m[1] as string);
  return anchors;
}

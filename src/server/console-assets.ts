import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One file of the console's build, read once at startup. */
export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
  etag: string;
  /** Content-hashed files (`assets/…`) never change under their name: cached for a year. */
  immutable: boolean;
}

/** The built console: its files by URL path under /console/ (`index.html`, `assets/index-…js`). */
export interface ConsoleBuild {
  directory: string;
  files: ReadonlyMap<string, ConsoleAsset>;
  index: ConsoleAsset;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Where `npm run build` writes the console: `<package root>/dist/console`, found from this module's place (src/ or dist/src/). */
export function defaultConsoleDirectory(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(directory, 'package.json'))) return join(directory, 'dist', 'console');
    const parent = dirname(directory);
    if (parent === directory) return join(process.cwd(), 'dist', 'console');
    directory = parent;
  }
}

function* walk(directory: string): Generator<string> {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

/**
 * Reads the console's build into memory, or answers undefined when it is not built. Only these files
 * are ever served: no part of a request's URL reaches the file system.
 */
export function loadConsoleBuild(directory: string = defaultConsoleDirectory()): ConsoleBuild | undefined {
  if (!existsSync(join(directory, 'index.html')) || !statSync(directory).isDirectory()) return undefined;
  const files = new Map<string, ConsoleAsset>();
  for (const path of walk(directory)) {
    const name = relative(directory, path).split(sep).join('/');
    const body = readFileSync(path);
    files.set(name, {
      body,
      contentType: CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      immutable: name.startsWith('assets/'),
    });
  }
  const index = files.get('index.html');
  return index === undefined ? undefined : { directory, files, index };
}

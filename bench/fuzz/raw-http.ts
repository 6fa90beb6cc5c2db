import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface RawTarget {
  host: string;
  port: number;
  /** The loopback address the connection comes from (127.0.0.x), so that failures can be spread. */
  localAddress?: string;
  timeoutMs: number;
  /** End the sending side after the request (for malformed requests the server could wait on). */
  halfClose?: boolean;
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd === -1) break;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** Parses the first final (non-1xx) response in what the server wrote; undefined if there is none. */
export function parseResponse(data: Buffer): RawResponse | undefined {
  let at = 0;
  for (;;) {
    const headEnd = data.indexOf('\r\n\r\n', at);
    if (headEnd === -1) return undefined;
    const lines = data.subarray(at, headEnd).toString('latin1').split('\r\n');
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
    if (!match) return undefined;
    const status = Number(match[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const rest = data.subarray(headEnd + 4);
    if (status < 200) {
      at = headEnd + 4;
      continue;
    }
    if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) return { status, headers, body: dechunk(rest) };
    const length = headers['content-length'] === undefined ? rest.length : Number(headers['content-length']);
    return { status, headers, body: rest.subarray(0, length) };
  }
}

/**
 * Writes `request` as raw bytes on a fresh connection and reads until the server closes it (every
 * generated request says `Connection: close`, and malformed ones get closed by the server).
 */
export function sendRaw(target: RawTarget, request: Buffer): Promise<RawResponse | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseResponse(Buffer.concat(chunks)));
    };
    const socket = connect({ host: target.host, port: target.port, localAddress: target.localAddress });
    const timer = setTimeout(finish, target.timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', finish);
    // A malformed request is sent half-closed, so the parser meets the end of it instead of waiting for more.
    socket.on('connect', () => (target.halfClose ? socket.end(request) : socket.write(request)));
  });
}

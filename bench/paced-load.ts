/**
 * Open-loop load at a fixed rate, for the failure-flood probe: requests are due at t0 + i/rate,
 * dispatched in 1 ms ticks on a few kept-alive connections, whatever the server's answers take
 * (autocannon's rate limit sends each connection's quota of a second in one burst, and its closed
 * loop makes the offered load follow the server). The client is a minimal HTTP/1.1 one over
 * node:net with prepared request bytes, cheap enough to pace thousands of requests per second.
 *
 * Latency is measured from the write of a request, or, for a request that found no idle
 * connection, from the moment it was due: a server stall shows in full (no coordinated omission),
 * the timer's 1 ms granularity does not.
 */
import { connect, type Socket } from 'node:net';
import { createHistogram } from 'node:perf_hooks';

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** The bytes of one HTTP/1.1 request (Host, Content-Length and keep-alive included). */
export function requestBytes(host: string, request: RawRequest): Buffer {
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
  const lines = [`${request.method} ${request.path} HTTP/1.1`, `host: ${host}`, 'connection: keep-alive'];
  for (const [name, value] of Object.entries(request.headers ?? {})) lines.push(`${name}: ${value}`);
  if (body.length > 0 || request.method !== 'GET') lines.push(`content-length: ${body.length}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), body]);
}

export interface RawResponse {
  status: number;
  body: string;
}

/**
 * Takes complete responses off the front of `buffer`: each needs a Content-Length (Fastify sends
 * one for every JSON answer); a chunked answer is an error. Returns the responses and the rest.
 */
export function parseResponses(buffer: Buffer): { responses: RawResponse[]; rest: Buffer } {
  const responses: RawResponse[] = [];
  let at = 0;
  for (;;) {
    const headerEnd = buffer.indexOf('\r\n\r\n', at, 'latin1');
    if (headerEnd < 0) break;
    const head = buffer.toString('latin1', at, headerEnd);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!head.startsWith('HTTP/1.1 ') || !Number.isInteger(status)) throw new Error(`not an HTTP/1.1 response: ${head.slice(0, 40)}`);
    if (!length) throw new Error(`a response without Content-Length (status ${status})`);
    const end = headerEnd + 4 + Number(length[1]);
    if (buffer.length < end) break;
    responses.push({ status, body: buffer.toString('utf8', headerEnd + 4, end) });
    at = end;
  }
  return { responses, rest: at === 0 ? buffer : buffer.subarray(at) };
}

/** One kept-alive connection, one request at a time. */
class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private waiting?: { resolve: (r: RawResponse) => void; reject: (e: Error) => void };
  private closed?: Error;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('the server closed the connection')));
  }

  static open(host: string, port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new Connection(socket));
      });
      socket.once('error', reject);
    });
  }

  send(bytes: Buffer): Promise<RawResponse> {
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(bytes);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let parsed: ReturnType<typeof parseResponses>;
    try {
      parsed = parseResponses(this.buffer);
    } catch (error) {
      this.fail(error as Error);
      this.socket.destroy();
      return;
    }
    this.buffer = parsed.rest;
    for (const response of parsed.responses) {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.resolve(response);
    }
  }

  private fail(error: Error): void {
    this.closed ??= error;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }
}

export interface PacedOptions {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Requests per second. */
  rate: number;
  seconds: number;
  connections: number;
  /** The request bytes of the i-th request (see requestBytes). */
  request: (i: number) => Buffer;
  /** False for an answer that is not the expected one: counted as a mismatch. */
  check?: (response: RawResponse) => boolean;
}

export interface PacedResult {
  seconds: number;
  /** Requests written (those due while every connection broke are counted as errors instead). */
  sent: number;
  completed: number;
  /** Completed requests per second over the window. */
  achievedRate: number;
  statusCodes: Record<string, number>;
  mismatches: number;
  errors: number;
  /** Requests that were due while every connection was busy, and waited for one. */
  queued: number;
  /** Milliseconds, microsecond resolution, every completed request. */
  latencyMs: { p50: number; p90: number; p99: number; p99_9: number; mean: number; max: number; count: number };
}

const round = (n: number) => Number(n.toFixed(3));

/** Sends `rate` requests per second for `seconds`, then waits (at most 10 s) for the last answers. */
export async function pacedLoad(options: PacedOptions): Promise<PacedResult> {
  const target = new URL(options.url);
  const host = target.hostname;
  const port = Number(target.port);
  const all = await Promise.all(Array.from({ length: options.connections }, () => Connection.open(host, port)));
  const idle = [...all];
  const queue: number[] = [];
  const histogram = createHistogram({ lowest: 1, highest: 60_000_000, figures: 3 });
  const statusCodes: Record<string, number> = {};
  let sent = 0;
  let completed = 0;
  let mismatches = 0;
  let errors = 0;
  let queued = 0;
  let inFlight = 0;
  const total = Math.round(options.rate * options.seconds);

  const fire = (connection: Connection, since: number) => {
    const i = sent++;
    inFlight++;
    connection.send(options.request(i)).then(
      (response) => {
        histogram.record(Math.max(1, Math.round((performance.now() - since) * 1000)));
        completed++;
        statusCodes[response.status] = (statusCodes[response.status] ?? 0) + 1;
        if (options.check && !options.check(response)) mismatches++;
        inFlight--;
        const next = queue.shift();
        if (next !== undefined) fire(connection, next);
        else idle.push(connection);
      },
      () => {
        errors++;
        inFlight--;
        // a broken connection is not reused; what was queued for it waits for another one
      },
    );
  };

  const started = performance.now();
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - started) / 1000) * options.rate));
      for (let scheduled = sent + queue.length; scheduled < due; scheduled++) {
        const connection = idle.pop();
        if (connection) fire(connection, now);
        else {
          queue.push(now);
          queued++;
        }
      }
      if (now - started >= options.seconds * 1000) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  const window = (performance.now() - started) / 1000;
  const deadline = performance.now() + 10_000;
  while ((inFlight > 0 || queue.length > 0) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  errors += queue.length; // never sent: every connection broke
  for (const connection of all) connection.close();

  const ms = (p: number) => (histogram.count > 0 ? round(histogram.percentile(p) / 1000) : 0);
  return {
    seconds: round(window),
    sent,
    completed,
    achievedRate: Number((completed / window).toFixed(1)),
    statusCodes,
    mismatches,
    errors,
    queued,
    latencyMs: {
      p50: ms(50),
      p90: ms(90),
      p99: ms(99),
      p99_9: ms(99.9),
      mean: histogram.count > 0 ? round(histogram.mean / 1000) : 0,
      max: histogram.count > 0 ? round(histogram.max / 1000) : 0,
      count: histogram.count,
    },
  };
}

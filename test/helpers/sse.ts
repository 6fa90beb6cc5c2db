import { request, type IncomingMessage } from 'node:http';

/** One server-sent event as the stream carried it. */
export interface SseEvent {
  event: string;
  id?: string;
  data: unknown;
  retry?: number;
}

export interface SseStream {
  status: number;
  headers: IncomingMessage['headers'];
  /** Every event received so far, in order. */
  events: SseEvent[];
  /** The next event (after those already taken by `next`) matching `match`, within `timeoutMs`. */
  next(match?: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves when the server has ended the stream. */
  ended: Promise<void>;
  /** The response body when it is not a stream (an error answer). */
  body(): string;
  close(): void;
}

function parse(block: string): SseEvent | undefined {
  const event: Partial<SseEvent> & { lines: string[] } = { lines: [] };
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event.event = value;
    else if (field === 'id') event.id = value;
    else if (field === 'data') event.lines.push(value);
    else if (field === 'retry') event.retry = Number(value);
  }
  if (event.lines.length === 0 && event.retry === undefined) return undefined;
  const text = event.lines.join('\n');
  return { event: event.event ?? (event.retry !== undefined && text === '' ? 'retry' : 'message'), ...(event.id !== undefined ? { id: event.id } : {}), data: text === '' ? undefined : (JSON.parse(text) as unknown), ...(event.retry !== undefined ? { retry: event.retry } : {}) };
}

/** Opens a text/event-stream over loopback HTTP; every wait is bounded. */
export function openSse(url: string, headers: Record<string, string>): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const events: SseEvent[] = [];
      let taken = 0;
      let buffer = '';
      let raw = '';
      const waiters: Array<() => void> = [];
      const wake = () => waiters.splice(0).forEach((w) => w());
      let endedResolve!: () => void;
      const ended = new Promise<void>((r) => (endedResolve = r));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        raw += chunk;
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const parsed = parse(block);
          if (parsed) events.push(parsed);
        }
        wake();
      });
      let isEnded = false;
      const finish = () => {
        isEnded = true;
        endedResolve();
        wake();
      };
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', finish);
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        ended,
        body: () => raw,
        close: () => req.destroy(),
        next(match = () => true, timeoutMs = 3000) {
          return new Promise<SseEvent>((resolveNext, rejectNext) => {
            const timer = setTimeout(() => rejectNext(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events.slice(taken))}`)), timeoutMs);
            const look = () => {
              while (taken < events.length) {
                const candidate = events[taken++]!;
                if (match(candidate)) {
                  clearTimeout(timer);
                  resolveNext(candidate);
                  return;
                }
              }
              if (isEnded) {
                clearTimeout(timer);
                rejectNext(new Error(`the stream ended; got ${JSON.stringify(events)}`));
                return;
              }
              waiters.push(look);
            };
            look();
          });
        },
      });
    });
    req.setTimeout(30_000, () => req.destroy());
    req.on('error', reject);
    req.end();
  });
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, type ErrorCode } from '../domain/errors.js';
import { errorBody, sendError } from './errors.js';

/**
 * The edge of the HTTP server: what Node answers by itself, before or beside Fastify, also gets
 * the error body of DESIGN §3 (never an empty 400/417 or a silently closed connection).
 */

/** How long a rejected connection may take to read its error answer before it is destroyed. */
const CLIENT_ERROR_LINGER_MS = 2000;

/**
 * What Node's HTTP parser rejects before Fastify sees a request (oversized headers, a malformed
 * request line, an unknown method, a slow client) still gets the error body, written straight to
 * the socket, which is then destroyed. Fastify's own handler would log the raw packet (headers,
 * credentials and all) at trace level; this logs only the parser's error code.
 */
export function clientErrorHandler(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode = error.code === 'HPE_HEADER_OVERFLOW' ? 'header_fields_too_large' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request_timeout' : 'bad_request';
  const detail =
    code === 'header_fields_too_large' ? 'The request headers are too large' : code === 'request_timeout' ? 'The request took too long to arrive' : 'The request is not valid HTTP/1.1';
  this.log.debug({ code: error.code }, 'client error');
  // A response already under way on this connection cannot be followed by another one.
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) writeRaw(socket, code, detail);
  else socket.destroy();
}

/** Writes the error answer straight to the socket; end() flushes it, the timer destroys a peer that never reads it. */
function writeRaw(socket: Duplex, code: ErrorCode, detail: string): void {
  const body = JSON.stringify(errorBody(randomUUID(), code, detail));
  const status = ERROR_CODES[code];
  socket.end(`HTTP/1.1 ${status.status} ${status.title}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  setTimeout(() => socket.destroy(), CLIENT_ERROR_LINGER_MS).unref();
}

function sendPlain(response: ServerResponse, code: ErrorCode, detail: string): void {
  const body = JSON.stringify(errorBody(randomUUID(), code, detail));
  response.writeHead(ERROR_CODES[code].status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
  response.end(body);
}

/**
 * Node answers an unknown `Expect` with an empty 417 and drops a `CONNECT` (keyward is not a proxy)
 * without a word unless someone listens: these listeners answer both with the error body.
 */
export function installHttpEdge(server: Server): void {
  server.on('checkExpectation', (_request: IncomingMessage, response: ServerResponse) => sendPlain(response, 'bad_request', 'Only "Expect: 100-continue" is supported'));
  server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    writeRaw(socket, 'method_not_allowed', 'CONNECT is not supported: keyward is not a proxy');
  });
}

/**
 * RFC 9112 §3.2 answers an HTTP/1.1 request without `Host` with 400. Node would send it empty; the
 * server lets such requests through (`requireHostHeader: false`) and this says why. True when it
 * answered (app.ts's onRequest hook then stops).
 */
export function answeredMissingHost(request: FastifyRequest, reply: FastifyReply): boolean {
  if (request.headers.host !== undefined || request.raw.httpVersion !== '1.1') return false;
  sendError(request, reply, 'bad_request', 'An HTTP/1.1 request needs a Host header');
  return true;
}

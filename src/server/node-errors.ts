import { createServer, STATUS_CODES, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { getRequestListener, RequestError } from '@hono/node-server';
import type { ErrorEnvelope } from '../contract.js';
import { ApiError } from './errors.js';

/**
 * The contract's error envelope for the requests the app never sees: those Node's parser
 * refuses (oversized headers, malformed HTTP) and those @hono/node-server cannot turn into a
 * `Request` (a backslash in the path, a bad Host). Left alone, both answer an empty 4xx,
 * which the widget can only report as an unknown failure.
 */

/** Headers every envelope answered here carries, as the app's own answers do. */
const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/**
 * `getRequestListener(fetch, { errorHandler })`: a request the adapter could not read
 * answers 400 `BAD_REQUEST`; anything else reaching it means the app itself threw, which the
 * proxy's app never does (its onError answers), so that is an honest 500 `INTERNAL`.
 */
export function requestErrorResponse(error: unknown): Response {
  const failure =
    error instanceof RequestError
      ? new ApiError('BAD_REQUEST', `The request could not be read (${error.message}).`, { retryable: false })
      : new ApiError('INTERNAL', 'Something went wrong in the try-on proxy.');
  return failure.toResponse({ 'cache-control': HEADERS['cache-control'], 'x-content-type-options': HEADERS['x-content-type-options'] });
}

/** Node's own status for each parser failure (what it answers without a listener), with our words for it. */
function clientErrorAnswer(code: string | undefined): { status: number; message: string; retryable: boolean } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, message: 'The request headers are larger than the proxy accepts.', retryable: false };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, message: 'The request body carries chunk extensions larger than the proxy accepts.', retryable: false };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, message: 'The request took too long to arrive.', retryable: true };
    default:
      return { status: 400, message: 'The request is not valid HTTP.', retryable: false };
  }
}

/**
 * Listener for `http.Server`'s `clientError`: answers as Node would (same status, then the
 * connection closes) but with the envelope. Like Node, it writes nothing when the peer is
 * gone or a response has already started on the connection, which the answer would corrupt.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, message, retryable } = clientErrorAnswer(error.code);
  const envelope: ErrorEnvelope = { error: { code: 'BAD_REQUEST', message, retryable } };
  const body = JSON.stringify(envelope);
  const head = Object.entries({ ...HEADERS, 'content-length': String(Buffer.byteLength(body)), connection: 'close' }).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('')}\r\n${body}`, () => socket.destroy());
}

export interface ServeOptions {
  fetch: (request: Request, env: unknown) => unknown;
  port?: number;
  hostname?: string;
}

/** `serve()` of @hono/node-server with both hooks above: every refused request gets the envelope. */
export function serveWithEnvelopes(options: ServeOptions, onListening?: (info: AddressInfo) => void): Server {
  const server = createServer(getRequestListener(options.fetch, { hostname: options.hostname, errorHandler: requestErrorResponse }));
  server.on('clientError', answerClientError);
  server.listen(options.port ?? 3000, options.hostname, () => onListening?.(server.address() as AddressInfo));
  return server;
}

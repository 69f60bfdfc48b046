import type { ErrorRequestHandler } from 'express';
import type { Duplex } from 'node:stream';
import type { z } from 'zod';
import { databaseUnavailable } from '../db/client.js';
import { logger } from '../logger.js';

export interface ErrorDetail {
  path: string;
  message: string;
}

/** An HTTP error with the body every endpoint uses: `{error: {code, message, details: [{path, message}]}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function zodDetails(error: z.ZodError, prefix = ''): ErrorDetail[] {
  return error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)', message: i.message }));
}

/**
 * Errors express raises while it reads the body or decodes the path are the request's fault (http-errors with a
 * 4xx status): they get their 4xx in the documented body, never a 500 that KGC or Chatwoot would retry for ever.
 */
function requestFault(err: unknown): ApiError | undefined {
  if (err instanceof URIError) return new ApiError(400, 'invalid_path', 'The path is not valid percent-encoding', [{ path: 'path', message: 'malformed %-escape' }]);
  const e = err as { status?: unknown; type?: unknown; code?: unknown };
  if (typeof e.status !== 'number' || e.status < 400 || e.status > 499) return undefined;
  if (e.status === 413) return new ApiError(413, 'payload_too_large', 'Request body is over 1 MiB');
  switch (e.type) {
    case 'entity.parse.failed':
      return new ApiError(400, 'invalid_json', 'Request body is not valid JSON');
    case 'encoding.unsupported':
      return new ApiError(415, 'unsupported_media_type', 'Content-Encoding is not supported', [{ path: 'headers.content-encoding', message: 'send the body uncompressed, or as gzip, deflate or br' }]);
    case 'charset.unsupported':
      return new ApiError(415, 'unsupported_media_type', 'The charset is not supported', [{ path: 'headers.content-type', message: 'send UTF-8' }]);
    case 'request.aborted':
    case 'request.size.invalid':
      return new ApiError(400, 'invalid_body', 'The body is shorter than its Content-Length', [{ path: 'headers.content-length', message: 'does not match the body received' }]);
  }
  // zlib's errors (Z_DATA_ERROR, brotli's ERR_…): the body is not what its Content-Encoding says.
  if (typeof e.code === 'string' && /^(Z_|ERR_)/.test(e.code)) {
    return new ApiError(400, 'invalid_body', 'The body could not be decompressed', [{ path: 'headers.content-encoding', message: 'the body is not data of this encoding' }]);
  }
  return new ApiError(e.status, 'bad_request', 'The request could not be read');
}

function send(res: Parameters<ErrorRequestHandler>[2], err: ApiError): void {
  res.status(err.status).set(err.headers).json({ error: { code: err.code, message: err.message, details: err.details } });
}

export const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  if (err instanceof ApiError) return send(res, err);
  const fault = requestFault(err);
  if (fault) return send(res, fault);
  // Postgres restarting or unreachable: a 503 callers retry (KGC honours Retry-After), not a 500.
  if (databaseUnavailable(err)) {
    logger.warn({ err }, 'database unavailable');
    return send(res, new ApiError(503, 'database_unavailable', 'The database is unavailable; retry later', [], { 'Retry-After': '5' }));
  }
  logger.error({ err }, 'unhandled API error');
  res.status(500).json({ error: { code: 'internal', message: 'Internal error', details: [] } });
};

const httpStatusText: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/**
 * Node's own answer to a request it cannot parse (a body cut short of its Content-Length, a broken header) is a
 * bare `400` without a body; this gives it the documented error body too.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify({ error: { code: 'malformed_request', message: 'The HTTP request could not be parsed', details: [{ path: '(request)', message: httpStatusText[status]! }] } });
  socket.end(`HTTP/1.1 ${status} ${httpStatusText[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

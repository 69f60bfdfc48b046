import type { ErrorRequestHandler } from 'express';
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

export const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  if (err instanceof ApiError) {
    res.status(err.status).set(err.headers).json({ error: { code: err.code, message: err.message, details: err.details } });
    return;
  }
  const status = (err as { status?: number }).status;
  if (status === 413) {
    res.status(413).json({ error: { code: 'payload_too_large', message: 'Request body is over 1 MiB', details: [] } });
    return;
  }
  if (status === 400 && (err as { type?: string }).type === 'entity.parse.failed') {
    res.status(400).json({ error: { code: 'invalid_json', message: 'Request body is not valid JSON', details: [] } });
    return;
  }
  // Postgres restarting or unreachable: a 503 callers retry (KGC honours Retry-After), not a 500.
  if (databaseUnavailable(err)) {
    logger.warn({ err }, 'database unavailable');
    res.status(503).set('Retry-After', '5').json({ error: { code: 'database_unavailable', message: 'The database is unavailable; retry later', details: [] } });
    return;
  }
  logger.error({ err }, 'unhandled API error');
  res.status(500).json({ error: { code: 'internal', message: 'Internal error', details: [] } });
};

import { ApplicationFailure } from '@temporalio/common';
import { ClientError, GraphQLClient } from 'graphql-request';
import { httpFailure, networkFailure } from './errors.js';

interface TwentyGraphQLError {
  message: string;
  extensions?: { code?: string; subCode?: string; conflictingRecordId?: string; retryAfterMs?: number; periodUnit?: string };
}

/** GraphQL codes that a retry cannot fix (twenty.md §9). */
const permanentCodes = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'METADATA_VALIDATION_FAILED',
  'METHOD_NOT_ALLOWED',
]);

/** "Limit reached (100 tokens per 60000 ms)": one token comes back every ms/tokens; wait for a few. */
export function limitReachedDelayMs(message: string, fallbackPerMinute: number): number {
  const m = /(\d+)\s+tokens?\s+per\s+(\d+)\s*ms/i.exec(message);
  const perToken = m ? Number(m[2]) / Number(m[1]) : 60_000 / fallbackPerMinute;
  return Math.ceil(perToken);
}

export class TwentyNotFoundError extends Error {
  override readonly name = 'TwentyNotFoundError';
}

/**
 * Twenty's workspace GraphQL (`/graphql`) and metadata (`/metadata`) APIs. Every error leaves here as a
 * Temporal failure with the right retry behaviour; LIMIT_REACHED arrives as HTTP 200 and is retryable.
 */
export class TwentyClient {
  private readonly core: GraphQLClient;
  private readonly meta: GraphQLClient;

  constructor(private readonly opts: { apiUrl: string; apiKey: string; requestsPerMinute: number; timeoutMs?: number }) {
    const headers = { Authorization: `Bearer ${opts.apiKey}` };
    const timeoutMs = opts.timeoutMs ?? 15_000;
    const fetchWithTimeout: typeof fetch = (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const base = opts.apiUrl.replace(/\/$/, '');
    this.core = new GraphQLClient(`${base}/graphql`, { headers, fetch: fetchWithTimeout });
    this.meta = new GraphQLClient(`${base}/metadata`, { headers, fetch: fetchWithTimeout });
  }

  query<T>(document: string, variables?: Record<string, unknown>): Promise<T> {
    return this.run(this.core, document, variables);
  }

  metadata<T>(document: string, variables?: Record<string, unknown>): Promise<T> {
    return this.run(this.meta, document, variables);
  }

  private async run<T>(client: GraphQLClient, document: string, variables?: Record<string, unknown>): Promise<T> {
    try {
      return await client.request<T>(document, variables);
    } catch (err) {
      throw this.toFailure(err);
    }
  }

  private toFailure(err: unknown): Error {
    if (!(err instanceof ClientError)) return networkFailure('Twenty', 'GraphQL', err);
    const errors = (err.response.errors ?? []) as TwentyGraphQLError[];
    const first = errors[0];
    const status = err.response.status;
    if (!first) return httpFailure('Twenty', 'GraphQL', status, err.response.headers?.get?.('retry-after'));
    const { code, subCode } = first.extensions ?? {};
    const text = `Twenty ${code ?? 'error'}${subCode ? `/${subCode}` : ''}: ${first.message}`;
    const retryAfterMs = first.extensions?.retryAfterMs;
    // Newer Twenty's usage limits say how long to wait; a spent quota lasts until its period ends (hours, days),
    // which backing off cannot bridge: stop and report it.
    if (code === 'RATE_LIMITED') {
      return ApplicationFailure.create({
        type: 'RateLimited',
        message: text,
        nextRetryDelay: typeof retryAfterMs === 'number' && retryAfterMs >= 0 ? retryAfterMs : limitReachedDelayMs(first.message, this.opts.requestsPerMinute),
      });
    }
    if (code === 'QUOTA_EXHAUSTED') {
      const renews = typeof retryAfterMs === 'number' ? ` (the ${first.extensions?.periodUnit ?? 'period'}'s quota renews in ${Math.ceil(retryAfterMs / 60_000)} min)` : '';
      return ApplicationFailure.create({ type: 'TwentyQuotaExhausted', message: `${text}${renews}`, nonRetryable: true, details: [{ code, retryAfterMs }] });
    }
    if (subCode === 'LIMIT_REACHED' || /limit reached/i.test(first.message)) {
      return ApplicationFailure.create({
        type: 'RateLimited',
        message: text,
        nextRetryDelay: limitReachedDelayMs(first.message, this.opts.requestsPerMinute),
      });
    }
    if (code === 'NOT_FOUND') return new TwentyNotFoundError(text);
    if (status >= 500 || !code || !permanentCodes.has(code)) {
      return ApplicationFailure.create({ type: 'TwentyUnavailable', message: text });
    }
    return ApplicationFailure.create({
      type: 'TwentyRejected',
      message: text,
      nonRetryable: true,
      details: [{ code, subCode, conflictingRecordId: first.extensions?.conflictingRecordId }],
    });
  }
}

import { ClientError, GraphQLClient } from 'graphql-request';
import { credentialedHttpFailure, failure, networkFailure, setupFailure, TwentyNotFoundError, type FailureDetail } from './errors.js';

interface TwentyGraphQLError {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string; subCode?: string; conflictingRecordId?: string; retryAfterMs?: number; periodUnit?: string };
}

/**
 * Codes that fail every record alike until someone fixes the deployment, with what to fix: UNAUTHENTICATED for an
 * invalid or expired key, FORBIDDEN for a revoked key or a role without the permission, GRAPHQL_VALIDATION_FAILED
 * for a field or object the data model lacks (the generated schema has no such name).
 */
const setupHints = new Map([
  ['UNAUTHENTICATED', 'TWENTY_API_KEY is invalid or expired'],
  ['FORBIDDEN', 'TWENTY_API_KEY is revoked, or its role lacks the permission (Settings → Roles)'],
  ['GRAPHQL_VALIDATION_FAILED', 'the data model lacks what this service writes; run `npm run twenty:provision`'],
]);

/**
 * A field the workspace schema lacks, sent in the variables: graphql-js refuses it while coercing them, before any
 * resolver runs, and Twenty answers that as BAD_USER_INPUT. It is the data model, not the record, that is wrong.
 * Only the two names are kept: the rest of that message quotes the record.
 */
const unknownInputField = /Field "(\w+)" is not defined by type "(\w+)"/;

/** GraphQL codes of the record or request that a retry cannot fix. */
const permanentCodes = new Set([
  'GRAPHQL_PARSE_FAILED',
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

/**
 * Where a GraphQL error points, without the value it quotes: graphql-js words a refused variable as
 * `Variable "$data" got invalid value {…the whole record…} at "data.emails"; Field "x" is not defined by type "T".`
 */
export function graphqlErrorPath(error: TwentyGraphQLError): string[] | undefined {
  if (error.path?.length) return error.path.map(String);
  const variable = /^Variable "\$(\w+)"/.exec(error.message)?.[1];
  if (!variable) return undefined;
  const at = /got invalid value [\s\S]* at "([\w.[\]]+)";/.exec(error.message)?.[1] ?? variable;
  const field = /Field "(\w+)" is not defined by type/.exec(error.message)?.[1];
  return field ? [...at.split('.'), field] : at.split('.');
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

  /** Twenty's message is never passed on: it quotes the refused variables, that is the customer's record. */
  private toFailure(err: unknown): Error {
    if (!(err instanceof ClientError)) return networkFailure('Twenty', 'GraphQL', err);
    const errors = (err.response.errors ?? []) as TwentyGraphQLError[];
    const first = errors[0];
    const status = err.response.status;
    if (!first) return credentialedHttpFailure('Twenty', 'GraphQL', status, err.response.headers?.get?.('retry-after'));
    const { code, subCode, conflictingRecordId } = first.extensions ?? {};
    const detail: FailureDetail = { system: 'Twenty', status, code, subCode, path: graphqlErrorPath(first), conflictingRecordId };
    const text = `Twenty ${code ?? 'error'}${subCode ? `/${subCode}` : ''}${detail.path ? ` at ${detail.path.join('.')}` : ''}`;
    const retryAfterMs = first.extensions?.retryAfterMs;
    // Newer Twenty's usage limits say how long to wait; a spent quota lasts until its period ends (hours, days),
    // which backing off cannot bridge: stop and report it.
    if (code === 'RATE_LIMITED') {
      const delay = typeof retryAfterMs === 'number' && retryAfterMs >= 0 ? retryAfterMs : limitReachedDelayMs(first.message, this.opts.requestsPerMinute);
      return failure('RateLimited', text, { detail, nextRetryDelay: delay });
    }
    if (code === 'QUOTA_EXHAUSTED') {
      const renews = typeof retryAfterMs === 'number' ? ` (the ${first.extensions?.periodUnit ?? 'period'}'s quota renews in ${Math.ceil(retryAfterMs / 60_000)} min)` : '';
      return failure('TwentyQuotaExhausted', `${text}${renews}`, { detail });
    }
    if (subCode === 'LIMIT_REACHED' || /limit reached/i.test(first.message)) {
      return failure('RateLimited', text, { detail, nextRetryDelay: limitReachedDelayMs(first.message, this.opts.requestsPerMinute) });
    }
    if (code === 'NOT_FOUND') return new TwentyNotFoundError(detail);
    const hint = code && setupHints.get(code);
    if (hint) {
      // Validation names every unknown field at once; the messages quote names from the query, and auth and
      // permission errors are Twenty's fixed texts ("This API Key is revoked"): never record data.
      const messages = [...new Set(errors.filter((e) => e.extensions?.code === code).map((e) => e.message))].join('; ');
      return setupFailure('Twenty', code, `Twenty ${code}${subCode ? `/${subCode}` : ''}: ${messages} (${hint})`);
    }
    const unknownField = unknownInputField.exec(first.message);
    if (unknownField) {
      const [, field, type] = unknownField;
      return setupFailure('Twenty', 'DATA_MODEL_INCOMPLETE', `Twenty ${code}: field "${field}" is not defined by type "${type}" (${setupHints.get('GRAPHQL_VALIDATION_FAILED')})`);
    }
    if (status >= 500 || !code || !permanentCodes.has(code)) return failure('TwentyUnavailable', text, { detail });
    return failure('TwentyRejected', text, { detail });
  }
}

import { ActivityFailure, ApplicationFailure, TemporalFailure } from '@temporalio/common';

/**
 * The one error vocabulary of the service (docs/architecture.md#principles, 3). Every failure that leaves a client, the
 * database layer or an activity is an ApplicationFailure whose type is listed here and whose message is fixed by
 * us: upstream text (GraphQL variable errors, Chatwoot and Gemini bodies, SQL and its parameters) echoes the
 * record it refused, and failures end up in logs, Temporal history and error columns. What may travel is
 * what identifies the problem: system, HTTP status, code, sub-code, field path, constraint.
 *
 * `retryable` decides the failure's own flag and, through `nonRetryableErrorTypes`, every retry policy.
 */
export const errorTypes = {
  /** A setting the operator has to add; the next attempt after the fix succeeds, but never before. */
  ConfigurationError: { retryable: false },
  /** 4xx other than 408/429 from an upstream without a more specific conversion. */
  PermanentHttpError: { retryable: false },
  TransientHttpError: { retryable: true },
  RateLimited: { retryable: true },
  NetworkError: { retryable: true },
  TwentyRejected: { retryable: false },
  TwentyUnavailable: { retryable: true },
  /** Newer Twenty's usage quota is spent until its period ends: report it, do not retry blind for a day. */
  TwentyQuotaExhausted: { retryable: false },
  /** Twenty's upsert matched another record (a unique field) and answered its id: never stored, never retried. */
  TwentyIdMismatch: { retryable: false },
  /** Twenty's NOT_FOUND: a retry does not bring the record back. */
  TwentyNotFoundError: { retryable: false },
  /** Chatwoot's 422 RecordInvalid with the attributes at fault; callers that can resolve it catch it. */
  ChatwootValidationError: { retryable: false },
  ChatwootRejected: { retryable: false },
  ChatwootContactOnline: { retryable: true },
  ChatwootInconsistent: { retryable: true },
  InvalidKgcData: { retryable: false },
  GeminiDailyQuotaExhausted: { retryable: false },
  SmtpTransient: { retryable: true },
  /** Postgres refused or was unreachable; the statement is safe to run again (every activity is). */
  DatabaseError: { retryable: true },
  /** Rows an activity was given the id of that are not there. */
  KokoSuggestionMissing: { retryable: false },
  NotificationMissing: { retryable: false },
  EmailSubjectMissing: { retryable: false },
  EmailInFlight: { retryable: true },
  /** A campaign fact for a Twenty person the partner sync is still writing: wait for it. */
  TwentyPersonPending: { retryable: true },
  PartnerSyncFailed: { retryable: false },
  BulkSyncFailed: { retryable: false },
  /** A fault of the deployment (key, role, data model), not of a record: syncs wait, the bulk sync pauses. */
  SetupError: { retryable: true },
} as const satisfies Record<string, { retryable: boolean }>;

export type ErrorType = keyof typeof errorTypes;

export const nonRetryableErrorTypes: string[] = Object.entries(errorTypes)
  .filter(([, t]) => !t.retryable)
  .map(([type]) => type);

/** What may be said about an upstream refusal: never a value, only where and why. */
export interface FailureDetail {
  system: string;
  status?: number;
  code?: string;
  subCode?: string;
  /** Field path of the refused input (`data.emails.primaryEmail`), or attributes at fault. */
  path?: string[];
  conflictingRecordId?: string;
  constraint?: string;
  table?: string;
}

export function failure(
  type: ErrorType,
  message: string,
  opts: { detail?: FailureDetail; nextRetryDelay?: number | string; category?: 'BENIGN' } = {},
): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: !errorTypes[type].retryable,
    details: opts.detail ? [opts.detail] : undefined,
    nextRetryDelay: opts.nextRetryDelay,
    category: opts.category,
  });
}

/** The value of a setting, or the ConfigurationError naming the settings to add. */
export function configured<T>(value: T | undefined | null | false, settings: string): T {
  if (!value) throw failure('ConfigurationError', `${settings} not configured`);
  return value;
}

export class TwentyNotFoundError extends ApplicationFailure {
  constructor(detail: FailureDetail) {
    super(`Twenty ${detail.code ?? 'NOT_FOUND'}${detail.subCode ? `/${detail.subCode}` : ''}: record not found`, 'TwentyNotFoundError', true, [detail]);
  }
}

/** A 422 from Chatwoot's model validation: which attributes collided. */
export class ChatwootValidationError extends ApplicationFailure {
  constructor(
    readonly attributes: string[],
    what: string,
  ) {
    super(`Chatwoot ${what} rejected: invalid ${attributes.join(', ')}`, 'ChatwootValidationError', true, [{ system: 'Chatwoot', status: 422, path: attributes }]);
  }
}

export function retryAfterMs(header: string | null | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** 4xx is permanent except 408 and 429; 429 retries after Retry-After; 5xx retries with the activity's backoff. */
export function httpFailure(system: string, what: string, status: number, retryAfter?: string | null): ApplicationFailure {
  const message = `${system} ${what} answered HTTP ${status}`;
  const detail = { system, status };
  if (status === 429) return failure('RateLimited', message, { detail, nextRetryDelay: retryAfterMs(retryAfter) });
  if (status >= 400 && status < 500 && status !== 408) return failure('PermanentHttpError', message, { detail });
  return failure('TransientHttpError', message, { detail });
}

export function networkFailure(system: string, what: string, cause: unknown): ApplicationFailure {
  const code = errorCode(cause) ?? (cause as Error)?.name ?? 'unknown';
  return failure('NetworkError', `${system} ${what} unreachable (${code})`, { detail: { system, code } });
}

/** A machine code (ECONNRESET, SQLSTATE 23514, ETIMEDOUT) from the error or its cause; never free text. */
export function errorCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 3; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^[A-Z0-9_]{2,40}$/.test(e.code)) return e.code;
  }
  return undefined;
}

/**
 * Anything thrown, as an ApplicationFailure fit for history and logs: ours pass as they are, anything else keeps
 * its class name as type and its code, never its message. Retryable, as Temporal treats an unknown error.
 */
export function sanitisedFailure(err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  // The type Temporal itself would give it, so that retry policies and queries on it stay the same.
  const type = err instanceof Error ? (err.constructor?.name ?? err.name) : typeof err;
  const code = errorCode(err);
  return ApplicationFailure.create({
    type,
    message: `${type}${code ? ` (${code})` : ''}; message withheld, it may carry personal data`,
    details: code ? [{ code }] : undefined,
  });
}

/** Errors whose message the Temporal SDK, its server or our config check writes: ids, states, setting names. */
const fixedMessage = new Set(['ServiceError', 'WorkflowFailedError', 'WorkflowNotFoundError', 'WorkflowExecutionAlreadyStartedError', 'QueryRejectedError', 'QueryNotRegisteredError', 'ConfigError']);

/** A log-safe summary of an error and its causes (the pino serializer of `err`, `error` and `cause`). */
export function errorSummary(err: unknown, depth = 0): Record<string, unknown> | string {
  if (!(err instanceof Error)) return typeof err === 'string' ? '[message withheld]' : String(typeof err);
  const ours = err instanceof ApplicationFailure || err instanceof TemporalFailure || fixedMessage.has(err.name);
  return {
    type: err instanceof ApplicationFailure ? err.type : (err.constructor?.name ?? err.name),
    ...(ours && { message: err.message }),
    ...(errorCode(err) && { code: errorCode(err) }),
    ...(err instanceof ApplicationFailure && err.details?.length && { details: err.details }),
    ...(err.cause !== undefined && depth < 3 && { cause: errorSummary(err.cause, depth + 1) }),
  };
}

/**
 * A fault of the deployment, not of a record (a revoked or invalid API key, a role without permission, a data
 * model missing a field): every record would fail alike. Retryable, so live syncs wait with backoff and the
 * message (data-free) shows in the Web UI as the pending activity's last failure; the bulk sync pauses on it. Never
 * a reason to dead-letter a record.
 */
export const setupErrorType: ErrorType = 'SetupError';

export type SetupSystem = 'Twenty' | 'Chatwoot';

export function setupFailure(system: SetupSystem, code: string, message: string): ApplicationFailure {
  return failure('SetupError', message.slice(0, 500), { detail: { system, code } });
}

/** A 401/403 answered to the deployment's own key: a setup error rather than a refusal of the record. */
export function credentialedHttpFailure(system: SetupSystem, what: string, status: number, retryAfter?: string | null): ApplicationFailure {
  if (status === 401 || status === 403) {
    const why = status === 401 ? 'the API key is invalid' : 'the API key lacks a permission';
    return setupFailure(system, `HTTP_${status}`, `${system} ${what} answered HTTP ${status}: ${why}`);
  }
  return httpFailure(system, what, status, retryAfter);
}

/** The setup failure an activity ended with, as a workflow sees it; undefined for any other error. */
export function setupFailureOf(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && cause.type === setupErrorType ? cause : undefined;
}

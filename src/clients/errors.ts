import { ActivityFailure, ApplicationFailure } from '@temporalio/common';

/**
 * The one place where an HTTP outcome of an external system becomes a Temporal failure
 * (ARCHITECTURE.md principle 3): 4xx is permanent except 408 and 429; 429 retries after Retry-After;
 * 5xx and network errors retry with the activity's backoff.
 */
export const nonRetryableErrorTypes = ['PermanentHttpError', 'ConfigurationError', 'TwentyRejected', 'InvalidKgcData'];

export function retryAfterMs(header: string | null | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export function httpFailure(system: string, what: string, status: number, retryAfter?: string | null): ApplicationFailure {
  const message = `${system} ${what} answered HTTP ${status}`;
  if (status === 429) {
    return ApplicationFailure.create({
      type: 'RateLimited',
      message,
      nextRetryDelay: retryAfterMs(retryAfter),
      details: [{ system, status }],
    });
  }
  if (status >= 400 && status < 500 && status !== 408) {
    return ApplicationFailure.create({ type: 'PermanentHttpError', message, nonRetryable: true, details: [{ system, status }] });
  }
  return ApplicationFailure.create({ type: 'TransientHttpError', message, details: [{ system, status }] });
}

export function networkFailure(system: string, what: string, cause: unknown): ApplicationFailure {
  const code = (cause as { code?: string })?.code ?? (cause as Error)?.message ?? 'unknown';
  return ApplicationFailure.create({ type: 'NetworkError', message: `${system} ${what} unreachable (${code})` });
}

/**
 * A fault of the deployment, not of a record (a revoked or invalid API key, a role without permission, a data
 * model missing a field): every record would fail alike. Retryable, so live syncs wait with backoff and the
 * message (data-free) shows in the Web UI as the pending activity's last failure; the bulk sync pauses on it. Never
 * a reason to dead-letter a record.
 */
export const setupErrorType = 'SetupError';

export type SetupSystem = 'Twenty' | 'Chatwoot';

export function setupFailure(system: SetupSystem, code: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: setupErrorType, message: message.slice(0, 500), details: [{ system, code }] });
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

import { ApplicationFailure } from '@temporalio/common';

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

/** A resolver error carrying Twenty's extensions; graphql-js copies `extensions` from the original error. */
export class TwentyError extends Error {
  readonly extensions: Record<string, unknown>;

  constructor(message: string, code: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.extensions = { code, ...extra };
  }
}

export const badInput = (message: string, subCode?: string, extra: Record<string, unknown> = {}) =>
  new TwentyError(message, 'BAD_USER_INPUT', { ...(subCode && { subCode }), userFriendlyMessage: message, ...extra });

export const recordNotFound = () =>
  new TwentyError('Record not found', 'NOT_FOUND', {
    subCode: 'RECORD_NOT_FOUND',
    userFriendlyMessage: 'This record does not exist or has been deleted.',
  });

export const duplicateEntry = (objectNameSingular: string, conflictingRecordId?: string) =>
  new TwentyError('A duplicate entry was detected', 'BAD_USER_INPUT', {
    userFriendlyMessage: 'This record already exists. Please check your data and try again.',
    ...(conflictingRecordId && { conflictingRecordId, conflictingObjectNameSingular: objectNameSingular }),
  });

export const limitReached = (tokens: number, windowMs: number) =>
  new TwentyError(`Limit reached (${tokens} tokens per ${windowMs} ms)`, 'BAD_USER_INPUT', {
    subCode: 'LIMIT_REACHED',
    userFriendlyMessage: 'Rate limit reached. Please try again later.',
  });

/**
 * The usage-limit system of newer Twenty (per-workspace flag, usage-limit-to-graphql-api-exception-handler.util.ts):
 * code and subCode RATE_LIMITED, the exhausted scope and `retryAfterMs` in the extensions, HTTP 200.
 */
export const rateLimited = (limit: number, windowMs: number, retryAfterMs: number) =>
  new TwentyError(`Rate limit exceeded for apiKey: ${limit} requests per ${windowMs / 1000}s.`, 'RATE_LIMITED', {
    subCode: 'RATE_LIMITED',
    userFriendlyMessage: 'Rate limit reached. Please try again later.',
    limitKind: 'speed',
    exhaustedKind: 'limit',
    limit,
    remaining: 0,
    periodCount: Math.ceil(windowMs / 1000),
    periodUnit: 'second',
    retryAfterMs,
    scope: { spenderType: 'apiKey', spenderId: 'sandbox-key' },
  });

/** A spent quota (a day's or month's allowance): waiting seconds does not help; retryAfterMs is the period's end. */
export const quotaExhausted = (retryAfterMs: number) =>
  new TwentyError('Usage quota exhausted for apiKey.', 'QUOTA_EXHAUSTED', {
    subCode: 'QUOTA_EXHAUSTED',
    userFriendlyMessage: 'Usage quota exhausted for this period.',
    limitKind: 'quota',
    exhaustedKind: 'limit',
    remaining: 0,
    periodCount: 1,
    periodUnit: 'day',
    retryAfterMs,
    scope: { spenderType: 'apiKey', spenderId: 'sandbox-key' },
  });

type MetadataKind = 'objectMetadata' | 'fieldMetadata';

export interface MetadataIssue {
  code: string;
  message: string;
  value?: unknown;
}

/** The shape Twenty's workspace-migration validator answers with (METADATA_VALIDATION_FAILED, one entry per entity). */
export function metadataValidationFailed(kind: MetadataKind, entity: Record<string, unknown>, issues: MetadataIssue[]): TwentyError {
  const noun = kind === 'objectMetadata' ? 'object' : 'fields';
  return new TwentyError(`Multiple validation errors occurred while creating ${noun}`, 'METADATA_VALIDATION_FAILED', {
    errors: {
      [kind]: [
        {
          errors: issues.map((i) => ({ ...i, userFriendlyMessage: i.message })),
          flatEntityMinimalInformation: entity,
          metadataName: kind,
          status: 'fail',
          type: 'create',
        },
      ],
    },
    message: `Validation failed for 1 ${kind}`,
    summary: { [kind]: 1, totalErrors: issues.length },
    userFriendlyMessage: 'Metadata validation failed',
  });
}

/** A revoked (or deleted) API key: the auth middleware answers HTTP 200 with FORBIDDEN, not UNAUTHENTICATED. */
export const apiKeyRevoked = () =>
  new TwentyError('This API Key is revoked', 'FORBIDDEN', { userFriendlyMessage: 'This API key has been revoked.' });

/** The key's role lacks the object or settings permission the operation needs (PermissionsException). */
export const permissionDenied = () =>
  new TwentyError('Entity performing the request does not have permission', 'FORBIDDEN', {
    subCode: 'PERMISSION_DENIED',
    userFriendlyMessage: 'User does not have permission.',
  });

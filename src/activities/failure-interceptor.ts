import { CompleteAsyncError } from '@temporalio/activity';
import { TemporalFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { sanitisedFailure } from '../clients/errors.js';
import { databaseFailure } from '../db/client.js';

/** The SDK decides on these itself: cancellation, async completion, and failures that are already ours. */
const passesThrough = (err: unknown) => err instanceof TemporalFailure || err instanceof CompleteAsyncError || (err as Error)?.name === 'AbortError';

/**
 * The last line of the error vocabulary: whatever an activity throws leaves the worker as an ApplicationFailure
 * without upstream text. Clients already throw the vocabulary; here a database error becomes DatabaseError and
 * anything else keeps its class name as type, its retry behaviour, and loses its message, so that neither
 * Temporal history nor the SDK's "Activity failed" log carries what the error quoted.
 */
export const sanitiseFailures: ActivityInterceptorsFactory = () => ({
  inbound: {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (err) {
        if (passesThrough(err)) throw err;
        throw databaseFailure(err) ?? sanitisedFailure(err);
      }
    },
  },
});

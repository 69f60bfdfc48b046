import type { ApplicationFailure } from '@temporalio/common';
import { failure } from '../clients/errors.js';

/**
 * Twenty's upsert answered with another record's id: it matched an existing row on a unique field (a person's
 * primary email) and updated that row instead of ours. Never retried and never stored: the id is not ours.
 */
export function twentyIdMismatchFailure(object: string, expectedId: string, returnedId: string): ApplicationFailure {
  return failure('TwentyIdMismatch', `Twenty upserted ${object} ${expectedId} into another record (${returnedId}): a unique field matched a record that is not ours`, {
    detail: { system: 'Twenty', code: 'ID_MISMATCH', conflictingRecordId: returnedId },
  });
}

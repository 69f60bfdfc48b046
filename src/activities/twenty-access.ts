import { ApplicationFailure } from '@temporalio/common';
import { configured } from '../clients/errors.js';
import type { TwentyClient } from '../clients/twenty-client.js';

/** The Twenty client, or the non-retryable failure naming the settings it lacks. */
export function requireTwenty(twenty: TwentyClient | undefined): TwentyClient {
  return configured(twenty, 'TWENTY_API_URL / TWENTY_API_KEY');
}

/** Twenty refused the data sent (TwentyRejected): a batch refused as a whole is split to find the record at fault. */
export const isTwentyRejection = (err: unknown): err is ApplicationFailure => err instanceof ApplicationFailure && err.type === 'TwentyRejected';

import { patched, sleep } from '@temporalio/workflow';
import type { CapWait } from '../activities/email.js';

/** Runs recorded before capped VIP welcomes and upsells waited ended at the cap; they replay that way. */
export const cappedEmailWaits = 'capped-marketing-email-waits';

/**
 * Runs `attempt` (the whole send decision) and, while the frequency cap holds its email back, waits on a durable
 * timer until the cap's window ends and runs it again: switch, consent, opt-out, erasure and cap are all decided
 * anew, and a slot another campaign took meanwhile means another wait. The email activity ends the wait
 * (no `retryAt`) once MARKETING_CAP_WAIT_LIMIT after the first cap has passed.
 */
export async function attemptUntilCapAllows<T extends { retryAt?: string }>(attempt: (capWait?: CapWait) => Promise<T>): Promise<T> {
  let result = await attempt();
  if (!result.retryAt || !patched(cappedEmailWaits)) return result;
  const capWait: CapWait = { since: new Date().toISOString() };
  while (result.retryAt) {
    await sleep(Math.max(1, Date.parse(result.retryAt) - Date.now()));
    result = await attempt(capWait);
  }
  return result;
}

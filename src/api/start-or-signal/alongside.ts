import type { KgcEventType } from '../../contracts/kgc-events.js';
import type { Handoff } from './handoff.js';

/**
 * One event, several workflows (a Chatwoot notification and a customer email, say): the primary hand-off first (it
 * may write what the others read, as the history ledger), then the others side by side, and the answer names the
 * primary's workflow. Side by side, rental.completed's four hand-offs cost the time of two, not four: one after
 * another they outlived the 5 s answer under load. Every hand-off is idempotent, so KGC's retry after a partial
 * failure completes the rest without doubling what already happened.
 */
export function alongside<E extends KgcEventType>(primary: Handoff<E>, ...others: Array<Handoff<E>>): Handoff<E> {
  return async (temporal, taskQueue, event, db) => {
    const answer = await primary(temporal, taskQueue, event, db);
    await Promise.all(others.map((other) => other(temporal, taskQueue, event, db)));
    return answer;
  };
}

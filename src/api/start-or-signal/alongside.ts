import type { KgcEventType } from '../../contracts/kgc-events.js';
import type { Handoff } from './handoff.js';

/**
 * One event, several workflows (a Chatwoot notification and a customer email, say): each hand-off runs in turn and
 * the answer names the first one's workflow. Every hand-off is idempotent, so KGC's retry after a partial failure
 * completes the rest without doubling what already happened.
 */
export function alongside<E extends KgcEventType>(primary: Handoff<E>, ...others: Array<Handoff<E>>): Handoff<E> {
  return async (temporal, taskQueue, event, db) => {
    const answer = await primary(temporal, taskQueue, event, db);
    for (const other of others) await other(temporal, taskQueue, event, db);
    return answer;
  };
}

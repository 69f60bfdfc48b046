import type { Client } from '@temporalio/client';
import type { KgcEventData, KgcEventType } from '../../contracts/kgc-events.js';
import type { Db } from '../../db/client.js';

export interface HandoffEvent<E extends KgcEventType> {
  type: E;
  /** Validated by the event's zod schema. */
  data: KgcEventData<E>;
  eventId: string;
}

/**
 * Hands one verified KGC event to Temporal (start, signal or signal-with-start) and resolves once that is
 * durable. It must be safe to call twice for the same event: business workflow ids make it so. A hand-off whose
 * workflow needs the event's personal data stores it in Postgres (`db`) first and passes only ids to Temporal.
 */
export type Handoff<E extends KgcEventType> = (temporal: Client, taskQueue: string, event: HandoffEvent<E>, db: Db) => Promise<{ workflowId: string }>;

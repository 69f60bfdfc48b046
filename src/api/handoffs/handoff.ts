import type { Client } from '@temporalio/client';
import type { KgcEventType } from '../../contracts/kgc-events.js';

export interface HandoffEvent {
  type: KgcEventType;
  /** Validated by the event's zod schema. */
  data: Record<string, unknown>;
  eventId: string;
}

/**
 * Hands one verified KGC event to Temporal (start, signal or signal-with-start) and resolves once that is
 * durable. It must be safe to call twice for the same event: business workflow ids make it so.
 */
export type Handoff = (temporal: Client, taskQueue: string, event: HandoffEvent) => Promise<{ workflowId: string }>;

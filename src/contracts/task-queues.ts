import type { Priority } from '@temporalio/common';

/** Per-system task queues derive from the main one (TEMPORAL_TASK_QUEUE), so each can carry its own rate limit. */
export const twentyTaskQueue = (mainQueue: string) => `${mainQueue}-twenty`;
/** initialBulkSync's Chatwoot contact pages, limited to CHATWOOT_BULK_REQUESTS_PER_MINUTE. */
export const chatwootBulkTaskQueue = (mainQueue: string) => `${mainQueue}-chatwoot-bulk`;

/**
 * Priorities on the Twenty queue, which live and bulk calls share (one Twenty budget): lower key first, and the
 * server's default key is 3 of 1..5. A customer's live sync goes before everything, a bulk batch after everything,
 * so a running bulk sync takes only what live traffic leaves of the budget.
 */
export const liveTwentyPriority: Priority = { priorityKey: 1 };
export const bulkTwentyPriority: Priority = { priorityKey: 5 };
